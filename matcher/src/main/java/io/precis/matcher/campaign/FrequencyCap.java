package io.precis.matcher.campaign;

/**
 * At most {@code impressions} impressions of a campaign per user within {@code perHours} hours.
 *
 * @param impressions 1..{@link #MAX_IMPRESSIONS}
 * @param perHours 1..{@link #MAX_HOURS}
 */
public record FrequencyCap(int impressions, int perHours) {
    /**
     * Longest cap window: a week. Delivery ledgers keep per-user impression history only this
     * long (data minimisation), so a longer window could not be enforced.
     */
    public static final int MAX_HOURS = 168;
    /** More than this many impressions per user is no cap in practice; bounds ledger history. */
    public static final int MAX_IMPRESSIONS = 1000;
}
