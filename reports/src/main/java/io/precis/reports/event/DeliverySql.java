package io.precis.reports.event;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Reads {@link DeliveryTotals} from the roll-ups of every advertiser: per campaign over its whole
 * history (the day grain, summed in the database), or per campaign and UTC hour since a time (the
 * hour grain: its cells still in the cell table summed in the database, plus its packs of closed
 * hours, {@link RollupPacker}, decoded here).
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
        Map<Hour, long[]> sums = new TreeMap<>(Comparator.comparing(Hour::campaignId).thenComparingLong(Hour::periodMs));
        for (DeliveryTotals t : read(ds, "SELECT campaign_id, period_ms, " + SUMS + " FROM " + RollupSql.TABLE
                + " WHERE grain = ? AND period_ms >= ? GROUP BY campaign_id, period_ms", Grain.HOUR, since)) {
            add(sums, t.campaignId(), t.period().toEpochMilli(), t.impressions(), t.clicks(), t.conversions(),
                    t.costNanos());
        }
        try (Connection c = ds.getConnection();
             PreparedStatement advertisers = c.prepareStatement(RollupPacker.NEXT_ADVERTISER.formatted(RollupPacker.TABLE));
             PreparedStatement packs = c.prepareStatement("SELECT period_ms, cells FROM " + RollupPacker.TABLE
                     + " WHERE advertiser_id = ? AND grain = ? AND period_ms >= ?")) {
            String advertiser = "";
            while ((advertiser = RollupPacker.first(advertisers, advertiser)) != null) {
                packs.setString(1, advertiser);
                packs.setString(2, Grain.HOUR.code);
                packs.setLong(3, since.toEpochMilli());
                try (ResultSet rs = packs.executeQuery()) {
                    while (rs.next()) {
                        long period = rs.getLong(1);
                        RollupPack.read(rs.getBytes(2), cell -> add(sums, cell.strings[cell.keys[0]], period,
                                cell.counts[0], cell.counts[1], cell.counts[3], cell.counts[4]));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("delivery totals query failed", e);
        }
        List<DeliveryTotals> out = new ArrayList<>(sums.size());
        sums.forEach((h, n) -> out.add(new DeliveryTotals(h.campaignId(), Instant.ofEpochMilli(h.periodMs()), n[0], n[1],
                n[2], n[3])));
        return out;
    }

    /** A campaign's UTC hour. */
    private record Hour(String campaignId, long periodMs) {
    }

    private static void add(Map<Hour, long[]> sums, String campaignId, long periodMs, long impressions, long clicks,
                            long conversions, long costNanos) {
        long[] n = sums.computeIfAbsent(new Hour(campaignId, periodMs), h -> new long[4]);
        n[0] += impressions;
        n[1] += clicks;
        n[2] += conversions;
        n[3] += costNanos;
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
