package io.precis.matcher.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.consent.MutableClock;
import io.precis.consent.identity.Pseudonym;
import io.precis.matcher.campaign.InvalidFieldException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Place segments from visit-days, against a brute-force count of the same visits. */
class PlaceVisitsTest {
    private static final Instant NOW = Instant.parse("2026-11-20T15:00:00Z");
    private final MutableClock clock = new MutableClock(NOW);
    private final InMemoryBehaviourStore store = new InMemoryBehaviourStore();
    private final SegmentService service = new SegmentService(store, clock);
    private final PlaceDirectory places = new PlaceDirectory();
    private final Place mallA = new Place("pl_a", "adv", "Mall A", "Mall", 31.2304, 121.4737, 300);
    private final Place mallB = new Place("pl_b", "adv", "Mall B", "mall", 31.2000, 121.4000, 300);
    private final Place mallC = new Place("pl_c", "adv", "Mall C", "mall", 31.3000, 121.5000, 300);
    private final Place cafe = new Place("pl_k", "adv", "Cafe", "cafe", 31.2304, 121.4775, 50);

    PlaceVisitsTest() {
        List.of(mallA, mallB, mallC, cafe).forEach(places::put);
        service.places(places, PlaceVisits.Rules.DEFAULTS);
    }

    private void visit(Pseudonym p, Place place, int daysAgo, int times) {
        List<BehaviourEvent> visits = new ArrayList<>();
        for (int i = 0; i < times; i++) { // several fixes inside the place on one day: one visit-day
            visits.add(PlaceVisits.visit(place, NOW.minus(Duration.ofDays(daysAgo)).minus(Duration.ofMinutes(i * 7L))));
        }
        service.ingest(p, visits);
    }

    @Test
    void regularsOccasionalsNeversAndFrequentsFollowTheirDefinitions() {
        Pseudonym regular = new Pseudonym("regular");
        for (int d : new int[] {0, 3, 9, 29}) {
            visit(regular, mallA, d, 3);
        }
        visit(regular, mallB, 40, 1); // outside the window: not occasional, but ever visited
        assertEquals(Set.of("place:pl_a:regular", "place:pl_c:never", "category:mall:frequent"),
                service.segments(regular));

        Pseudonym occasional = new Pseudonym("occasional");
        visit(occasional, mallA, 1, 5);
        visit(occasional, mallA, 1, 2); // the same day again, another call
        visit(occasional, mallB, 2, 1);
        visit(occasional, cafe, 30, 1); // the window is today and the 29 days before
        assertEquals(Set.of("place:pl_a:occasional", "place:pl_b:occasional", "place:pl_c:never"),
                service.segments(occasional));
        assertEquals(3, store.read(occasional).size(), "one stored visit per place and day");
        assertTrue(store.read(occasional).stream().allMatch(e -> e.ts().equals(e.ts().truncatedTo(ChronoUnit.DAYS))),
                "a visit keeps its day, not its time");
    }

    @Test
    void placeSegmentsMatchABruteForceCountOverRandomVisits() {
        Random random = new Random(7);
        List<Place> all = List.of(mallA, mallB, mallC, cafe);
        for (int u = 0; u < 200; u++) {
            Pseudonym p = new Pseudonym("u" + u);
            Map<String, Set<Long>> days = new HashMap<>(); // place -> days ago, for the oracle
            int n = random.nextInt(12);
            for (int i = 0; i < n; i++) {
                Place place = all.get(random.nextInt(all.size()));
                int ago = random.nextInt(60);
                days.computeIfAbsent(place.id(), k -> new HashSet<>()).add((long) ago);
                visit(p, place, ago, 1 + random.nextInt(3));
            }
            assertEquals(oracle(days, all), new TreeSet<>(service.segments(p)), "user " + u);
        }
    }

    /** The definitions of PlaceVisits, computed the slow way from days-ago per place. */
    private static Set<String> oracle(Map<String, Set<Long>> days, List<Place> all) {
        Set<String> out = new TreeSet<>();
        Map<String, Set<Long>> categoryDays = new HashMap<>();
        for (Place p : all) {
            Set<Long> recent = new HashSet<>();
            for (long d : days.getOrDefault(p.id(), Set.of())) {
                if (d < 30) {
                    recent.add(d);
                }
            }
            if (!recent.isEmpty()) {
                out.add("place:" + p.id() + (recent.size() >= 4 ? ":regular" : ":occasional"));
                categoryDays.computeIfAbsent(p.category(), k -> new HashSet<>()).addAll(recent);
            }
        }
        categoryDays.forEach((category, d) -> {
            if (d.size() >= 4) {
                out.add("category:" + category + ":frequent");
            }
            for (Place p : all) {
                if (p.category().equals(category) && !days.containsKey(p.id())) {
                    out.add("place:" + p.id() + ":never");
                }
            }
        });
        // Visits are not web behaviour: no lifecycle, interest or keyword segment comes of them.
        return out;
    }

    @Test
    void aDeletedPlaceCountsForNothingAndVisitsMakeNoWebSegment() {
        Pseudonym p = new Pseudonym("p");
        visit(p, mallA, 0, 1);
        assertEquals(Set.of("place:pl_a:occasional", "place:pl_b:never", "place:pl_c:never"), service.segments(p));
        places.remove(mallB.id());
        service.placesChanged();
        assertEquals(Set.of("place:pl_a:occasional", "place:pl_c:never"), service.segments(p));
        assertFalse(service.segments(p).stream().anyMatch(s -> s.startsWith("lifecycle:")));
    }

    @Test
    void aLocationIsInsideAPlaceWithinItsRadiusOnly() {
        assertEquals(List.of(mallA), places.containing(31.2304, 121.4737 + 0.0025)); // ~240 m east
        assertTrue(places.containing(31.2304, 121.4737 + 0.0040).contains(cafe)); // ~20 m from the cafe
        assertFalse(places.containing(31.2304, 121.4737 + 0.0040).contains(mallA)); // ~380 m from mall A
        assertEquals(List.of(), places.containing(0, 0));
    }

    @Test
    void placesAndRulesRefuseWhatCannotBeAPlace() {
        assertThrows(InvalidFieldException.class, () -> new Place("x", "adv", "", "mall", 0, 0, 100));
        assertThrows(InvalidFieldException.class, () -> new Place("x", "adv", "n", "mall", 91, 0, 100));
        assertThrows(InvalidFieldException.class, () -> new Place("x", "adv", "n", "mall", 0, 0, 5));
        assertThrows(InvalidFieldException.class, () -> new Place("x", "adv", "n", "a:b", 0, 0, 100));
        assertThrows(IllegalArgumentException.class, () -> new PlaceVisits.Rules(30, 1, 4));
    }
}
