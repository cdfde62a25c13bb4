package io.precis.reports.event;

/**
 * Raw counters of one report cell; the ratios derived from them live in {@link Metrics}.
 *
 * @param clicks              valid clicks only; invalid ones are in {@code invalidClicks}
 * @param conversions         attributed conversions only
 * @param spendMicros         cost charged, in micro-units
 * @param revenueMicros       sum of attributed conversion values, in micro-units
 * @param measuredImpressions ads the ad tag rendered, so whose viewability was measured
 * @param viewableImpressions of those, the ones viewable by the MRC's definition (at least half
 *                            their pixels in view for one continuous second)
 */
public record Counts(long impressions, long clicks, long invalidClicks, long conversions,
                     long spendMicros, long revenueMicros, long measuredImpressions, long viewableImpressions) {
    public static final Counts ZERO = new Counts(0, 0, 0, 0, 0, 0, 0, 0);

    /** Counts of ads that no ad tag measured (served by the impression pixel alone). */
    public Counts(long impressions, long clicks, long invalidClicks, long conversions,
                  long spendMicros, long revenueMicros) {
        this(impressions, clicks, invalidClicks, conversions, spendMicros, revenueMicros, 0, 0);
    }

    /** Field-wise sum. */
    public Counts plus(Counts o) {
        return new Counts(impressions + o.impressions, clicks + o.clicks,
                invalidClicks + o.invalidClicks, conversions + o.conversions,
                spendMicros + o.spendMicros, revenueMicros + o.revenueMicros,
                measuredImpressions + o.measuredImpressions, viewableImpressions + o.viewableImpressions);
    }
}
