package io.precis.reports.event;

import io.precis.reports.lift.CampaignLift;
import io.precis.reports.lift.LiftEstimate;
import io.precis.reports.privacy.DiscreteLaplace;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The lift of each of an advertiser's campaigns with a hold-out, over the whole test so far
 * (whatever the report's days): its two groups ({@link LiftPeople}) through {@link LiftEstimate},
 * with the campaign's whole spend for iROAS. People are user-linked figures, so a test with
 * fewer than k people in either group is withheld, as a small report row is merged; with noise
 * on, the four counts carry noise as a row's counts do (money stays exact).
 */
final class LiftReport {
    private LiftReport() {
    }

    /** @param noise null for exact counts */
    static List<CampaignLift> read(DataSource ds, String advertiserId, String campaignId, int k, DiscreteLaplace noise) {
        List<LiftPeople.Groups> groups = LiftPeople.read(ds, advertiserId, campaignId);
        if (groups.isEmpty()) {
            return List.of();
        }
        Map<String, Long> spend = spendNanos(ds, advertiserId, campaignId);
        List<CampaignLift> out = new ArrayList<>(groups.size());
        for (LiftPeople.Groups g : groups) {
            long exposed = noisy(g.exposed(), Long.MAX_VALUE, noise);
            long heldOut = noisy(g.heldOut(), Long.MAX_VALUE, noise);
            long exposedConverters = noisy(g.exposedConverters(), exposed, noise);
            long heldOutConverters = noisy(g.heldOutConverters(), heldOut, noise);
            out.add(new CampaignLift(g.campaignId(), LiftEstimate.of(exposed, exposedConverters, heldOut,
                    heldOutConverters, BigDecimal.valueOf(g.exposedValueMicros(), 6),
                    BigDecimal.valueOf(g.heldOutValueMicros(), 6),
                    BigDecimal.valueOf(spend.getOrDefault(g.campaignId(), 0L), 9), k)));
        }
        return out;
    }

    /** {@code n} with noise when on, kept within 0..{@code max}. */
    private static long noisy(long n, long max, DiscreteLaplace noise) {
        long v = noise == null ? n : n + noise.sample();
        return Math.max(0, Math.min(max, v));
    }

    /** Each campaign's spend over its whole history, from the day roll-ups. */
    private static Map<String, Long> spendNanos(DataSource ds, String advertiserId, String campaignId) {
        String sql = "SELECT campaign_id, SUM(cost_nanos) FROM " + RollupSql.TABLE + " WHERE advertiser_id = ? "
                + "AND grain = ?" + (campaignId == null ? "" : " AND campaign_id = ?") + " GROUP BY campaign_id";
        Map<String, Long> out = new HashMap<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, advertiserId);
            ps.setString(2, Grain.DAY.code);
            if (campaignId != null) {
                ps.setString(3, campaignId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("lift spend query failed", e);
        }
        return out;
    }
}
