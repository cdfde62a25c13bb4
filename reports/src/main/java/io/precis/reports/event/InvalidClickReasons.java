package io.precis.reports.event;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Why an advertiser's clicks were judged invalid, per campaign and reason ({@code robot},
 * {@code too_fast}, {@code no_impression}, {@code too_many_ip}, {@code too_many_user},
 * {@code prefetch}), over UTC days {@code from..to}. Summed per advertiser, UTC day, campaign
 * and reason in {@code precis_click_reasons} by the event writer, in the same transaction as
 * the clicks, so the answer outlives the raw events' retention; a reason describes the click's
 * source, not a person, so no k-threshold applies. Counts every click of an ad once, as reports do.
 */
public final class InvalidClickReasons {
    /** One campaign's invalid clicks of one reason. */
    public record Row(String campaignId, String reason, long clicks) {
    }

    static final String TABLE = "precis_click_reasons";
    private static final String UNKNOWN = "unknown";
    private static final String SQL = "SELECT campaign_id, reason, SUM(clicks) FROM " + TABLE
            + " WHERE advertiser_id = ? AND utc_day >= ? AND utc_day <= ?"
            + " GROUP BY campaign_id, reason ORDER BY campaign_id, reason";
    /** Standard MERGE: H2 has one writer, the event writer thread. */
    private static final String MERGE = "MERGE INTO " + TABLE + " t USING (VALUES (CAST(? AS VARCHAR(128)), "
            + "CAST(? AS DATE), CAST(? AS VARCHAR(128)), CAST(? AS VARCHAR(32)), CAST(? AS BIGINT))) "
            + "AS s (advertiser_id, utc_day, campaign_id, reason, clicks) ON t.advertiser_id = s.advertiser_id "
            + "AND t.utc_day = s.utc_day AND t.campaign_id = s.campaign_id AND t.reason = s.reason "
            + "WHEN MATCHED THEN UPDATE SET clicks = t.clicks + s.clicks "
            + "WHEN NOT MATCHED THEN INSERT (advertiser_id, utc_day, campaign_id, reason, clicks) "
            + "VALUES (s.advertiser_id, s.utc_day, s.campaign_id, s.reason, s.clicks)";
    /** Several writers on PostgreSQL: the sum adds in the database under the row's lock, rows in key order. */
    private static final String UPSERT = "INSERT INTO " + TABLE + " (advertiser_id, utc_day, campaign_id, reason, "
            + "clicks) VALUES (?, ?, ?, ?, ?) ON CONFLICT (advertiser_id, utc_day, campaign_id, reason) "
            + "DO UPDATE SET clicks = " + TABLE + ".clicks + EXCLUDED.clicks";

    private InvalidClickReasons() {
    }

    static List<Row> read(DataSource ds, String advertiserId, LocalDate from, LocalDate to) {
        List<Row> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(SQL)) {
            ps.setString(1, advertiserId);
            ps.setDate(2, Date.valueOf(from));
            ps.setDate(3, Date.valueOf(to));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Row(rs.getString(1), rs.getString(2), rs.getLong(3)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("invalid click reasons query failed", e);
        }
        return out;
    }

    /** Adds the invalid clicks among {@code rows} (a batch's inserted events) to their sums. */
    static void add(Connection c, List<StoredEvent> rows) throws SQLException {
        Map<List<String>, Long> sums = new TreeMap<>(ReportReader::compareKeys);
        for (StoredEvent e : rows) {
            if (StoredEvent.CLICK.equals(e.kind()) && !e.valid() && e.advertiserId() != null && e.campaignId() != null) {
                String day = LocalDate.ofInstant(e.at(), ZoneOffset.UTC).toString();
                sums.merge(List.of(e.advertiserId(), day, e.campaignId(), e.reason() == null ? UNKNOWN : e.reason()),
                        1L, Long::sum);
            }
        }
        if (sums.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(SqlDialect.of(c) == SqlDialect.POSTGRES ? UPSERT : MERGE)) {
            for (Map.Entry<List<String>, Long> s : sums.entrySet()) {
                List<String> k = s.getKey();
                ps.setString(1, k.get(0));
                ps.setDate(2, Date.valueOf(k.get(1)));
                ps.setString(3, k.get(2));
                ps.setString(4, k.get(3));
                ps.setLong(5, s.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
