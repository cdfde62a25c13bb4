package io.precis.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Contextual matching in Chinese and English, as an ad slot sees it over HTTP. */
class ContextualMatchingTest {
    @TempDir
    static Path dir;
    static TestGateway gw;
    static String key;
    static String chineseAc;
    static String englishAc;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(dir);
        key = gw.advertiser("Matching Co");
        chineseAc = gw.campaign(key, """
                {"name": "空调清洗", "bid": {"model": "CPM", "amount": 10},
                 "targeting": {"keywords": ["空调清洗"], "excludeKeywords": ["维修"]},
                 "creatives": [{"id": "zh", "format": "banner-300x250", "landingUrl": "https://shop.example/zh"}]}
                """);
        englishAc = gw.campaign(key, """
                {"name": "AC cleaning EN", "bid": {"model": "CPM", "amount": 9},
                 "targeting": {"keywords": ["air conditioner cleaning"], "sites": {"block": ["spam.example"]}},
                 "creatives": [{"id": "en", "format": "banner-300x250", "landingUrl": "https://shop.example/en"}]}
                """);
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    private static String winner(String site, String text) {
        TestGateway.Resp r = gw.ad(Campaigns.adRequest(site, text));
        if (r.status() == 204) {
            return null;
        }
        assertEquals(200, r.status(), r.body());
        return r.json().get("ads").get(0).get("campaignId").textValue();
    }

    @Test
    void everyAdRequestCountsItsCandidatesFoundAndFullyCheckedInTheMetrics() {
        assertEquals(chineseAc, winner("news.example", "本店提供专业空调清洗服务，上门快捷"));
        String metrics = gw.get("/metrics", null).body();
        double found = candidates(metrics, "found");
        double checked = candidates(metrics, "checked");
        assertTrue(found >= 1 && checked >= 1 && checked <= found, metrics);
    }

    private static double candidates(String metrics, String stage) {
        Matcher m = Pattern.compile("precis_match_candidates_sum\\{stage=\"" + stage + "\"\\} (\\S+)")
                .matcher(metrics);
        assertTrue(m.find(), metrics);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void chineseKeywordMatchesPageWhoseTextContainsALongerCompound() {
        assertEquals(chineseAc, winner("news.example", "本店提供专业空调清洗服务，上门快捷"));
    }

    @Test
    void englishKeywordMatchesInflectedWordsInAnyOrder() {
        assertEquals(englishAc, winner("news.example", "Tips for cleaning your air conditioners before summer"));
    }

    @Test
    void wordsOfAKeywordFarApartAreNotAHit() {
        String filler = "今天的新闻报道了城市交通建设的最新进展，市民普遍关注地铁线路的规划与公交站点的调整情况，";
        assertEquals(null, winner("news.example", "家里的空调有点旧了。" + filler + filler + "衣服需要清洗。"));
    }

    @Test
    void excludedKeywordVetoesAnOtherwiseMatchingPage() {
        assertEquals(null, winner("news.example", "空调清洗和空调维修的区别"));
    }

    @Test
    void blockedSiteGetsNoAdFromTheCampaignThatBlocksIt() {
        assertEquals(null, winner("spam.example", "cleaning your air conditioner"));
    }

    @Test
    void unrelatedPageGetsNoContent() {
        assertEquals(null, winner("news.example", "Football results from the weekend"));
    }

    @Test
    void newCampaignIsMatchableWithinOneSecondAndStopsWhenArchived() {
        Instant created = Instant.now();
        String id = gw.campaign(key, Campaigns.keywords("Kayak", "[\"sea kayaking\"]", "CPM", 5));
        String text = "A weekend of sea kayaking along the coast";
        String found = null;
        while (found == null && Duration.between(created, Instant.now()).toMillis() < 1000) {
            found = winner("news.example", text);
        }
        assertEquals(id, found);
        assertEquals(200, gw.delete("/v1/campaigns/" + id, key).status());
        assertEquals(null, winner("news.example", text));
    }

    @Test
    void updatedKeywordsReplaceTheOldOnesOnTheNextRequest() {
        String id = gw.campaign(key, Campaigns.keywords("Tea", "[\"green tea\"]", "CPM", 5));
        assertEquals(id, winner("news.example", "the best green tea of spring"));
        TestGateway.Resp put = gw.put("/v1/campaigns/" + id,
                Campaigns.keywords("Tea", "[\"oolong\"]", "CPM", 5), key);
        assertEquals(200, put.status(), put.body());
        assertEquals(null, winner("news.example", "the best green tea of spring"));
        assertEquals(id, winner("news.example", "a cup of oolong"));
    }
}
