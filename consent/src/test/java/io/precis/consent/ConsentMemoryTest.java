package io.precis.consent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.consent.identity.Pseudonym;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many distinct people through consent, and the heap stays bounded: only the cache's current
 * states are held, histories stay on disk. 100,000 people by default, so it runs in well under a
 * minute on a shared two-core machine (a million with {@code -Dconsent.memory.users=1000000});
 * each took ~1 KB of heap for good before.
 */
class ConsentMemoryTest {
    /** The stated bound: retained heap growth after the run, after GC (100k people held in memory took ~100 MB). */
    private static final long LIMIT_BYTES = 48L << 20;
    private static final int CACHE = 1_000;
    private static final Map<String, Boolean> CHANGE = Map.of("personalisation", true, "measurement", true);

    @TempDir
    Path data;

    @Test
    void aHundredThousandPeopleLeaveTheHeapBoundedAndTheirConsentReadableFromDisk() throws Exception {
        int users = Integer.getInteger("consent.memory.users", 100_000);
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        long before = heapAfterGc();
        ExecutorService pool = Executors.newFixedThreadPool(64);
        long started = System.nanoTime();
        try (ConsentService s = ConsentService.open(data, data.resolve("keys"), Purposes.NONE, "4", clock, CACHE)) {
            AtomicInteger next = new AtomicInteger();
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < 64; t++) {
                workers.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < users; i = next.getAndIncrement()) {
                        s.update(person(i), CHANGE, "user");
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
            long seconds = (System.nanoTime() - started) / 1_000_000_000L;
            long grown = heapAfterGc() - before;
            System.out.printf("consent memory: %,d people in %d s, %,d fsyncs, %,d states cached, heap grew %,d KB%n",
                    users, seconds, s.commits(), s.cachedStates(), grown >> 10);
            assertTrue(grown < LIMIT_BYTES, "heap grew by " + (grown >> 20) + " MB for " + users + " people");
            assertTrue(s.cachedStates() <= CACHE, "cache holds " + s.cachedStates());
            assertTrue(s.commits() < users / 4, "updates shared fsyncs: " + s.commits() + " for " + users);
            // The first people were evicted long ago: read back from disk.
            assertEquals(new Purposes(true, false, true, false), s.current(person(3)).purposes());
            assertEquals(1, s.history(person(3)).size());
            assertEquals(Purposes.NONE, s.current(new Pseudonym("nobody")).purposes());
        } finally {
            pool.shutdown();
        }
    }

    private static Pseudonym person(int i) {
        return new Pseudonym(String.format("p%042d", i));
    }

    /** Heap in use after full collections: the least of a few, so a collection still running does not count. */
    private static long heapAfterGc() {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return least;
    }
}
