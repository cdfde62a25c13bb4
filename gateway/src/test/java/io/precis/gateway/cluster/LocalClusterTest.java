package io.precis.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.devservices.LocalCluster;
import io.precis.gateway.Campaigns;
import io.precis.gateway.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@code ./precis cluster} starts works as one gateway from outside: through HAProxy
 * (round robin over two gateway processes on one PostgreSQL and one Redis) an account is made,
 * a campaign is created, and every ad request, whichever gateway answers it, serves that
 * campaign; a frequency cap of 1 gives one reader one ad, whichever gateway answers.
 */
class LocalClusterTest {
    private final ClusterHttp web = new ClusterHttp();

    @Test
    void twoGatewaysBehindHaproxyAnswerAsOne() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> gateway = List.of(java, "-cp", System.getProperty("java.class.path"), "io.precis.gateway.Main");
        try (LocalCluster cluster = LocalCluster.start(2, 0, gateway)) {
            String lb = cluster.url();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (web.send(lb + "/health", "GET", null, null).statusCode() != 200) {
                assertTrue(System.nanoTime() < deadline, "the balancer reaches a healthy gateway");
                Thread.sleep(100);
            }
            JsonNode account = TestGateway.JSON.readTree(web.send(lb + "/v1/admin/accounts", "POST",
                    "{\"type\":\"advertiser\",\"name\":\"Cluster\"}", cluster.adminToken()).body());
            String key = account.get("apiKey").textValue();
            // The account reaches the other gateway through the change feed: both must know the key.
            for (int known = 0; known < 2; ) {
                known = web.send(lb + "/v1/campaigns", "GET", null, key).statusCode() == 200 ? known + 1 : 0;
                assertTrue(System.nanoTime() < deadline + 10_000_000_000L, "the new key works on every gateway");
            }
            HttpResponse<String> created = web.send(lb + "/v1/campaigns", "POST",
                    Campaigns.keywords("Shoes", "[\"running shoes\"]", "CPC", 0.5), key);
            assertEquals(201, created.statusCode(), created.body());
            String id = TestGateway.JSON.readTree(created.body()).get("id").textValue();
            // Round robin: consecutive requests go to either gateway; each serves the campaign
            // once the change has reached it (a second at most).
            int served = 0;
            while (served < 6) {
                HttpResponse<String> ad = web.send(lb + "/v1/ad", "POST",
                        Campaigns.adRequest("news.example", "the best running shoes for a marathon"), null);
                if (ad.statusCode() == 200) {
                    assertEquals(id, TestGateway.JSON.readTree(ad.body()).get("ads").get(0).get("campaignId").textValue());
                    served++;
                } else {
                    assertEquals(204, ad.statusCode(), ad.body());
                    served = 0; // not yet on that gateway: all six must come after it propagated
                    assertTrue(System.nanoTime() < deadline, "the campaign serves from every gateway");
                    Thread.sleep(50);
                }
            }
            assertEquals(200, web.send(lb + "/v1/campaigns/" + id, "GET", null, key).statusCode());

            // The gateways share one Redis: a cap of 1 holds whichever gateway answers.
            HttpResponse<String> capped = web.send(lb + "/v1/campaigns", "POST", """
                    {"name": "Trail", "bid": {"model": "CPM", "amount": 5},
                     "frequencyCap": {"impressions": 1, "perHours": 24},
                     "targeting": {"keywords": ["trail running"], "formats": ["banner-300x250"]},
                     "creatives": [{"id": "c1", "format": "banner-300x250", "title": "Trail",
                                    "landingUrl": "https://shop.example/trail"}]}""", key);
            assertEquals(201, capped.statusCode(), capped.body());
            String trail = """
                    {"slot": {"id": "top", "format": "banner-300x250", "site": "news.example"},
                     "page": {"url": "https://news.example/trail", "text": "a trail running guide"},
                     "user": {"id": "%s"}}""";
            long cappedDeadline = System.nanoTime() + 30_000_000_000L;
            for (int i = 0; i < 2; ) { // until both gateways serve it (each to a reader of its own)
                int status = web.send(lb + "/v1/ad", "POST", trail.formatted("warm-up-" + System.nanoTime()), null)
                        .statusCode();
                i = status == 200 ? i + 1 : 0;
                assertTrue(System.nanoTime() < cappedDeadline, "the capped campaign serves everywhere");
            }
            int toOneReader = 0;
            for (int i = 0; i < 6; i++) {
                toOneReader += web.send(lb + "/v1/ad", "POST", trail.formatted("lb-reader"), null).statusCode() == 200 ? 1 : 0;
            }
            assertEquals(1, toOneReader, "a cap of 1 through the balancer, whichever gateway answers");
        }
    }
}
