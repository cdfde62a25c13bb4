package io.precis.reports.event;

/**
 * Raw counters of one report cell; the ratios derived from them live in {@link Metrics}.
 *
 * @param clicks        valid clicks only; invalid ones are in {@code invalidClicks}
 * @param conversions   attributed conversions only
 * @param spendMicros   cost charged, in micro-units
 * @param revenueMicros sum of attributed conversion values, in micro-units
 */
public record Counts(long impressions, long clicks, long invalidClicks, long conversions,
                     long spendMicros, long revenueMicros) {
    public static final Counts ZERO = new Counts(0, 0, 0, 0, 0, 0);

    /** Field-wise sum. */
    public Counts plus(Counts o) {
        return new Counts(impressions + o.impressions, clicks + o.clicks,
                invalidClicks + o.invalidClicks, conversions + o.conversions,
                spendMicros + o.spendMicros, revenueMicros + o.revenueMicros);
    }
}
