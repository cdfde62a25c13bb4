package io.precis.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.devservices.LocalRedis;
import io.precis.gateway.Campaigns;
import io.precis.gateway.TestGateway;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis restarted (empty) under load, with three gateways on one PostgreSQL and that Redis:
 * while it is away, the requests that need it (ads of a capped, budgeted campaign, the pixels
 * whose charge it limits) are answered 503 {@code unavailable}, never 500; once it is back the
 * gateways serve again on their own, and every pixel that was acknowledged is in the report.
 */
class RedisRestartTest {
    private static final String PAGE = "the best running shoes for a marathon";

    @TempDir
    Path dir;

    private static String request(String user) {
        return """
                {"slot": {"id": "top", "format": "banner-300x250", "site": "news.example"},
                 "page": {"url": "https://news.example/article/1", "text": "%s"},
                 "user": {"id": "%s"}}
                """.formatted(PAGE, user);
    }

    @Test
    void whileRedisRestartsGatewaysAnswer503NotAn500AndRecoverLosingNoAcknowledgedPixel() throws Exception {
        try (LocalRedis redis = LocalRedis.start("restart");
             GatewayPair gws = GatewayPair.startThree(dir, redis.uri())) {
            String key = gws.a.advertiser("Shoes Co");
            String id = gws.a.campaign(key, """
                    {"name": "Shoes", "bid": {"model": "CPM", "amount": 5}, "budget": {"daily": 1000},
                     "frequencyCap": {"impressions": 100, "perHours": 24},
                     "targeting": {"keywords": ["running shoes"], "formats": ["banner-300x250"]},
                     "creatives": [{"id": "c1", "format": "banner-300x250", "title": "Shoes",
                                    "landingUrl": "https://shop.example/shoes"}]}""");
            for (TestGateway gw : gws.all()) {
                GatewayPair.within(10, "the campaign serves everywhere", () -> gw.ad(request("warm-up")).status() == 200);
            }
            Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
            AtomicLong acknowledged = new AtomicLong();
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong users = new AtomicLong();
            List<TestGateway> all = gws.all();
            ExecutorService load = Executors.newFixedThreadPool(4);
            for (int t = 0; t < 4; t++) {
                load.submit(() -> {
                    while (running.get()) {
                        long n = users.incrementAndGet();
                        TestGateway.Resp ad = all.get((int) (n % 3)).ad(request("reader-" + n));
                        statuses.computeIfAbsent(ad.status(), s -> new LongAdder()).increment();
                        if (ad.status() != 200) {
                            continue;
                        }
                        JsonNode served = ad.json().get("ads").get(0);
                        int pixel = all.get((int) ((n + 1) % 3)).get(served.get("impressionUrl").textValue(), null).status();
                        statuses.computeIfAbsent(pixel, s -> new LongAdder()).increment();
                        if (pixel == 204) {
                            acknowledged.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
            try {
                GatewayPair.within(20, "pixels acknowledged under load", () -> acknowledged.get() >= 20);
                redis.stop();
                GatewayPair.within(20, "503 while Redis is away", () -> statuses.containsKey(503));
                redis.start();
                long before = acknowledged.get();
                GatewayPair.within(30, "serving again once Redis is back", () -> acknowledged.get() >= before + 20);
            } finally {
                running.set(false);
                load.shutdown();
                assertTrue(load.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            System.out.println("statuses under the restart: " + statuses);
            for (int status : statuses.keySet()) {
                assertTrue(status == 200 || status == 204 || status == 503, "status " + status + ": " + statuses);
            }
            JsonNode rows = gws.b.get("/v1/reports?" + TestGateway.aroundToday() + "&groupBy=campaign&campaign=" + id,
                    key).json().get("rows");
            long reported = rows.get(0).get("impressions").asLong();
            assertTrue(reported >= acknowledged.get(),
                    "every acknowledged pixel is in the report: " + reported + " of " + acknowledged.get());
            assertEquals(0, reported - acknowledged.get(),
                    "and a pixel answered 503 was not stored: " + reported + " vs " + acknowledged.get());
        }
    }
}
