package io.precis.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.devservices.LocalCluster;
import io.precis.gateway.Campaigns;
import io.precis.gateway.TestGateway;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Two gateway processes on one PostgreSQL; one is killed with {@code kill -9} in the middle of a
 * stream of impression pixels sent to both. Every pixel either gateway acknowledged is in the
 * report, and the survivor keeps serving ads and counting pixels.
 */
class KillOneGatewayTest {
    private final ClusterHttp web = new ClusterHttp();

    @Test
    void everyAcknowledgedPixelSurvivesTheKillOfOneGatewayAndTheOtherKeepsServing() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> gateway = List.of(java, "-cp", System.getProperty("java.class.path"), "io.precis.gateway.Main");
        try (LocalCluster cluster = LocalCluster.start(2, 0, gateway)) {
            String a = "http://127.0.0.1:" + cluster.gatewayPorts().get(0);
            String b = "http://127.0.0.1:" + cluster.gatewayPorts().get(1);
            String key = TestGateway.JSON.readTree(web.send(a + "/v1/admin/accounts", "POST",
                    "{\"type\":\"advertiser\",\"name\":\"Kill\"}", cluster.adminToken()).body()).get("apiKey").textValue();
            assertEquals(201, web.send(a + "/v1/campaigns", "POST",
                    Campaigns.keywords("Shoes", "[\"running shoes\"]", "CPM", 2), key).statusCode());
            List<String> pixels = new ArrayList<>();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (pixels.size() < 200) {
                HttpResponse<String> ad = web.send(b + "/v1/ad", "POST",
                        Campaigns.adRequest("news.example", "the best running shoes for a marathon"), null);
                if (ad.statusCode() == 200) {
                    pixels.add(TestGateway.JSON.readTree(ad.body()).get("ads").get(0).get("impressionUrl").textValue());
                } else {
                    assertTrue(System.nanoTime() < deadline, "the campaign reaches gateway B");
                    Thread.sleep(20);
                }
            }
            AtomicInteger acknowledged = new AtomicInteger();
            List<CompletableFuture<Void>> inFlight = new ArrayList<>();
            for (int i = 0; i < pixels.size(); i++) {
                String base = i % 2 == 0 ? a : b; // each pixel goes to one gateway, half to each
                inFlight.add(web.client().sendAsync(HttpRequest.newBuilder(URI.create(base + pixels.get(i)))
                                .timeout(Duration.ofSeconds(30)).header("User-Agent", TestGateway.BROWSER_UA).GET().build(),
                        HttpResponse.BodyHandlers.discarding()).handle((r, e) -> {
                            if (e == null && r.statusCode() == 204) {
                                acknowledged.incrementAndGet();
                            }
                            return null;
                        }));
                if (i == pixels.size() / 2) {
                    cluster.kill(0); // mid-stream: A's in-flight pixels die with it
                }
            }
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            assertTrue(acknowledged.get() >= pixels.size() / 2, "B kept acknowledging: " + acknowledged.get());
            String today = TestGateway.aroundToday() + "&groupBy=campaign";
            JsonNode totals = TestGateway.JSON.readTree(web.send(b + "/v1/reports?" + today, "GET", null, key).body())
                    .get("totals");
            int reported = totals.get("impressions").asInt();
            // A pixel A committed just before it died may lack its 204: in the report, never lost.
            assertTrue(reported >= acknowledged.get() && reported <= pixels.size(),
                    "every acknowledged pixel is in the report: " + acknowledged.get() + " acknowledged, " + reported
                            + " reported");
            assertEquals(200, web.send(b + "/v1/ad", "POST",
                    Campaigns.adRequest("news.example", "the best running shoes for a marathon"), null).statusCode(),
                    "the survivor keeps serving");
        }
    }
}
