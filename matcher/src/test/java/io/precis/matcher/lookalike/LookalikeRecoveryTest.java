package io.precis.matcher.lookalike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.consent.identity.Pseudonym;
import io.precis.matcher.segment.BehaviourEvent;
import io.precis.matcher.segment.BehaviourStore;
import io.precis.matcher.segment.SegmentService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The offline check of lookalikes (perf/README.md, "Lookalikes"): a synthetic population with
 * planted interest groups goes through the real pipeline (behaviour ingested by
 * {@link SegmentService}, profiles into {@link ProfileIndex} by its listener), and a lookalike
 * of half of one group's members must find the other half. Groups share categories, and every
 * person also browses at random, so a group is not a set of identical profiles. Prints the
 * precision and recall; asserts loose floors (a correctness check, not a benchmark).
 */
class LookalikeRecoveryTest {
    static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    static final int GROUPS = 8;
    static final int PER_GROUP = 300;
    static final int BACKGROUND = 3_000;
    static final int CATEGORIES = 200;
    /** Each group's own categories; neighbouring groups share two of them. */
    static final int CORE = 6;

    /** Behaviour in memory, for this test's population (the gateway's store is encrypted SQL). */
    static final class MemoryStore implements BehaviourStore {
        final Map<Pseudonym, List<BehaviourEvent>> events = new ConcurrentHashMap<>();

        @Override
        public void append(Pseudonym p, List<BehaviourEvent> added) {
            events.computeIfAbsent(p, k -> new ArrayList<>()).addAll(added);
        }

        @Override
        public List<BehaviourEvent> read(Pseudonym p) {
            return List.copyOf(events.getOrDefault(p, List.of()));
        }

        @Override
        public void erase(Pseudonym p) {
            events.remove(p);
        }
    }

    record Population(ProfileIndex index, Map<Pseudonym, Integer> group) {
    }

    static Population population(long seed) {
        Random r = new Random(seed);
        ProfileIndex index = new ProfileIndex();
        SegmentService segments = new SegmentService(new MemoryStore(), Clock.fixed(NOW, ZoneOffset.UTC));
        SegmentService.ProfileListener profiles = (aliases, events, segs, now) ->
                index.put(aliases, List.of(), InterestProfile.of(events, segs, now), segs);
        Map<Pseudonym, Integer> group = new ConcurrentHashMap<>();
        int people = GROUPS * PER_GROUP + BACKGROUND;
        for (int i = 0; i < people; i++) {
            int g = i < GROUPS * PER_GROUP ? i / PER_GROUP : -1;
            Pseudonym p = new Pseudonym("person-" + i);
            group.put(p, g);
            List<BehaviourEvent> events = new ArrayList<>();
            int n = 8 + r.nextInt(20);
            for (int e = 0; e < n; e++) {
                // Group members spend 60% of their attention on their group's categories.
                int category = g >= 0 && r.nextDouble() < 0.6
                        ? (g * (CORE - 2) + r.nextInt(CORE)) % CATEGORIES : r.nextInt(CATEGORIES);
                BehaviourEvent.Type type = r.nextInt(10) == 0 ? BehaviourEvent.Type.PURCHASE
                        : r.nextInt(5) == 0 ? BehaviourEvent.Type.SEARCH : BehaviourEvent.Type.VIEW;
                events.add(new BehaviourEvent(type, NOW.minus(Duration.ofHours(r.nextInt(60 * 24))), null,
                        null, null, "cat-" + category, 0));
            }
            segments.ingest(List.of(p), events, profiles);
        }
        return new Population(index, group);
    }

    @Test
    void aLookalikeOfHalfAGroupFindsTheOtherHalf() {
        Population pop = population(16);
        assertEquals(GROUPS * PER_GROUP + BACKGROUND, pop.index().size());
        int target = 3;
        List<ProfileIndex.Person> members = pop.index().where(p -> pop.group().get(p.current()) == target);
        List<ProfileIndex.Person> seed = members.subList(0, PER_GROUP / 2);
        Set<Pseudonym> rest = new HashSet<>();
        members.subList(PER_GROUP / 2, members.size()).forEach(p -> rest.add(p.current()));

        List<List<Pseudonym>> found = Lookalikes.build(pop.index(), seed, rest.size(), p -> true);
        long hits = found.stream().filter(a -> rest.contains(a.get(0))).count();
        double precision = (double) hits / found.size();
        double recall = (double) hits / rest.size();
        System.out.printf("lookalike of %d seed members among %d people (%d groups of %d, %d background):"
                        + " size %d, precision %.3f, recall %.3f%n", seed.size(), pop.index().size(), GROUPS,
                PER_GROUP, BACKGROUND, found.size(), precision, recall);
        pop.index().purgeDeleted(); // merges, so the count below is of live profiles only
        System.out.printf("profile index: %d bytes in memory, %.0f bytes a person%n", pop.index().ramBytesUsed(),
                (double) pop.index().ramBytesUsed() / pop.index().size());
        assertTrue(found.stream().noneMatch(a -> seed.stream().anyMatch(s -> s.current().equals(a.get(0)))),
                "the seed is left out");
        assertTrue(precision >= 0.8, "precision " + precision);
        assertTrue(recall >= 0.8, "recall " + recall);
    }

    @Test
    void refusedPeopleLeaveTheIndexAndTheirPlacesGoToTheNextNearest() {
        Population pop = population(7);
        List<ProfileIndex.Person> members = pop.index().where(p -> pop.group().get(p.current()) == 0);
        List<ProfileIndex.Person> seed = members.subList(0, 100);
        Set<Pseudonym> withdrawn = new HashSet<>();
        members.subList(100, 150).forEach(p -> withdrawn.add(p.current()));
        List<List<Pseudonym>> found = Lookalikes.build(pop.index(), seed, 120,
                p -> !withdrawn.contains(p.current()));
        assertEquals(120, found.size());
        assertTrue(found.stream().noneMatch(a -> withdrawn.contains(a.get(0))));
        assertTrue(pop.index().where(p -> withdrawn.contains(p.current())).size() < withdrawn.size(),
                "a refused person found by the search is removed from the index");
    }

    @Test
    void aSeedOfFewerThanAHundredIsRefused() {
        Population pop = population(3);
        List<ProfileIndex.Person> few = pop.index().where(p -> pop.group().get(p.current()) == 1).subList(0, 99);
        assertThrows(Lookalikes.SeedTooSmallException.class, () -> Lookalikes.build(pop.index(), few, 10, p -> true));
    }

    @Test
    void segmentsAreSearchableAndErasedPeopleAreGone() {
        Population pop = population(5);
        Pseudonym someone = new Pseudonym("person-0");
        assertTrue(pop.index().where(p -> p.current().equals(someone)).size() == 1);
        assertTrue(pop.index().inSegment("interest:cat-0").size() > 0, "interest segments are indexed");
        pop.index().remove(List.of(someone));
        assertTrue(pop.index().where(p -> p.current().equals(someone)).isEmpty());
        pop.index().purgeDeleted();
        assertEquals(GROUPS * PER_GROUP + BACKGROUND - 1, pop.index().size());
    }
}
