package io.precis.reports.event;

/**
 * A report row's reach: distinct users with measurement consent who saw an impression, and
 * those users' impressions. Both null when withheld: fewer than k users in the row (the same k
 * as {@link SmallRows}), or a period whose reach is unknown (summed before reach was kept, from
 * events since deleted).
 *
 * @param uniqueUsers the reached users, exact or (when {@code estimated}) HyperLogLog's estimate
 * @param impressions impressions of users with measurement consent, the numerator of frequency
 * @param estimated   whether {@code uniqueUsers} is an estimate (see API.md for its error)
 */
public record Reach(Long uniqueUsers, Long impressions, boolean estimated) {
    public static final Reach WITHHELD = new Reach(null, null, false);

    public Reach {
        if ((uniqueUsers == null) != (impressions == null)) {
            throw new IllegalArgumentException("uniqueUsers and impressions are both set or both withheld");
        }
    }

    public boolean withheld() {
        return uniqueUsers == null;
    }
}
