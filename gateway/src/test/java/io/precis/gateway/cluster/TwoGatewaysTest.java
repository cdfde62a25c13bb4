package io.precis.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.gateway.Ads;
import io.precis.gateway.Campaigns;
import io.precis.gateway.TestGateway;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateways behind one load balancer: each its own data dir, both on one PostgreSQL and one
 * keys dir (the operator gives every instance the same keys). What one is told, the other
 * serves: an account made on A works on B, a campaign made on A serves from B, a pause on B
 * stops A, a key revoked on A is refused by B; an ad served by B is seen and clicked through A
 * and both report the same numbers.
 */
class TwoGatewaysTest {
    private static final String PAGE = "the best running shoes for a marathon";

    @TempDir
    Path dir;

    @Test
    void whatOneGatewayIsToldTheOtherServes() {
        try (GatewayPair pair = GatewayPair.start(dir)) {
            TestGateway gwA = pair.a;
            TestGateway gwB = pair.b;
            String key = gwA.advertiser("Shoes Co");
            long accountMs = GatewayPair.within(10, "an account made on A works on B",
                    () -> gwB.get("/v1/campaigns", key).status() == 200);

            String id = gwA.campaign(key, Campaigns.keywords("Shoes", "[\"running shoes\"]", "CPC", 0.5));
            long campaignMs = GatewayPair.within(10, "a campaign made on A serves from B",
                    () -> gwB.ad(Campaigns.adRequest("news.example", PAGE)).status() == 200);
            System.out.printf("account reached B after %d ms, campaign after %d ms%n", accountMs, campaignMs);

            TestGateway.Resp served = gwB.ad(Campaigns.adRequest("news.example", PAGE));
            JsonNode ad = served.json().get("ads").get(0);
            assertEquals(id, ad.get("campaignId").textValue());
            // B's tokens are A's tokens: the pixel and the click go through A.
            Ads throughA = new Ads(gwA);
            assertEquals(204, throughA.impression(ad));
            throughA.click(ad);
            String today = TestGateway.aroundToday() + "&groupBy=campaign";
            for (TestGateway gw : new TestGateway[] {gwA, gwB}) {
                JsonNode totals = gw.get("/v1/reports?" + today, key).json().get("totals");
                assertEquals(1, totals.get("impressions").asLong(), "one store, one report, from either gateway");
                assertEquals(1, totals.get("clicks").asLong());
            }

            JsonNode paused = gwB.get("/v1/campaigns/" + id, key).json().deepCopy();
            ((com.fasterxml.jackson.databind.node.ObjectNode) paused).put("status", "paused");
            assertEquals(200, gwB.put("/v1/campaigns/" + id, paused.toString(), key).status());
            GatewayPair.within(10, "a pause on B stops A", () -> gwA.ad(Campaigns.adRequest("news.example", PAGE)).status() == 204);

            String accountId = key.split("\\.")[1];
            assertEquals(200, gwA.delete("/v1/admin/accounts/" + accountId + "/key", TestGateway.ADMIN_TOKEN).status());
            GatewayPair.within(10, "a key revoked on A is refused by B", () -> gwB.get("/v1/campaigns", key).status() == 401);
        }
    }
}
