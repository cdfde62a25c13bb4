package io.precis.perf.behaviour;

import io.precis.consent.identity.Pseudonym;
import io.precis.matcher.segment.BehaviourEvent;
import io.precis.matcher.segment.BehaviourStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Append throughput of the gateway's behaviour store: {@code threads} threads append batches of
 * three events for random users among {@code users}, first once per user (each user's first
 * append, which creates the user's key), then for {@code seconds} seconds at random. Prints
 * appends per second and latency percentiles of each phase. A plain main, not JMH: the unit of
 * work is an fsync-bound call that JMH adds nothing to.
 *
 * <p>Usage: {@code BehaviourAppendBench [threads=8] [users=2000] [seconds=20]}.
 */
public final class BehaviourAppendBench {
    private BehaviourAppendBench() {}

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int users = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        Path dir = Files.createTempDirectory("precis-behaviour-bench");
        try (BenchStores.Opened opened = BenchStores.open(dir)) {
            BehaviourStore store = opened.store();
            Pseudonym[] ids = new Pseudonym[users];
            for (int i = 0; i < users; i++) {
                ids[i] = new Pseudonym("bench-user-" + i);
            }
            AtomicLong next = new AtomicLong();
            Phase first = run(threads, () -> {
                long i = next.getAndIncrement();
                if (i >= users) {
                    return false;
                }
                store.append(ids[(int) i], events());
                return true;
            });
            first.print("first appends (new users)");
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            Phase repeat = run(threads, () -> {
                if (System.nanoTime() >= end) {
                    return false;
                }
                store.append(ids[ThreadLocalRandom.current().nextInt(users)], events());
                return true;
            });
            repeat.print("repeat appends (random users)");
        }
    }

    private static List<BehaviourEvent> events() {
        Instant now = Instant.now();
        return List.of(
                new BehaviourEvent(BehaviourEvent.Type.VIEW, now, "https://shop.example/item/42",
                        "Trail running shoes, lightweight", null, "sports", 0),
                new BehaviourEvent(BehaviourEvent.Type.SEARCH, now, null, null, "running shoes", "sports", 0),
                new BehaviourEvent(BehaviourEvent.Type.CART, now, null, "Trail running shoes", null, "sports",
                        89_000_000));
    }

    interface Step {
        boolean run() throws Exception;
    }

    record Phase(long count, double seconds, long[] latencies) {
        void print(String name) {
            Arrays.sort(latencies);
            System.out.printf("%s: %d appends in %.1f s = %.0f appends/s; latency p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    name, count, seconds, count / seconds, pct(0.50), pct(0.99), pct(1.0));
        }

        private double pct(double q) {
            if (latencies.length == 0) {
                return 0;
            }
            return latencies[(int) Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)] / 1e6;
        }
    }

    private static Phase run(int threads, Step step) throws InterruptedException {
        long[][] lat = new long[threads][];
        int[] counts = new int[threads];
        CountDownLatch done = new CountDownLatch(threads);
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int me = t;
            Thread th = new Thread(() -> {
                long[] mine = new long[1 << 16];
                int n = 0;
                try {
                    while (true) {
                        long s = System.nanoTime();
                        if (!step.run()) {
                            break;
                        }
                        if (n == mine.length) {
                            mine = Arrays.copyOf(mine, n * 2);
                        }
                        mine[n++] = System.nanoTime() - s;
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    lat[me] = Arrays.copyOf(mine, n);
                    counts[me] = n;
                    done.countDown();
                }
            });
            th.start();
        }
        done.await();
        double secs = (System.nanoTime() - start) / 1e9;
        long total = Arrays.stream(counts).sum();
        long[] all = Arrays.stream(lat).flatMapToLong(Arrays::stream).toArray();
        return new Phase(total, secs, all);
    }
}
