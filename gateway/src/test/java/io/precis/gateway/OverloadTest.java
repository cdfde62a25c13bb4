package io.precis.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.reports.privacy.ReportPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * More requests than the gateway can take at once: the excess gets 503 {@code unavailable} with
 * {@code Retry-After} (never a 500, never a hang), every acknowledged event is stored, and the
 * gateway serves normally again once the load drops.
 */
class OverloadTest {
    /** How long the load runs: bounded, so the test ends; nothing is asserted about time. */
    private static final Duration LOAD = Duration.ofSeconds(3);
    private static final int CLIENTS = 32;
    private static final int ADS = 400;

    @TempDir
    Path dir;

    @Test
    void beyondCapacityTheGatewayShedsWith503AndRecoversWithoutLosingAcknowledgedEvents() throws Exception {
        // One matching thread and one waiting slot, two events waiting for the writer at most:
        // 32 clients are far beyond that.
        GatewayConfig.Capacity small = new GatewayConfig.Capacity(2, 1, 2, 1, 2);
        try (LogCapture logs = new LogCapture();
             TestGateway gw = TestGateway.start(dir, c -> c.withCapacity(small).withReportPolicy(new ReportPolicy(1, 0)))) {
            String key = gw.advertiser("Overload");
            String campaign = gw.campaign(key, Campaigns.keywords("Coffee", "[\"咖啡\"]", "CPM", 5));
            String request = Campaigns.adRequest("news.example", "咖啡");
            // Impression URLs served before the load, fired during it.
            Queue<String> pixels = new ConcurrentLinkedQueue<>();
            while (pixels.size() < ADS) {
                TestGateway.Resp r = gw.ad(request);
                if (r.status() == 200) {
                    pixels.add(r.json().get("ads").get(0).get("impressionUrl").textValue());
                }
            }
            Map<String, AtomicInteger> statuses = new ConcurrentHashMap<>();
            AtomicInteger acknowledged = new AtomicInteger();
            List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
            long end = System.nanoTime() + LOAD.toNanos();
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                running.add(clients.submit(() -> {
                    while (System.nanoTime() < end) {
                        TestGateway.Resp ad = gw.ad(request);
                        check("ad", ad, statuses, wrong, 200);
                        String pixel = pixels.poll();
                        if (pixel != null) {
                            TestGateway.Resp imp = gw.get(pixel, null);
                            check("impression", imp, statuses, wrong, 204);
                            if (imp.status() == 204) {
                                acknowledged.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get(); // a hang fails here through the client's 20 s timeout
            }
            clients.shutdown();
            assertTrue(wrong.isEmpty(), "answers other than 2xx or 503 with Retry-After: " + wrong);
            assertTrue(statuses.getOrDefault("ad 503", new AtomicInteger()).get() > 0,
                    "the load never went beyond the matching capacity: " + statuses);
            assertTrue(statuses.getOrDefault("impression 503", new AtomicInteger()).get() > 0,
                    "the load never went beyond the event writer's queue: " + statuses);
            // Load dropped: an ad request is served again.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int status = 0;
            while (status != 200 && System.nanoTime() < deadline) {
                status = gw.ad(request).status();
            }
            assertEquals(200, status, "the gateway did not recover after the load");
            // Every impression acknowledged with a 204 is in the report; none refused is.
            JsonNode report = gw.get("/v1/reports?" + TestGateway.aroundToday() + "&groupBy=campaign", key).json();
            JsonNode row = report.get("rows").get(0);
            assertEquals(campaign, row.get("campaign").textValue());
            assertEquals(acknowledged.get(), row.get("impressions").asLong(), "statuses: " + statuses);
            // Vert.x's blocked-thread checker logs "Thread ... has been blocked for" under this logger.
            assertFalse(logs.text().contains("vertx-blocked-thread-checker"), "an event loop or worker was blocked");
            assertFalse(logs.text().contains("SEVERE"), "shedding load is no error: " + logs.text());
        }
    }

    /** Counts {@code r} by kind and status, and notes it when it is neither {@code ok} nor a proper 503. */
    private static void check(String kind, TestGateway.Resp r, Map<String, AtomicInteger> statuses, List<String> wrong,
                              int ok) {
        statuses.computeIfAbsent(kind + " " + r.status(), k -> new AtomicInteger()).incrementAndGet();
        if (r.status() == ok || (kind.equals("ad") && r.status() == 204)) {
            return;
        }
        boolean shed = r.status() == 503 && "1".equals(r.header("Retry-After"))
                && "unavailable".equals(r.json().get("error").textValue());
        if (!shed) {
            wrong.add(kind + " " + r.status() + " " + r.body());
        }
    }
}
