package io.precis.gateway.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.devservices.LocalPostgres;
import io.precis.gateway.Campaigns;
import io.precis.gateway.GatewayConfig;
import io.precis.gateway.TestGateway;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL goes away under a running gateway and comes back: meanwhile every request that
 * needs it is answered 503 {@code unavailable} with {@code Retry-After}, never 500; afterwards
 * the gateway recovers on its own, and every event it acknowledged is in the report.
 */
class StoreOutageTest {
    private static final String PAGE = "the best running shoes for a marathon";

    @TempDir
    Path dir;

    private static void assertUnavailable(TestGateway.Resp r, String what) {
        assertEquals(503, r.status(), what + ": " + r.body());
        assertEquals("unavailable", r.json().get("error").textValue(), what);
        assertNotNull(r.headers().firstValue("Retry-After").orElse(null), what + " says when to retry");
    }

    @Test
    void whilePostgresIsDownRequestsGet503AndAfterwardsNothingAcknowledgedIsLost() throws Exception {
        LocalPostgres server = LocalPostgres.shared();
        GatewayConfig.Store pg = new GatewayConfig.Store(server.createDatabase());
        try (TestGateway gw = TestGateway.start(dir, c -> c.withStore(pg))) {
            String key = gw.advertiser("Shoes Co");
            gw.campaign(key, Campaigns.keywords("Shoes", "[\"running shoes\"]", "CPM", 2));
            List<JsonNode> ads = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                TestGateway.Resp r = gw.ad(Campaigns.adRequest("news.example", PAGE));
                assertEquals(200, r.status(), r.body());
                ads.add(r.json().get("ads").get(0));
            }
            int acknowledged = 0;
            if (gw.get(ads.get(0).get("impressionUrl").textValue(), null).status() == 204) {
                acknowledged++;
            }
            server.stop();
            try {
                assertUnavailable(gw.post("/v1/campaigns", Campaigns.keywords("More", "[\"shoes\"]", "CPC", 1), key),
                        "a campaign cannot be stored");
                assertUnavailable(gw.get("/v1/reports?groupBy=campaign", key), "a report cannot be read");
                TestGateway.Resp pixel = gw.get(ads.get(1).get("impressionUrl").textValue(), null);
                assertUnavailable(pixel, "an impression cannot be made durable");
                TestGateway.Resp ad = gw.ad(Campaigns.adRequest("news.example", PAGE));
                assertTrue(ad.status() == 200 || ad.status() == 503, "an ad request: served or 503, never "
                        + ad.status() + " " + ad.body());
            } finally {
                server.start();
            }
            long deadline = System.nanoTime() + 30_000_000_000L;
            TestGateway.Resp again;
            while ((again = gw.get(ads.get(1).get("impressionUrl").textValue(), null)).status() != 204) {
                assertTrue(System.nanoTime() < deadline, "the gateway recovers on its own: " + again.status());
                Thread.sleep(100);
            }
            acknowledged++;
            for (JsonNode ad : ads.subList(2, 6)) {
                assertEquals(204, gw.get(ad.get("impressionUrl").textValue(), null).status());
                acknowledged++;
            }
            String today = TestGateway.aroundToday() + "&groupBy=campaign";
            assertEquals(acknowledged, gw.get("/v1/reports?" + today, key).json().get("totals").get("impressions").asInt(),
                    "every acknowledged impression, and only those, is in the report");
        }
    }

    @Test
    void postgresRestartedUnderAStreamOfPixelsGives204Or503NeverAnotherAndLosesNothingAcknowledged()
            throws Exception {
        LocalPostgres server = LocalPostgres.shared();
        GatewayConfig.Store pg = new GatewayConfig.Store(server.createDatabase());
        try (TestGateway gw = TestGateway.start(dir, c -> c.withStore(pg))) {
            String key = gw.advertiser("Shoes Co");
            gw.campaign(key, Campaigns.keywords("Shoes", "[\"running shoes\"]", "CPM", 2));
            List<String> pixels = new ArrayList<>();
            for (int i = 0; i < 120; i++) {
                pixels.add(gw.ad(Campaigns.adRequest("news.example", PAGE)).json().get("ads").get(0)
                        .get("impressionUrl").textValue());
            }
            java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newFixedThreadPool(8);
            List<java.util.concurrent.Future<Integer>> statuses = new ArrayList<>();
            try {
                for (int i = 0; i < pixels.size(); i++) {
                    String url = pixels.get(i);
                    statuses.add(senders.submit(() -> gw.get(url, null).status()));
                    if (i == 40) {
                        server.crash(); // mid-stream, as a power cut: no checkpoint
                    }
                    if (i == 80) {
                        server.start();
                    }
                }
                int acknowledged = 0;
                for (var f : statuses) {
                    int status = f.get(60, java.util.concurrent.TimeUnit.SECONDS);
                    assertTrue(status == 204 || status == 503, "a pixel gets 204 or 503, never " + status);
                    acknowledged += status == 204 ? 1 : 0;
                }
                long deadline = System.nanoTime() + 30_000_000_000L;
                String today = TestGateway.aroundToday() + "&groupBy=campaign";
                TestGateway.Resp report;
                while ((report = gw.get("/v1/reports?" + today, key)).status() != 200) {
                    assertTrue(System.nanoTime() < deadline, "reports come back");
                    Thread.sleep(100);
                }
                int reported = report.json().get("totals").get("impressions").asInt();
                assertTrue(acknowledged > 0 && reported >= acknowledged && reported <= pixels.size(),
                        acknowledged + " acknowledged, " + reported + " in the report");
            } finally {
                senders.shutdownNow();
                server.start();
            }
        }
    }
}
