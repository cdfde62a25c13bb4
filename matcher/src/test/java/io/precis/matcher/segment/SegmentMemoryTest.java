package io.precis.matcher.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.consent.MutableClock;
import io.precis.consent.identity.Pseudonym;
import io.precis.matcher.segment.BehaviourEvent.Type;
import io.precis.matcher.text.TextAnalysis;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What segment lookups keep in memory per user is bounded: many distinct users, each a buyer,
 * go through ingest and lookup, and the heap after a collection stays under a limit set far
 * below what keeping them all would take. (The million-user run with the default limits and
 * the gateway's own store is {@code perf/.../behaviour/MemoryBoundBench}.)
 */
class SegmentMemoryTest {
    private static final Instant NOW = Instant.parse("2026-11-20T00:00:00Z");
    /** Kept all, 200,000 users' segments and tiers take ~100 MB; bounded to 1,000 each, well under 1 MB. */
    private static final int USERS = 200_000;
    private static final long HEAP_GROWTH_LIMIT = 24L << 20;

    private final MutableClock clock = new MutableClock(NOW);

    /**
     * Every user has one purchase, so each is cached and ranked. The store keeps nothing per user
     * in memory (as the gateway's database-backed store), so what the heap holds is the service's.
     */
    private final BehaviourStore store = new BehaviourStore() {
        @Override
        public void append(Pseudonym p, List<BehaviourEvent> added) {
        }

        @Override
        public List<BehaviourEvent> read(Pseudonym p) {
            return List.of(new BehaviourEvent(Type.PURCHASE, clock.instant().minus(Duration.ofDays(1)), null,
                    "tea set", null, "home", 25_000_000));
        }

        @Override
        public void erase(Pseudonym p) {
        }
    };

    @Test
    void manyDistinctUsersThroughIngestAndLookupKeepHeapWithinTheLimits() {
        SegmentService service = new SegmentService(store, clock, TextAnalysis.shared(),
                new SegmentService.Limits(1_000, 1_000));
        long before = heapAfterGc();
        for (int i = 0; i < USERS; i++) {
            Pseudonym p = new Pseudonym("user-" + i + "-0123456789abcdefghijklmnopqrstuv");
            service.ingest(p, List.of());
            assertTrue(service.segments(p).contains("value:A"), "a ranked buyer gets a tier");
        }
        long growth = heapAfterGc() - before;
        assertTrue(service.cachedUsers() <= 1_000, "cached users: " + service.cachedUsers());
        assertTrue(service.rankedBuyers() <= 1_000, "ranked buyers: " + service.rankedBuyers());
        assertTrue(growth < HEAP_GROWTH_LIMIT, "heap grew by " + (growth >> 20) + " MB for " + USERS + " users");
    }

    @Test
    void buyersLeaveTheRankingOnceTheirPurchasesAreOutOfTheHistory() {
        SegmentService service = new SegmentService(store, clock, TextAnalysis.shared(),
                new SegmentService.Limits(10, 10));
        for (int i = 0; i < 25; i++) {
            service.segments(new Pseudonym("buyer-" + i));
        }
        assertEquals(10, service.rankedBuyers(), "size bound");
        assertEquals(10, service.cachedUsers(), "size bound");
        clock.advance(Duration.ofDays(SegmentService.HISTORY_DAYS + 1));
        assertEquals(0, service.rankedBuyers(), "a buyer unseen for the whole history leaves the ranking");
        assertEquals(0, service.cachedUsers(), "cached segments expire after the cache's time to live");
        service.segments(new Pseudonym("buyer-3")); // bought again
        assertEquals(1, service.rankedBuyers());
    }

    private static long heapAfterGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) { // a collection can leave floating garbage; the least of three
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
