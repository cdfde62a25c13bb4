package io.precis.gateway.audiences;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.gateway.TestGateway;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Erasure ({@code DELETE /v1/me}) takes the person out of every advertiser's customer lists: the
 * export showed them in the lists, the exclude list no longer holds them, the list's size drops,
 * and all of it stays so after a restart (the embedded store, not only memory).
 */
class CustomerListErasureTest {
    @TempDir
    Path dir;

    @Test
    void erasureRemovesThePersonFromEveryListAndStaysRemovedAfterARestart() {
        String advertiser;
        String other;
        String publisher;
        String blackList;
        String otherList;
        String campaign;
        try (TestGateway gw = TestGateway.start(dir)) {
            advertiser = gw.advertiser("Lists Co");
            other = gw.advertiser("Other Co");
            publisher = gw.account("publisher", "News");
            blackList = list(gw, advertiser, "complainers", "leaver\ncomplainer-1\ncomplainer-2\ncomplainer-3\n"
                    + "complainer-4\ncomplainer-5\ncomplainer-6\ncomplainer-7\ncomplainer-8\ncomplainer-9");
            otherList = list(gw, other, "customers", "leaver\nbuyer-1");
            campaign = gw.campaign(advertiser, """
                    {"name": "Not the complainers", "bid": {"model": "CPM", "amount": 5},
                     "targeting": {"audiences": {"exclude": ["%s"]}},
                     "creatives": [{"id": "c1", "format": "banner-300x250", "landingUrl": "https://shop.example/x"}]}
                    """.formatted(blackList));
            assertEquals(10, size(gw, advertiser, blackList), "10 members show as 10 (k = 10)");
            assertFalse(served(gw, "leaver", campaign), "a member of the exclude list is excluded");
            JsonNode me = gw.get("/v1/me?user=leaver", publisher).json();
            assertEquals(2, me.get("customerLists").size(), "the export names both lists: " + me);
            assertFalse(me.toString().contains("leaver"), me.toString());

            assertEquals(204, gw.delete("/v1/me?user=leaver", publisher).status());
            assertTrue(served(gw, "leaver", campaign), "no longer in the exclude list");
            assertFalse(served(gw, "complainer-1", campaign), "the others still are");
            assertEquals(0, size(gw, advertiser, blackList), "9 members show as 0");
            assertEquals(0, gw.get("/v1/me?user=leaver", publisher).json().path("customerLists").size(),
                    "the leaver is in no list, the other advertiser's neither");
        }
        try (TestGateway gw = TestGateway.start(dir)) {
            assertTrue(served(gw, "leaver", campaign), "still out of the list after a restart");
            assertFalse(served(gw, "complainer-2", campaign));
            assertEquals(0, size(gw, advertiser, blackList));
            JsonNode buyer = gw.get("/v1/me?user=buyer-1", publisher).json();
            assertEquals(otherList, buyer.get("customerLists").get(0).textValue(), "another member stays: " + buyer);
            assertFalse(gw.get("/v1/me?user=leaver", publisher).body().contains(otherList));
        }
    }

    private static String list(TestGateway gw, String key, String name, String csv) {
        TestGateway.Resp r = gw.post("/v1/audiences", "{\"name\": \"" + name + "\"}", key);
        assertEquals(201, r.status(), r.body());
        String id = r.json().get("id").textValue();
        TestGateway.Resp up = gw.send(gw.builder("/v1/audiences/" + id + "/members", key)
                .header("Content-Type", "text/csv").PUT(java.net.http.HttpRequest.BodyPublishers.ofString(csv)).build());
        assertEquals(200, up.status(), up.body());
        return id;
    }

    private static int size(TestGateway gw, String key, String list) {
        return gw.get("/v1/audiences/" + list, key).json().get("size").asInt();
    }

    static boolean served(TestGateway gw, String user, String campaign) {
        TestGateway.Resp r = gw.ad("""
                {"slot": {"id": "top", "format": "banner-300x250", "site": "news.example"},
                 "page": {"url": "https://news.example/x", "text": "news"}, "user": {"id": "%s"}, "count": 3}
                """.formatted(user));
        assertTrue(r.status() == 200 || r.status() == 204, r.body());
        return r.status() == 200 && r.body().contains(campaign);
    }
}
