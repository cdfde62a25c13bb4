package io.precis.reports.event;

import io.precis.reports.privacy.UserSketch;

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
    }

    /** Adds one stored event's contribution: what it counts, costs and is worth, and its user ({@code user}). */
    void add(StoredEvent e, UserSketch user) {
        switch (e.kind()) {
            case StoredEvent.IMPRESSION -> impressions++;
            case StoredEvent.RENDERED -> measuredImpressions++;
            case StoredEvent.VIEWABLE -> viewableImpressions++;
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
