package io.precis.matcher.segment;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Segments from the places a person visited. A visit is stored as a {@link BehaviourEvent.Type#VISIT}
 * event naming the place (in {@code category}) at the start of its UTC day, one per place and
 * day: the visit counts, never the locations or times that made them.
 *
 * <ul>
 *   <li>{@code place:<id>:regular}: at least {@link Rules#regularDays} visit-days to the place in
 *       the last {@link Rules#windowDays} days;
 *   <li>{@code place:<id>:occasional}: 1 to regularDays − 1 in the window;
 *   <li>{@code place:<id>:never}: no visit to the place in the whole stored history (half a
 *       year), but a visit-day in the window to another place of the same category (people who
 *       shop at malls, never at this one);
 *   <li>{@code category:<category>:frequent}: at least {@link Rules#frequentDays} visit-days in
 *       the window to places of the category, counting a day once however many places.
 * </ul>
 * Places deleted since the visit count for nothing.
 */
public final class PlaceVisits {
    private PlaceVisits() {
    }

    /**
     * Thresholds, configurable by the operator.
     *
     * @param windowDays the window regular, occasional and frequent count in
     * @param regularDays visit-days in the window that make a regular (and the least of frequent)
     * @param frequentDays visit-days in the window to a category that make its frequent visitor
     */
    public record Rules(int windowDays, int regularDays, int frequentDays) {
        /** As the issue puts it: four visit-days in thirty make a regular. */
        public static final Rules DEFAULTS = new Rules(30, 4, 4);

        public Rules {
            if (windowDays < 1 || windowDays > SegmentService.HISTORY_DAYS || regularDays < 2 || frequentDays < 1) {
                throw new IllegalArgumentException("window 1 to " + SegmentService.HISTORY_DAYS
                        + " days, regular at least 2 visit-days, frequent at least 1");
            }
        }
    }

    /** What segments need to know of the registered places. */
    public interface Catalog {
        /** The place of {@code id}, or null when it is not (or no longer) registered. */
        Place place(String id);

        /** The places of {@code category} now registered. */
        Collection<Place> inCategory(String category);
    }

    /** A visit to {@code place} at {@code at}: stored at the start of its UTC day, nothing finer. */
    public static BehaviourEvent visit(Place place, Instant at) {
        return new BehaviourEvent(BehaviourEvent.Type.VISIT, at.truncatedTo(ChronoUnit.DAYS), null, null, null,
                place.id(), 0);
    }

    /** Adds the place segments of {@code events} (any types; visits are picked out) to {@code out}. */
    static void segments(List<BehaviourEvent> events, Instant now, Rules rules, Catalog places, Set<String> out) {
        Instant since = now.truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(rules.windowDays() - 1L));
        Map<String, Set<Instant>> recentDays = new HashMap<>();
        Map<String, Set<Instant>> categoryDays = new HashMap<>();
        Set<String> ever = new HashSet<>();
        for (BehaviourEvent e : events) {
            if (e.type() != BehaviourEvent.Type.VISIT || e.category() == null) {
                continue;
            }
            Place p = places.place(e.category());
            if (p == null) {
                continue;
            }
            ever.add(p.id());
            if (!e.ts().isBefore(since)) {
                Instant day = e.ts().truncatedTo(ChronoUnit.DAYS);
                recentDays.computeIfAbsent(p.id(), k -> new HashSet<>()).add(day);
                categoryDays.computeIfAbsent(p.category(), k -> new HashSet<>()).add(day);
            }
        }
        recentDays.forEach((id, days) -> out.add("place:" + id
                + (days.size() >= rules.regularDays() ? ":regular" : ":occasional")));
        categoryDays.forEach((category, days) -> {
            if (days.size() >= rules.frequentDays()) {
                out.add("category:" + category + ":frequent");
            }
            for (Place other : places.inCategory(category)) {
                if (!ever.contains(other.id())) {
                    out.add("place:" + other.id() + ":never");
                }
            }
        });
    }
}
