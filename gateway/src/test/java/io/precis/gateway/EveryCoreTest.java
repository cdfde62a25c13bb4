package io.precis.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.gateway.workers.WorkerPool;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway serves on every event loop it is given, and its worker pools are separate: an ad
 * request never waits behind blocking storage work, however much of it is queued.
 */
class EveryCoreTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static GatewayConfig.Capacity capacity(int loops, int storageThreads, int queue) {
        int cores = Runtime.getRuntime().availableProcessors();
        return new GatewayConfig.Capacity(loops, cores, storageThreads, queue, 65_536);
    }

    @Test
    void connectionsAreServedOnEveryEventLoop() {
        int loops = 2;
        try (TestGateway gw = TestGateway.start(dir, c -> c.withCapacity(capacity(loops, 4, 64)))) {
            int port = gw.gateway().port();
            Map<Long, Long> before = eventLoopCpu();
            // Each exchange on a fresh connection: Vert.x hands connections to the servers in turn.
            for (int i = 0; i < 60; i++) {
                RawHttp.Answer a = RawHttp.exchange(port, "GET", "/health", null, Duration.ofSeconds(20));
                assertNotNull(a, "/health did not answer");
                assertEquals(200, a.status());
            }
            Map<Long, Long> after = eventLoopCpu();
            long busy = after.entrySet().stream()
                    .filter(e -> e.getValue() > before.getOrDefault(e.getKey(), 0L)).count();
            assertTrue(busy >= loops, "requests were served on " + busy + " event loop(s), not " + loops);
        }
    }

    /** CPU time so far of each Vert.x event loop thread, by thread id. */
    private static Map<Long, Long> eventLoopCpu() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Long> cpu = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("vert.x-eventloop-thread-")) {
                cpu.put(t.threadId(), threads.getThreadCpuTime(t.threadId()));
            }
        }
        return cpu;
    }

    @Test
    void adRequestsAnswerWhileStorageWorkFillsItsPool() throws Exception {
        try (TestGateway gw = TestGateway.start(dir, c -> c.withCapacity(capacity(2, 2, 3)))) {
            String key = gw.advertiser("Isolation");
            gw.campaign(key, Campaigns.keywords("Coffee", "[\"咖啡\"]", "CPM", 5));
            String publisher = gw.account("publisher", "Isolation news");
            WorkerPool storage = gw.gateway().storagePool();
            // Slow storage work (as a stuck fsync or a long report query) takes every thread and queue slot.
            CountDownLatch release = new CountDownLatch(1);
            for (int i = 0; i < 5; i++) {
                storage.submit(() -> release.await(DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
            }
            try {
                assertTrue(pollUntil(() -> storage.active() == 2 && storage.queued() == 3), "storage pool not saturated");
                TestGateway.Resp ad = gw.ad(Campaigns.adRequest("news.example", "咖啡"));
                assertEquals(200, ad.status(), ad.body());
                // Storage work beyond the queue is refused at once, with a hint when to retry.
                TestGateway.Resp consent = gw.put("/v1/consent?user=u-1", "{\"purposes\":{\"measurement\":true}}", publisher);
                assertEquals(503, consent.status(), consent.body());
                assertEquals("unavailable", consent.json().get("error").textValue());
                assertEquals("1", consent.header("Retry-After"));
                String metrics = gw.get("/metrics", null).body();
                assertTrue(metrics.contains("precis_worker_active{pool=\"precis-storage\"} 2"), metrics);
                assertTrue(metrics.contains("precis_worker_queued{pool=\"precis-storage\"} 3"), metrics);
                assertTrue(metrics.contains("precis_worker_rejected_total{pool=\"precis-storage\"} 1"), metrics);
            } finally {
                release.countDown();
            }
            assertTrue(pollUntil(() -> gw.put("/v1/consent?user=u-1", "{\"purposes\":{\"measurement\":true}}", publisher)
                    .status() == 200), "consent did not recover once the storage work ended");
        }
    }

    private static boolean pollUntil(java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            if (done.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }
}
