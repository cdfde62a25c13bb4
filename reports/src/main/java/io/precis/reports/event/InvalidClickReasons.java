package io.precis.reports.event;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Why an advertiser's clicks were judged invalid, per campaign and reason ({@code robot},
 * {@code too_fast}, {@code no_impression}, {@code too_many_ip}, {@code too_many_user},
 * {@code prefetch}), over UTC days {@code from..to}. Read from the stored clicks, which keep
 * the rule that rejected them; a reason describes the click's source, not a person, so no
 * k-threshold applies. Counts every click of an ad once, as reports do.
 */
public final class InvalidClickReasons {
    /** One campaign's invalid clicks of one reason. */
    public record Row(String campaignId, String reason, long clicks) {
    }

    private static final String SQL = "SELECT campaign_id, reason, COUNT(*) FROM precis_events"
            + " WHERE advertiser_id = ? AND utc_day >= ? AND utc_day <= ? AND kind = ? AND is_valid = FALSE"
            + " GROUP BY campaign_id, reason ORDER BY campaign_id, reason";

    private InvalidClickReasons() {
    }

    static List<Row> read(DataSource ds, String advertiserId, LocalDate from, LocalDate to) {
        List<Row> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(SQL)) {
            ps.setString(1, advertiserId);
            ps.setDate(2, Date.valueOf(from));
            ps.setDate(3, Date.valueOf(to));
            ps.setString(4, StoredEvent.CLICK);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String reason = rs.getString(2);
                    out.add(new Row(rs.getString(1), reason == null ? "unknown" : reason, rs.getLong(3)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("invalid click reasons query failed", e);
        }
        return out;
    }
}
