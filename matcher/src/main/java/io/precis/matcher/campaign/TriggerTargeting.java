package io.precis.matcher.campaign;

import java.util.List;
import java.util.Set;

/**
 * A real-time trigger ({@code targeting.trigger}): the campaign is eligible only for a person who
 * did something matching within the last {@code withinMinutes} (a cart left a few minutes ago, a
 * search just made). The person's behaviour decides it, so it needs {@code profiling} (for the
 * behaviour to be kept) and {@code personalisation} (for it to be used). The segment service
 * evaluates triggers on the stored behaviour and gives the person the segment
 * {@link #segmentOf} while the window lasts; the matcher checks that segment.
 *
 * @param events behaviour types ({@code view}, {@code search}, {@code cart}, {@code purchase});
 *     empty means any
 * @param keywords phrases one of which the event's text, query or category must contain (as
 *     keyword rules match them); empty means any event of those types
 * @param withinMinutes 1 to {@link #MAX_MINUTES}
 */
public record TriggerTargeting(List<String> events, List<String> keywords, int withinMinutes) {
    /** A day: what "just did" can sensibly mean. */
    public static final int MAX_MINUTES = 1440;
    static final Set<String> EVENT_TYPES = Set.of("view", "search", "cart", "purchase");

    public TriggerTargeting {
        events = events == null ? List.of() : List.copyOf(events);
        keywords = keywords == null ? List.of() : List.copyOf(keywords);
        if (withinMinutes < 1 || withinMinutes > MAX_MINUTES) {
            throw new IllegalArgumentException("withinMinutes must be 1 to " + MAX_MINUTES);
        }
        if (!EVENT_TYPES.containsAll(events)) {
            throw new IllegalArgumentException("events must be of " + EVENT_TYPES);
        }
    }

    /** The segment a person has while campaign {@code campaignId}'s trigger has fired for them. */
    public static String segmentOf(String campaignId) {
        return "trigger:" + campaignId;
    }
}
