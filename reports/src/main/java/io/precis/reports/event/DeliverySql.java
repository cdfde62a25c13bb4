package io.precis.reports.event;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Reads {@link DeliveryTotals} from the roll-ups of every advertiser: per campaign over its whole
 * history (the day grain), or per campaign and UTC hour since a time (the hour grain). Sums the
 * creatives of a campaign in the database.
 */
final class DeliverySql {
    private static final String SUMS = "SUM(impressions), SUM(clicks), SUM(conversions), SUM(cost_nanos)";

    private DeliverySql() {
    }

    /** Each campaign's totals over everything ever recorded. */
    static List<DeliveryTotals> totals(DataSource ds) {
        return read(ds, "SELECT campaign_id, NULL, " + SUMS + " FROM " + RollupSql.TABLE
                + " WHERE grain = ? GROUP BY campaign_id", Grain.DAY, null);
    }

    /** Each campaign's totals per UTC hour, for the hours starting at or after {@code since}. */
    static List<DeliveryTotals> hourly(DataSource ds, Instant since) {
        return read(ds, "SELECT campaign_id, period_ms, " + SUMS + " FROM " + RollupSql.TABLE
                + " WHERE grain = ? AND period_ms >= ? GROUP BY campaign_id, period_ms", Grain.HOUR, since);
    }

    private static List<DeliveryTotals> read(DataSource ds, String sql, Grain grain, Instant since) {
        List<DeliveryTotals> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, grain.code);
            if (since != null) {
                ps.setLong(2, since.toEpochMilli());
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long period = rs.getLong(2);
                    out.add(new DeliveryTotals(rs.getString(1), rs.wasNull() ? null : Instant.ofEpochMilli(period),
                            rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("delivery totals query failed", e);
        }
        return out;
    }
}
