package io.precis.reports.event;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * API.md's report metrics, the one place their formulas live (JSON and CSV both use it).
 *
 * <p>Ratios are rounded to {@value #RATIO_SCALE} decimals half-up and are null on a zero
 * denominator; money is micros / 10^6, exact. Both come with trailing zeros stripped.
 */
public final class Metrics {
    /** API.md's examples show 4 decimals (cvr 0.1111, roas 53.0667). */
    public static final int RATIO_SCALE = 4;
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    private Metrics() {
    }

    /** Every column after the dimension keys, in API.md's order, with its value (null allowed). */
    public static Map<String, BigDecimal> columns(Counts c) {
        Map<String, BigDecimal> m = new LinkedHashMap<>();
        m.put("impressions", count(c.impressions()));
        m.put("clicks", count(c.clicks()));
        m.put("invalidClicks", count(c.invalidClicks()));
        m.put("conversions", count(c.conversions()));
        m.put("spend", money(c.spendMicros()));
        m.put("revenue", money(c.revenueMicros()));
        m.put("ctr", ctr(c));
        m.put("cvr", cvr(c));
        m.put("cpc", cpc(c));
        m.put("cpa", cpa(c));
        m.put("ecpm", ecpm(c));
        m.put("roas", roas(c));
        m.put("roi", roi(c));
        m.put("measuredImpressions", count(c.measuredImpressions()));
        m.put("viewableImpressions", count(c.viewableImpressions()));
        m.put("viewabilityRate", viewabilityRate(c));
        m.put("vcpm", vcpm(c));
        return m;
    }

    /** Micro-units as a currency amount, e.g. 15_000_000 → 15. */
    public static BigDecimal money(long micros) {
        return plain(BigDecimal.valueOf(micros).divide(MILLION));
    }

    /** clicks / impressions. */
    public static BigDecimal ctr(Counts c) {
        return ratio(count(c.clicks()), count(c.impressions()));
    }

    /** conversions / clicks. */
    public static BigDecimal cvr(Counts c) {
        return ratio(count(c.conversions()), count(c.clicks()));
    }

    /** spend / clicks. */
    public static BigDecimal cpc(Counts c) {
        return ratio(money(c.spendMicros()), count(c.clicks()));
    }

    /** spend / conversions. */
    public static BigDecimal cpa(Counts c) {
        return ratio(money(c.spendMicros()), count(c.conversions()));
    }

    /** spend / impressions × 1000. */
    public static BigDecimal ecpm(Counts c) {
        return ratio(money(c.spendMicros()).multiply(BigDecimal.valueOf(1000)), count(c.impressions()));
    }

    /** viewableImpressions / measuredImpressions: of the ads whose viewability was measured, the viewable share. */
    public static BigDecimal viewabilityRate(Counts c) {
        return ratio(count(c.viewableImpressions()), count(c.measuredImpressions()));
    }

    /** spend / viewableImpressions × 1000: what a thousand viewable impressions cost. */
    public static BigDecimal vcpm(Counts c) {
        return ratio(money(c.spendMicros()).multiply(BigDecimal.valueOf(1000)), count(c.viewableImpressions()));
    }

    /** revenue / spend. */
    public static BigDecimal roas(Counts c) {
        return ratio(money(c.revenueMicros()), money(c.spendMicros()));
    }

    /** (revenue − spend) / spend. */
    public static BigDecimal roi(Counts c) {
        return ratio(money(c.revenueMicros()).subtract(money(c.spendMicros())), money(c.spendMicros()));
    }

    /** Impressions per reached user (both of users with measurement consent); null when withheld or 0 users. */
    public static BigDecimal frequency(Reach r) {
        return r.withheld() ? null : ratio(count(r.impressions()), count(r.uniqueUsers()));
    }

    /** numerator / denominator rounded once, half-up, to 4 decimals; null when dividing by 0. */
    private static BigDecimal ratio(BigDecimal numerator, BigDecimal denominator) {
        if (denominator.signum() == 0) {
            return null;
        }
        return plain(numerator.divide(denominator, RATIO_SCALE, RoundingMode.HALF_UP));
    }

    private static BigDecimal count(long n) {
        return BigDecimal.valueOf(n);
    }

    private static BigDecimal plain(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }
}
