package io.precis.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashSet;
import java.util.Set;

/**
 * API.md's report formulas, written again independently of {@code reports/}: what a row must
 * show for given counts and money (ratios rounded to 4 decimals half up, null on a zero
 * denominator).
 */
public final class ReportOracle {
    private ReportOracle() {}

    /** Expected counts and money (micros) of one row. */
    public record Expected(long impressions, long clicks, long invalidClicks, long conversions, long spendMicros,
                           long revenueMicros) {
        public static final Expected ZERO = new Expected(0, 0, 0, 0, 0, 0);

        public Expected plus(Expected o) {
            return new Expected(impressions + o.impressions, clicks + o.clicks, invalidClicks + o.invalidClicks,
                    conversions + o.conversions, spendMicros + o.spendMicros, revenueMicros + o.revenueMicros);
        }
    }

    public static void expect(JsonNode row, Expected e) {
        String where = " in " + row;
        assertEquals(e.impressions(), row.get("impressions").asLong(), "impressions" + where);
        assertEquals(e.clicks(), row.get("clicks").asLong(), "clicks" + where);
        assertEquals(e.invalidClicks(), row.get("invalidClicks").asLong(), "invalidClicks" + where);
        assertEquals(e.conversions(), row.get("conversions").asLong(), "conversions" + where);
        BigDecimal spend = BigDecimal.valueOf(e.spendMicros(), 6);
        BigDecimal revenue = BigDecimal.valueOf(e.revenueMicros(), 6);
        assertEquals(0, spend.compareTo(row.get("spend").decimalValue()), "spend " + spend + where);
        assertEquals(0, revenue.compareTo(row.get("revenue").decimalValue()), "revenue " + revenue + where);
        BigDecimal imps = BigDecimal.valueOf(e.impressions());
        BigDecimal clicks = BigDecimal.valueOf(e.clicks());
        BigDecimal convs = BigDecimal.valueOf(e.conversions());
        ratio(row, "ctr", clicks, imps);
        ratio(row, "cvr", convs, clicks);
        ratio(row, "cpc", spend, clicks);
        ratio(row, "cpa", spend, convs);
        ratio(row, "ecpm", spend.multiply(BigDecimal.valueOf(1000)), imps);
        ratio(row, "roas", revenue, spend);
        ratio(row, "roi", revenue.subtract(spend), spend);
    }

    /**
     * A row's users as the generator knows them: every user with measurement consent linked to
     * one of its events ({@code users}, what the k threshold counts), and those who saw an
     * impression ({@code reached}, with their {@code impressions}).
     */
    public record Users(Set<String> users, Set<String> reached, long impressions) {
        public static Users none() {
            return new Users(Set.of(), Set.of(), 0);
        }

        public Users plus(Users o) {
            Set<String> u = new HashSet<>(users);
            u.addAll(o.users);
            Set<String> r = new HashSet<>(reached);
            r.addAll(o.reached);
            return new Users(u, r, impressions + o.impressions);
        }
    }

    /**
     * uniqueUsers = distinct reached users, frequency = their impressions / uniqueUsers (4
     * decimals half up), both null when the row has fewer than k users; exact at these sizes.
     */
    public static void expectReach(JsonNode row, Users u, int k) {
        String where = " in " + row;
        if (u.users().size() < k) {
            assertTrue(row.get("uniqueUsers").isNull(), "uniqueUsers withheld below k" + where);
            assertTrue(row.get("frequency").isNull(), "frequency withheld below k" + where);
            return;
        }
        assertEquals(u.reached().size(), row.get("uniqueUsers").asLong(), "uniqueUsers" + where);
        assertTrue(!row.get("uniqueUsersEstimated").asBoolean(), "exact at this size" + where);
        ratio(row, "frequency", BigDecimal.valueOf(u.impressions()), BigDecimal.valueOf(u.reached().size()));
    }

    private static void ratio(JsonNode row, String name, BigDecimal numerator, BigDecimal denominator) {
        JsonNode v = row.get(name);
        if (denominator.signum() == 0) {
            assertTrue(v != null && v.isNull(), name + " must be null, was " + v);
            return;
        }
        BigDecimal expected = numerator.divide(denominator, 4, RoundingMode.HALF_UP);
        assertEquals(0, expected.compareTo(v.decimalValue()), name + ": expected " + expected + ", was " + v);
    }
}
