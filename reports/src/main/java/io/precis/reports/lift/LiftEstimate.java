package io.precis.reports.lift;

import java.math.BigDecimal;
import java.math.RoundingMode;
import org.apache.commons.math3.stat.interval.ConfidenceInterval;
import org.apache.commons.math3.stat.interval.IntervalUtils;

/**
 * What a campaign's hold-out says about it: the conversion rate of the people it was shown to
 * (exposed) against the people chosen to never see it (held out), and what the difference is
 * worth. The two groups are independent random samples of the campaign's eligible people
 * (a keyed hash of person and campaign chose them), so the difference of their conversion
 * rates estimates what the campaign caused.
 *
 * <p>Intervals are at 95%. The absolute lift's is Newcombe's hybrid score interval (Newcombe
 * 1998, method 10): built from each group's Wilson score interval (Apache Commons Math), it
 * keeps its coverage with rates of a few percent and groups of a few hundred, where the plain
 * Wald interval is too narrow. The relative lift's is the log risk ratio's (Katz 1978), absent
 * while either group has no conversion. The lift is called significant when the absolute
 * interval excludes zero. Incremental conversions and revenue scale the lift per person to
 * the exposed group; iROAS is incremental revenue per unit of spend.
 *
 * @param exposed people who saw the campaign (with measurement consent)
 * @param exposedConverters of them, people who converted in the window
 * @param heldOut people held out (with measurement consent)
 * @param heldOutConverters of them, people who converted anyway
 */
public record LiftEstimate(long exposed, long exposedConverters, long heldOut, long heldOutConverters,
                           double exposedRate, double heldOutRate,
                           double absoluteLift, double absoluteLow, double absoluteHigh,
                           Double relativeLift, Double relativeLow, Double relativeHigh,
                           double incrementalConversions, BigDecimal incrementalRevenue, BigDecimal iroas,
                           boolean significant) {
    /** Two-sided 95%. */
    public static final double CONFIDENCE = 0.95;
    /** The standard normal quantile of 97.5%, for the log risk ratio's interval. */
    private static final double Z = new org.apache.commons.math3.distribution.NormalDistribution(null, 0, 1)
            .inverseCumulativeProbability(1 - (1 - CONFIDENCE) / 2);

    /**
     * The estimate for the counts given, or null when either group has fewer than {@code k}
     * people (then the groups merge into the campaign's other figures, as every small group
     * of a report does).
     *
     * @param exposedRevenue conversion value of the exposed people
     * @param heldOutRevenue conversion value of the held-out people
     * @param spend what the campaign cost over the same period
     */
    public static LiftEstimate of(long exposed, long exposedConverters, long heldOut, long heldOutConverters,
                                  BigDecimal exposedRevenue, BigDecimal heldOutRevenue, BigDecimal spend, int k) {
        if (exposedConverters < 0 || heldOutConverters < 0 || exposedConverters > exposed || heldOutConverters > heldOut) {
            throw new IllegalArgumentException("converters must be between 0 and the group's people");
        }
        if (exposed < Math.max(1, k) || heldOut < Math.max(1, k)) {
            return null;
        }
        double p1 = (double) exposedConverters / exposed;
        double p2 = (double) heldOutConverters / heldOut;
        ConfidenceInterval w1 = wilson(exposed, exposedConverters);
        ConfidenceInterval w2 = wilson(heldOut, heldOutConverters);
        double d = p1 - p2;
        double low = d - Math.sqrt(square(p1 - w1.getLowerBound()) + square(w2.getUpperBound() - p2));
        double high = d + Math.sqrt(square(w1.getUpperBound() - p1) + square(p2 - w2.getLowerBound()));

        Double relative = null;
        Double relativeLow = null;
        Double relativeHigh = null;
        if (exposedConverters > 0 && heldOutConverters > 0) {
            double logRatio = Math.log(p1 / p2);
            double se = Math.sqrt(1.0 / exposedConverters - 1.0 / exposed + 1.0 / heldOutConverters - 1.0 / heldOut);
            relative = Math.exp(logRatio) - 1;
            relativeLow = Math.exp(logRatio - Z * se) - 1;
            relativeHigh = Math.exp(logRatio + Z * se) - 1;
        }
        BigDecimal perExposed = exposedRevenue.divide(BigDecimal.valueOf(exposed), 12, RoundingMode.HALF_EVEN);
        BigDecimal perHeldOut = heldOutRevenue.divide(BigDecimal.valueOf(heldOut), 12, RoundingMode.HALF_EVEN);
        BigDecimal incrementalRevenue = perExposed.subtract(perHeldOut).multiply(BigDecimal.valueOf(exposed))
                .setScale(6, RoundingMode.HALF_EVEN);
        BigDecimal iroas = spend.signum() > 0 ? incrementalRevenue.divide(spend, 4, RoundingMode.HALF_EVEN) : null;
        return new LiftEstimate(exposed, exposedConverters, heldOut, heldOutConverters, p1, p2, d, low, high,
                relative, relativeLow, relativeHigh, d * exposed, incrementalRevenue, iroas, low > 0 || high < 0);
    }

    private static ConfidenceInterval wilson(long n, long x) {
        return IntervalUtils.getWilsonScoreInterval(Math.toIntExact(n), Math.toIntExact(x), CONFIDENCE);
    }

    private static double square(double v) {
        return v * v;
    }
}
