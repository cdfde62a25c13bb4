package io.precis.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.precis.gateway.TestGateway;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A customer list uploaded through one gateway excludes its members on the other, and its deletion too. */
class CustomerListsEverywhereTest {
    @TempDir
    Path dir;

    @Test
    void aListUploadedThroughOneGatewayAppliesOnTheOther() {
        try (GatewayPair pair = GatewayPair.start(dir)) {
            TestGateway a = pair.a;
            TestGateway b = pair.b;
            String key = a.advertiser("Lists Co");
            GatewayPair.within(10, "the advertiser key reaches B", () -> b.get("/v1/audiences", key).status() == 200);
            String list = a.post("/v1/audiences", "{\"name\": \"complainers\"}", key).json().get("id").textValue();
            assertEquals(200, a.put("/v1/audiences/" + list + "/members", "{\"ids\": [\"angry-1\"]}", key).status());
            GatewayPair.within(10, "B knows the list", () -> b.get("/v1/audiences/" + list, key).status() == 200);
            String campaign = b.campaign(key, """
                    {"name": "Not the complainers", "bid": {"model": "CPM", "amount": 5},
                     "targeting": {"audiences": {"exclude": ["%s"]}},
                     "creatives": [{"id": "c1", "format": "banner-300x250", "landingUrl": "https://shop.example/x"}]}
                    """.formatted(list));
            GatewayPair.within(10, "B serves the campaign to others", () -> served(b, "calm-1", campaign));
            assertEquals(false, served(b, "angry-1", campaign), "B excludes A's uploaded member");
            assertEquals(204, a.delete("/v1/audiences/" + list, key).status());
            GatewayPair.within(10, "B forgets the deleted list", () -> served(b, "angry-1", campaign));
        }
    }

    @Test
    void anErasureThroughOneGatewayTakesThePersonOutOfTheListOnBoth() {
        try (GatewayPair pair = GatewayPair.start(dir)) {
            TestGateway a = pair.a;
            TestGateway b = pair.b;
            String key = a.advertiser("Lists Co");
            String publisher = a.account("publisher", "News");
            GatewayPair.within(10, "the keys reach B", () -> b.get("/v1/audiences", key).status() == 200
                    && b.get("/v1/me?user=x", publisher).status() == 200);
            String list = a.post("/v1/audiences", "{\"name\": \"complainers\"}", key).json().get("id").textValue();
            assertEquals(200, a.put("/v1/audiences/" + list + "/members", "{\"ids\": [\"angry-1\", \"angry-2\"]}",
                    key).status());
            String campaign = a.campaign(key, """
                    {"name": "Not the complainers", "bid": {"model": "CPM", "amount": 5},
                     "targeting": {"audiences": {"exclude": ["%s"]}},
                     "creatives": [{"id": "c1", "format": "banner-300x250", "landingUrl": "https://shop.example/x"}]}
                    """.formatted(list));
            GatewayPair.within(10, "B serves the campaign to others", () -> served(b, "calm-1", campaign));
            GatewayPair.within(10, "B excludes the member", () -> !served(b, "angry-1", campaign));
            assertEquals(false, served(a, "angry-1", campaign));

            assertEquals(204, b.delete("/v1/me?user=angry-1", publisher).status());
            assertEquals(true, served(b, "angry-1", campaign), "out of the list on B at once");
            GatewayPair.within(10, "out of the list in A's memory too", () -> served(a, "angry-1", campaign));
            assertEquals(false, served(a, "angry-2", campaign), "the other member stays, on A");
            assertEquals(false, served(b, "angry-2", campaign), "and on B");
            assertEquals(0, a.get("/v1/me?user=angry-1", publisher).json().path("customerLists").size());
        }
    }

    private static boolean served(TestGateway gw, String user, String campaign) {
        TestGateway.Resp r = gw.ad("""
                {"slot": {"id": "top", "format": "banner-300x250", "site": "news.example"},
                 "page": {"url": "https://news.example/x", "text": "news"}, "user": {"id": "%s"}, "count": 3}
                """.formatted(user));
        return r.status() == 200 && r.body().contains(campaign);
    }
}
