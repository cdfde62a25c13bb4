package io.precis.reports.privacy;

/**
 * The privacy settings a report is published under. Set by the deployment, never by the
 * advertiser asking for the report.
 *
 * @param minUsers k: in a breakdown by targeting, region or site, a row with fewer distinct
 *                 users than this is merged into the {@code "(other)"} row. Users are measurement
 *                 pseudonyms; events without one add no users. 1 switches merging off. At most
 *                 {@link UserSketch#CAPACITY}, the users each roll-up cell remembers.
 * @param epsilon  0 (default) publishes exact counts. Above 0, each published count
 *                 (impressions, clicks, invalidClicks, conversions) of each row gets independent
 *                 discrete Laplace noise of scale 1/epsilon; see {@link DiscreteLaplace}
 */
public record ReportPolicy(int minUsers, double epsilon) {
    /** API.md: k = 10; noise off. Ten keeps a row from describing a handful of people. */
    public static final ReportPolicy DEFAULTS = new ReportPolicy(10, 0);

    public ReportPolicy {
        if (minUsers < 1 || minUsers > UserSketch.CAPACITY) {
            throw new IllegalArgumentException("minUsers must be 1.." + UserSketch.CAPACITY);
        }
        if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be finite and >= 0");
        }
    }

    /** Whether counts are published with noise. */
    public boolean noisy() {
        return epsilon > 0;
    }
}
