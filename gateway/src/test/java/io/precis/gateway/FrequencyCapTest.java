package io.precis.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.consent.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frequency caps over real HTTP, counted from recorded impressions: an ad served and seen counts
 * for the cap's whole window; one served and not yet seen counts until its impression token
 * expires (so asking faster than the pixels fire cannot pass the cap), and then no longer
 * (an ad never shown does not use up the cap).
 */
class FrequencyCapTest {
    /** 12:00 in Asia/Shanghai on 2026-11-03. */
    private static final Instant NOON = Instant.parse("2026-11-03T04:00:00Z");
    private static final String PAGE = "the best running shoes for a marathon";

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(NOON);

    /** An ad request for the shoes page by {@code user} (null: an anonymous request). */
    private static String request(String user) {
        String userJson = user == null ? "" : ", \"user\": {\"id\": \"" + user + "\"}";
        return """
                {"slot": {"id": "top", "format": "banner-300x250", "site": "news.example"},
                 "page": {"url": "https://news.example/article/1", "text": "%s"}%s}
                """.formatted(PAGE, userJson);
    }

    /** A CPM campaign for the shoes page, at most 2 impressions per user per {@code hours}. */
    private static String cappedCampaign(int hours) {
        return """
                {"name": "Capped", "bid": {"model": "CPM", "amount": 5},
                 "frequencyCap": {"impressions": 2, "perHours": %d},
                 "targeting": {"keywords": ["running shoes"], "formats": ["banner-300x250"]},
                 "creatives": [{"id": "c1", "format": "banner-300x250", "title": "Shoes",
                                "landingUrl": "https://shop.example/shoes"}]}""".formatted(hours);
    }

    /** The capped campaign's ad for {@code user}, or null when nothing is served (204). */
    private static JsonNode serve(TestGateway gw, String user) {
        TestGateway.Resp r = gw.ad(request(user));
        if (r.status() == 204) {
            return null;
        }
        assertEquals(200, r.status(), r.body());
        return r.json().get("ads").get(0);
    }

    @Test
    void capsCountSeenAdsForTheWindowAndUnseenOnesUntilTheirTokenExpires() {
        try (TestGateway gw = TestGateway.start(dir, c -> c, clock)) {
            String key = gw.advertiser("Shoes Co");
            String publisher = gw.account("publisher", "News");
            gw.campaign(key, cappedCampaign(24));
            Ads ads = new Ads(gw);

            JsonNode first = serve(gw, "reader-1");
            assertEquals(204, ads.impression(first));
            JsonNode second = serve(gw, "reader-1"); // served, its pixel never fires
            assertNotNull(second);
            assertNull(serve(gw, "reader-1"), "one seen and one in flight reach the cap of 2");
            JsonNode other = serve(gw, "reader-2");
            assertEquals(204, ads.impression(other), "the cap is per user");

            clock.advance(Duration.ofHours(1).plusSeconds(1)); // the unseen ad's token has expired
            JsonNode third = serve(gw, "reader-1");
            assertEquals(first.get("campaignId").textValue(), third.get("campaignId").textValue(),
                    "the unseen ad no longer counts");
            assertEquals(204, ads.impression(third));
            assertNull(serve(gw, "reader-1"), "two seen: capped for the rest of the window");
            assertEquals(204, ads.impression(third), "a replayed pixel answers as usual...");
            clock.advance(Duration.ofHours(22));
            assertNull(serve(gw, "reader-1"), "...and counts once");

            clock.advance(Duration.ofHours(1)); // 24 h after the first impression, not the third
            JsonNode fourth = serve(gw, "reader-1");
            assertEquals(204, ads.impression(fourth));
            assertNull(serve(gw, "reader-1"), "the third and fourth are within 24 h");

            String metrics = gw.get("/metrics", null).body();
            assertTrue(metrics.contains("precis_cap_history_dropped_total 0"), metrics);
            assertTrue(metrics.contains("precis_caps_lost_total 0"), "no cap count lost without a shared ledger: " + metrics);

            assertEquals(204, gw.delete("/v1/me?user=reader-1", publisher).status());
            assertEquals(first.get("campaignId").textValue(), serve(gw, "reader-1").get("campaignId").textValue(),
                    "erasure forgets the cap history with the rest");
        }
    }

    @Test
    void seenAdsStillCountAfterARestartUntilErased() {
        String publisher;
        try (TestGateway gw = TestGateway.start(dir, c -> c, clock)) {
            String key = gw.advertiser("Shoes Co");
            publisher = gw.account("publisher", "News");
            gw.campaign(key, cappedCampaign(168));
            Ads ads = new Ads(gw);
            for (String user : new String[] {"reader-1", "reader-1", "reader-2", "reader-2"}) {
                assertEquals(204, ads.impression(serve(gw, user)));
                clock.advance(Duration.ofMinutes(1));
            }
            assertNull(serve(gw, "reader-1"));
        }
        clock.advance(Duration.ofDays(3));
        try (TestGateway gw = TestGateway.start(dir, c -> c, clock)) {
            assertNull(serve(gw, "reader-1"), "the cap's week holds across the restart");
            assertNull(serve(gw, "reader-2"));
            assertEquals(204, gw.delete("/v1/me?user=reader-1", publisher).status());
            assertNotNull(serve(gw, "reader-1"), "erased at once, in memory");
        }
        try (TestGateway gw = TestGateway.start(dir, c -> c, clock)) {
            assertNotNull(serve(gw, "reader-1"), "and on disk");
            assertNull(serve(gw, "reader-2"), "only the erased user's history is gone");
        }
        clock.advance(Duration.ofDays(4)); // a week after the impressions
        try (TestGateway gw = TestGateway.start(dir, c -> c, clock)) {
            assertNotNull(serve(gw, "reader-2"));
        }
    }
}
