package io.precis.reports.invalid;

import java.time.Duration;

/**
 * Thresholds of the invalid-click rules, and where their hourly counts are kept. Immutable;
 * {@link #DEFAULTS} is what the store uses unless configured otherwise.
 *
 * @param minTimeToClick              a click sooner than this after its impression is
 *                                    {@value TooFastRule#REASON}; zero switches the rule off
 * @param maxClicksPerUserPerHour     clicks beyond this many from one measurement pseudonym on
 *                                    one campaign within any 60 minutes are
 *                                    {@value TooManyFromUserRule#REASON}
 * @param maxClicksPerIpPrefixPerHour clicks beyond this many from one truncated IP prefix on one
 *                                    campaign within any 60 minutes are
 *                                    {@value TooManyFromIpRule#REASON}
 * @param counters                    where the per-source counts are kept: null for the judge's
 *                                    own memory (one instance), or counters shared by every
 *                                    instance writing to one database (so N clicks spread over
 *                                    N instances count as N)
 */
public record InvalidClickPolicy(Duration minTimeToClick, int maxClicksPerUserPerHour,
                                 int maxClicksPerIpPrefixPerHour, ClickCounters counters) {
    /**
     * <ul>
     * <li>1 second: the ad must render, be seen and be reached by a pointer or finger; people
     *     need well over 250 ms (a simple visual reaction) for that, while scripts click at
     *     once. One second keeps quick human clickers valid.</li>
     * <li>10 per user per campaign per hour: one person returning to one advertiser's landing
     *     page ten times in an hour is already unusual; more is a script or a click farm.</li>
     * <li>50 per IP prefix per campaign per hour: a /24 or /48 is shared by a household, an
     *     office, a campus or a carrier-grade NAT, so the cap is five people's worth of the
     *     user cap; it catches sources without a pseudonym (no measurement consent).</li>
     * </ul>
     */
    public static final InvalidClickPolicy DEFAULTS = new InvalidClickPolicy(Duration.ofSeconds(1), 10, 50);

    /** Thresholds counted in the judge's own memory. */
    public InvalidClickPolicy(Duration minTimeToClick, int maxClicksPerUserPerHour, int maxClicksPerIpPrefixPerHour) {
        this(minTimeToClick, maxClicksPerUserPerHour, maxClicksPerIpPrefixPerHour, null);
    }

    /** These thresholds, counted in {@code shared}. */
    public InvalidClickPolicy countedIn(ClickCounters shared) {
        return new InvalidClickPolicy(minTimeToClick, maxClicksPerUserPerHour, maxClicksPerIpPrefixPerHour, shared);
    }

    public InvalidClickPolicy {
        if (minTimeToClick == null || minTimeToClick.isNegative()) {
            throw new IllegalArgumentException("minTimeToClick must be >= 0");
        }
        if (maxClicksPerUserPerHour < 1 || maxClicksPerIpPrefixPerHour < 1) {
            throw new IllegalArgumentException("click caps must be >= 1");
        }
    }
}
