package io.precis.perf.behaviour;

import io.precis.consent.identity.Pseudonym;
import io.precis.matcher.segment.BehaviourEvent;
import io.precis.matcher.segment.BehaviourStore;
import io.precis.matcher.segment.SegmentService;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Heap after GC while a million distinct users go through behaviour appends and segment lookups,
 * with the gateway's default limits ({@link SegmentService.Limits#DEFAULTS}). Three phases, heap
 * printed every tenth of each:
 * <ol>
 *   <li>{@code lookups} distinct users looked up through the gateway's store
 *       ({@code VaultBehaviourStore}: vault keys and H2 on disk), none with behaviour;
 *   <li>{@code appends} distinct users appending three events (one a purchase) through that
 *       store and looked up (each first append creates and {@code fsync}s the user's vault salt:
 *       that, not the heap, limits how many fit in a run);
 *   <li>{@code buyers} distinct users, each a buyer, through ingest and lookup over a store that
 *       answers every user with one purchase and keeps nothing (as the database store keeps
 *       nothing per user in the heap), so the segment cache and the value tiers fill to their
 *       limits.
 * </ol>
 * Usage: {@code MemoryBoundBench [lookups=1000000] [appends=5000] [buyers=1000000] [threads=8] [dir]}:
 * the stores' data and keys go in a new folder under {@code dir} (default: the system's temporary
 * folder). A folder on a RAM file system ({@code /dev/shm}) makes the salt files' fsyncs cheap, so
 * a million users can append in one run: the heap is what is measured, not the disk.
 */
public final class MemoryBoundBench {
    private MemoryBoundBench() {}

    public static void main(String[] args) throws Exception {
        long lookups = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        long appends = args.length > 1 ? Long.parseLong(args[1]) : 5_000;
        long buyers = args.length > 2 ? Long.parseLong(args[2]) : 1_000_000;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        Path parent = args.length > 4 ? Path.of(args[4]) : null;
        System.out.printf("start: heap after GC %d MB (max %d MB)%n", heapAfterGc() >> 20,
                Runtime.getRuntime().maxMemory() >> 20);
        Path dir = parent == null ? Files.createTempDirectory("precis-memory-bench")
                : Files.createTempDirectory(Files.createDirectories(parent), "precis-memory-bench");
        try (BenchStores.Opened opened = BenchStores.open(dir)) {
            SegmentService segments = new SegmentService(opened.store(), Clock.systemUTC());
            run("lookups, gateway store", lookups, threads, segments, i -> segments.segments(user("l", i)));
            run("appends + lookups, gateway store", appends, threads, segments, i -> {
                Pseudonym p = user("a", i);
                segments.ingest(p, events());
                segments.segments(p);
            });
        }
        SegmentService buyersOnly = new SegmentService(new ConstantStore(), Clock.systemUTC());
        run("buyers, ingest + lookup", buyers, threads, buyersOnly, i -> {
            Pseudonym p = user("b", i);
            buyersOnly.ingest(p, List.of());
            buyersOnly.segments(p);
        });
    }

    interface Step {
        void run(long i) throws Exception;
    }

    private static void run(String name, long users, int threads, SegmentService segments, Step step)
            throws InterruptedException {
        AtomicLong next = new AtomicLong();
        long tenth = Math.max(1, users / 10);
        long start = System.nanoTime();
        Thread[] ts = new Thread[threads];
        Object report = new Object();
        for (int t = 0; t < threads; t++) {
            ts[t] = new Thread(() -> {
                for (long i; (i = next.getAndIncrement()) < users; ) {
                    try {
                        step.run(i);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    if ((i + 1) % tenth == 0) {
                        synchronized (report) {
                            System.out.printf("%s: %,d users, %.0f s, heap after GC %d MB, cached %,d, ranked %,d%n",
                                    name, i + 1, (System.nanoTime() - start) / 1e9, heapAfterGc() >> 20,
                                    segments.cachedUsers(), segments.rankedBuyers());
                        }
                    }
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
    }

    private static Pseudonym user(String phase, long i) {
        return new Pseudonym(phase + "-user-" + i + "-0123456789abcdefghijklmnopqrstuv");
    }

    private static List<BehaviourEvent> events() {
        Instant now = Instant.now();
        return List.of(
                new BehaviourEvent(BehaviourEvent.Type.VIEW, now, "https://shop.example/item/42", "Tea set", null, "home", 0),
                new BehaviourEvent(BehaviourEvent.Type.SEARCH, now, null, null, "green tea", "home", 0),
                new BehaviourEvent(BehaviourEvent.Type.PURCHASE, now, null, "Tea set", null, "home", 25_000_000));
    }

    static long heapAfterGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 2; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** Every user bought one thing yesterday; nothing is kept. */
    private static final class ConstantStore implements BehaviourStore {
        @Override
        public void append(Pseudonym p, List<BehaviourEvent> events) {
        }

        @Override
        public List<BehaviourEvent> read(Pseudonym p) {
            return List.of(new BehaviourEvent(BehaviourEvent.Type.PURCHASE, Instant.now().minus(Duration.ofDays(1)),
                    null, "Tea set", null, "home", 25_000_000));
        }

        @Override
        public void erase(Pseudonym p) {
        }
    }
}
