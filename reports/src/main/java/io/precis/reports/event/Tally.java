package io.precis.reports.event;

import io.precis.reports.privacy.UserSketch;
import io.precis.reports.reach.ReachSet;

/** Mutable sums of one roll-up cell or report row while it is being built; one thread only. */
final class Tally {
    long impressions;
    long clicks;
    long invalidClicks;
    long conversions;
    long costNanos;
    long valueMicros;
    long measuredImpressions;
    long viewableImpressions;
    UserSketch users = UserSketch.EMPTY;
    /** Impressions of users with measurement consent: the numerator of frequency. */
    long reachImpressions;
    /** The distinct users of those impressions. */
    ReachSet reach = new ReachSet();
    /**
     * False when a cell's reach is unknown: summed before reach was kept, from raw events that
     * retention had already deleted (migration V5); a row with such a cell publishes no reach.
     */
    boolean reachKnown = true;

    void add(Tally o) {
        impressions += o.impressions;
        clicks += o.clicks;
        invalidClicks += o.invalidClicks;
        conversions += o.conversions;
        costNanos += o.costNanos;
        valueMicros += o.valueMicros;
        measuredImpressions += o.measuredImpressions;
        viewableImpressions += o.viewableImpressions;
        users = users.merge(o.users);
        reachImpressions += o.reachImpressions;
        reach.addAll(o.reach);
        reachKnown &= o.reachKnown;
    }

    /**
     * Adds one stored event's contribution: what it counts, costs and is worth, and its user
     * ({@code user}, empty without measurement consent; {@code userHash} its one hash then).
     */
    void add(StoredEvent e, UserSketch user, long userHash) {
        switch (e.kind()) {
            case StoredEvent.RENDERED -> measuredImpressions++;
            case StoredEvent.VIEWABLE -> viewableImpressions++;
            case StoredEvent.IMPRESSION -> {
                impressions++;
                if (user.users() > 0) {
                    reachImpressions++;
                    reach.add(userHash);
                }
            }
            case StoredEvent.CLICK -> {
                if (e.valid()) {
                    clicks++;
                } else {
                    invalidClicks++;
                }
            }
            case StoredEvent.CONVERSION -> {
                conversions++;
                valueMicros += e.valueMicros();
            }
            default -> throw new IllegalArgumentException("unknown kind " + e.kind());
        }
        costNanos += e.costNanos();
        users = users.merge(user);
    }
}
