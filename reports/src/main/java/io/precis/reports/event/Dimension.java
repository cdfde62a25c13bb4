package io.precis.reports.event;

import java.util.Locale;
import java.util.Set;

/**
 * A report breakdown dimension; its JSON and query name is the lower-case constant name.
 *
 * <p>Keys: {@code day} {@code 2026-11-03} and {@code hour} {@code 2026-11-03T10:00:00Z} (UTC, of
 * the event's arrival); {@code targeting} the ad's matchedBy kinds, distinct, sorted and joined
 * by {@code "+"} ({@code "behavioural+contextual"}), or {@code "untargeted"}; {@code region} the
 * coarse user region from the token ({@code CN-11}) or {@code "unknown"}; {@code site} the
 * publisher site or {@code "unknown"}. A conversion takes the keys of the click or impression it
 * is credited to, and the day and hour of its own arrival.
 */
public enum Dimension {
    CAMPAIGN,
    CREATIVE,
    DAY,
    HOUR,
    TARGETING,
    REGION,
    SITE,
    /** Where the ad was offered: {@code web} (an ad slot) or a channel of {@code POST /v1/decide}. */
    CHANNEL;

    /** Breakdowns by these describe users, so their rows are subject to the k-user threshold. */
    public static final Set<Dimension> THRESHOLDED = Set.of(TARGETING, REGION, SITE);
    /** The key of a region or site that the event did not carry. */
    public static final String UNKNOWN = "unknown";
    /** The key, in every column, of the row that small rows are merged into. */
    public static final String OTHER = "(other)";

    /** The name in API.md's {@code groupBy} and in report rows, e.g. {@code "campaign"}. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The dimension called {@code name} (case-insensitive), or null. */
    public static Dimension ofName(String name) {
        for (Dimension d : values()) {
            if (d.jsonName().equalsIgnoreCase(name)) {
                return d;
            }
        }
        return null;
    }
}
