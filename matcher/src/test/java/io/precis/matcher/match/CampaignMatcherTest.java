package io.precis.matcher.match;

import static io.precis.matcher.TestCampaigns.campaign;
import static io.precis.matcher.TestCampaigns.withKeywords;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.consent.Purposes;
import io.precis.matcher.index.CampaignIndex;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CampaignMatcherTest {
    /** 12:00 in Asia/Shanghai. */
    private static final Instant NOW = Instant.parse("2026-11-03T04:00:00Z");
    private static final String BANNER = "banner-300x250";

    private final CampaignIndex index = new CampaignIndex();
    private final CampaignMatcher matcher = new CampaignMatcher(index);

    @AfterEach
    void close() throws Exception {
        index.close();
    }

    private static PageContext text(String text) {
        return new PageContext(null, null, null, null, text, null);
    }

    private List<String> ids(String format, String site, PageContext page, Instant now, int count) {
        return matcher.match(new AdQuery(format, site, page, now, count, Purposes.NONE)).stream()
                .map(ad -> ad.campaign().id()).toList();
    }

    private List<String> ids(PageContext page) {
        return ids(BANNER, "news.example", page, NOW, 10);
    }

    @Test
    void chineseKeywordMatchesPageWithLongerCompound() {
        index.upsert(withKeywords("ac", 10, "空调清洗"));
        List<MatchedAd> ads = matcher.match(new AdQuery(BANNER, "news.example",
                text("本店提供空调清洗服务，上门快。"), NOW, 1, Purposes.NONE));
        assertEquals(1, ads.size());
        assertEquals(List.of(TargetingKind.CONTEXTUAL), ads.get(0).matchedBy());
        assertEquals("contextual", ads.get(0).matchedBy().get(0).jsonName());
    }

    @Test
    void englishKeywordMatchesInflectedWordsInAnyOrder() {
        index.upsert(withKeywords("ac", 10, "air conditioner cleaning"));
        assertEquals(List.of("ac"), ids(new PageContext(null,
                "Tips for cleaning your air conditioners", null, null, null, "en")));
    }

    @Test
    void keywordWordsFarApartOnThePageAreNoMatch() {
        index.upsert(withKeywords("ac", 10, "空调清洗"));
        assertEquals(List.of(), ids(text(
                "夏天到了，很多家庭开始使用空调。\n\n另外，厨房的油烟机也需要定期清洗，否则会影响使用效果。")));
    }

    @Test
    void contextualCampaignDoesNotMatchUnrelatedPage() {
        index.upsert(withKeywords("ac", 10, "空调清洗"));
        assertEquals(List.of(), ids(text("今日股市大涨")));
        assertEquals(List.of(), ids(PageContext.EMPTY));
    }

    @Test
    void keywordMatchesPageKeywordsTitleAndUrlToo() {
        index.upsert(withKeywords("ac", 10, "air conditioner"));
        assertEquals(List.of("ac"), ids(new PageContext(null, null, List.of("Air Conditioners"),
                null, null, null)));
        assertEquals(List.of("ac"), ids(new PageContext(
                "https://news.example/guides/air-conditioner-care", null, null, null, null, null)));
    }

    @Test
    void excludeKeywordOnThePageVetoesTheCampaign() {
        index.upsert(campaign("ac", 10,
                "\"targeting\": {\"keywords\": [\"空调清洗\"], \"excludeKeywords\": [\"维修\"]}"));
        assertEquals(List.of("ac"), ids(text("空调清洗服务")));
        assertEquals(List.of(), ids(text("空调清洗服务。另有维修")));
        assertEquals(List.of(), ids(new PageContext(null, "空调维修", null, null, "空调清洗服务", null)));
    }

    @Test
    void categoriesMatchExactlyIgnoringCase() {
        index.upsert(campaign("cat", 10, "\"targeting\": {\"categories\": [\"Home-Appliance\"]}"));
        assertEquals(List.of("cat"), ids(new PageContext(null, null, null,
                List.of("home-appliance"), null, null)));
        assertEquals(List.of(), ids(new PageContext(null, null, null,
                List.of("home"), null, null)));
    }

    @Test
    void untargetedCampaignMatchesAnyPageWithoutMatchedBy() {
        index.upsert(campaign("any", 10, ""));
        List<MatchedAd> ads = matcher.match(new AdQuery(BANNER, null, null, NOW, 1, null));
        assertEquals(1, ads.size());
        assertEquals(List.of(), ads.get(0).matchedBy());
        assertEquals(1.0, ads.get(0).relevance());
        assertEquals(List.of("any"), ids(text("随便什么页面")));
    }

    @Test
    void slotFormatSelectsCampaignsAndCreatives() {
        index.upsert(campaign("two", 10, """
                "creatives": [
                  {"id": "b", "format": "banner-300x250", "landingUrl": "https://a.example"},
                  {"id": "n", "format": "native", "landingUrl": "https://a.example"}]
                """));
        index.upsert(campaign("banner", 10, ""));
        assertEquals(List.of("banner", "two"), ids(BANNER, null, PageContext.EMPTY, NOW, 10));
        List<MatchedAd> natives = matcher.match(new AdQuery("native", null, null, NOW, 10, null));
        assertEquals(1, natives.size());
        assertEquals("n", natives.get(0).creative().id());
        assertEquals(List.of(), ids("video-16x9", null, PageContext.EMPTY, NOW, 10));
    }

    @Test
    void anyFormatSlotGetsOneAdPerCampaign() {
        index.upsert(campaign("two", 10, """
                "creatives": [
                  {"id": "b", "format": "banner-300x250", "landingUrl": "https://a.example"},
                  {"id": "n", "format": "native", "landingUrl": "https://a.example"}]
                """));
        assertEquals(List.of("two"), ids(null, null, PageContext.EMPTY, NOW, 10));
    }

    @Test
    void siteAllowListCoversSubdomainsAndNeedsAKnownSite() {
        index.upsert(campaign("allow", 10,
                "\"targeting\": {\"sites\": {\"allow\": [\"news.example\"]}}"));
        assertEquals(List.of("allow"), ids(BANNER, "news.example", PageContext.EMPTY, NOW, 10));
        assertEquals(List.of("allow"), ids(BANNER, "m.news.example", PageContext.EMPTY, NOW, 10));
        assertEquals(List.of("allow"), ids(BANNER, "M.News.Example:443", PageContext.EMPTY, NOW, 10));
        assertEquals(List.of(), ids(BANNER, "fakenews.example", PageContext.EMPTY, NOW, 10));
        assertEquals(List.of(), ids(BANNER, "other.example", PageContext.EMPTY, NOW, 10));
        assertEquals(List.of(), ids(BANNER, null, PageContext.EMPTY, NOW, 10));
    }

    @Test
    void siteBlockListCoversSubdomains() {
        index.upsert(campaign("block", 10,
                "\"targeting\": {\"sites\": {\"block\": [\"spam.example\"]}}"));
        assertEquals(List.of(), ids(BANNER, "spam.example", PageContext.EMPTY, NOW, 10));
        assertEquals(List.of(), ids(BANNER, "www.spam.example", PageContext.EMPTY, NOW, 10));
        assertEquals(List.of("block"), ids(BANNER, "news.example", PageContext.EMPTY, NOW, 10));
        assertEquals(List.of("block"), ids(BANNER, null, PageContext.EMPTY, NOW, 10));
    }

    @Test
    void scheduleServesFromStartInclusiveToEndExclusive() {
        index.upsert(campaign("s", 10, """
                "schedule": {"start": "2026-11-03T04:00:00Z", "end": "2026-11-04T00:00:00Z"}
                """));
        Instant start = Instant.parse("2026-11-03T04:00:00Z");
        Instant end = Instant.parse("2026-11-04T00:00:00Z");
        assertEquals(List.of(), ids(BANNER, null, PageContext.EMPTY, start.minusMillis(1), 1));
        assertEquals(List.of("s"), ids(BANNER, null, PageContext.EMPTY, start, 1));
        assertEquals(List.of("s"), ids(BANNER, null, PageContext.EMPTY, end.minusNanos(1), 1));
        assertEquals(List.of(), ids(BANNER, null, PageContext.EMPTY, end, 1));
    }

    @Test
    void scheduleHoursAreCheckedInTheCampaignTimeZone() {
        index.upsert(campaign("noon-shanghai", 10, "\"schedule\": {\"hours\": [12]}"));
        index.upsert(campaign("noon-utc", 10, "\"schedule\": {\"hours\": [12], \"timezone\": \"UTC\"}"));
        assertEquals(List.of("noon-shanghai"), ids(BANNER, null, PageContext.EMPTY, NOW, 10));
        assertEquals(List.of("noon-utc"), ids(BANNER, null, PageContext.EMPTY,
                Instant.parse("2026-11-03T12:30:00Z"), 10));
    }

    @Test
    void adsAreRankedByExpectedValuePerImpression() {
        index.upsert(campaign("cpm", 10, "")); // 10 / 1000 = 0.01
        index.upsert(campaign("cpc", 1, "\"bid\": {\"model\": \"CPC\", \"amount\": 0.5}")); // 0.005
        index.upsert(campaign("cpa", 1, "\"bid\": {\"model\": \"CPA\", \"amount\": 100}")); // 0.05
        List<MatchedAd> ads = matcher.match(new AdQuery(BANNER, null, null, NOW, 10, null));
        assertEquals(List.of("cpa", "cpm", "cpc"), ads.stream().map(a -> a.campaign().id()).toList());
        assertEquals(0.05, ads.get(0).score(), 1e-12);
        // Second price: each pays just enough to beat the next (cpa: 0.01 / (0.05 / 100) = 20),
        // the last one the reserve (cpc: 0.001 / (0.005 / 0.5) = 0.1), plus one fen.
        assertEquals(new BigDecimal("20.01"), ads.get(0).price());
        assertEquals(new BigDecimal("5.01"), ads.get(1).price());
        assertEquals(new BigDecimal("0.11"), ads.get(2).price());
    }

    @Test
    void countLimitsAdsAndEqualScoresAreOrderedByCampaignId() {
        for (String id : List.of("d", "b", "a", "c")) {
            index.upsert(campaign(id, 10, ""));
        }
        assertEquals(List.of("a", "b"), ids(BANNER, null, PageContext.EMPTY, NOW, 2));
        assertEquals(List.of("a", "b", "c", "d"), ids(BANNER, null, PageContext.EMPTY, NOW, 9));
        assertEquals(List.of(), ids(BANNER, null, PageContext.EMPTY, NOW, 0));
    }

    @Test
    void contextualHitOutranksUntargetedAtTheSameBidAndMoreHitsRankHigher() {
        index.upsert(campaign("any", 10, ""));
        index.upsert(withKeywords("one", 10, "空调"));
        index.upsert(withKeywords("two", 10, "空调", "清洗"));
        List<MatchedAd> ads = matcher.match(new AdQuery(BANNER, null, text("空调清洗服务"), NOW,
                10, null));
        assertEquals(List.of("two", "one", "any"), ads.stream().map(a -> a.campaign().id()).toList());
        assertEquals(1 + Math.log(3), ads.get(0).relevance(), 1e-12);
        assertEquals(1 + Math.log(2), ads.get(1).relevance(), 1e-12);
    }

    @Test
    void campaignNeedingUserAttributesDoesNotMatchAnAnonymousUser() {
        index.upsert(campaign("regional", 10, "\"targeting\": {\"regions\": [\"CN-11\"]}"));
        index.upsert(campaign("geo", 10,
                "\"targeting\": {\"geo\": {\"lat\": 39.9, \"lon\": 116.4, \"radiusKm\": 3}}"));
        index.upsert(campaign("segment", 10, "\"targeting\": {\"segments\": [\"interest:x\"]}"));
        index.upsert(campaign("notNew", 10, "\"targeting\": {\"excludeSegments\": [\"lifecycle:new\"]}"));
        assertEquals(List.of("notNew"), matcher.match(new AdQuery(BANNER, null, null, NOW, 10,
                Purposes.ALL)).stream().map(a -> a.campaign().id()).toList());
    }

    @Test
    void creativeIsChosenAmongThoseOfTheSlotFormat() {
        index.upsert(campaign("many", 10, """
                "creatives": [
                  {"id": "b1", "format": "banner-300x250", "landingUrl": "https://a.example"},
                  {"id": "b2", "format": "banner-300x250", "landingUrl": "https://a.example"},
                  {"id": "n", "format": "native", "landingUrl": "https://a.example"}]
                """));
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) {
            seen.add(matcher.match(new AdQuery(BANNER, null, null, NOW, 1, null)).get(0)
                    .creative().id());
        }
        // Each banner has probability 2^-200 of never being drawn.
        assertEquals(java.util.Set.of("b1", "b2"), seen);
    }

    @Test
    void pausedCampaignStopsMatchingAtOnce() {
        var c = campaign("p", 10, "");
        index.upsert(c);
        assertTrue(ids(BANNER, null, PageContext.EMPTY, NOW, 1).contains("p"));
        index.upsert(c.withStatus(io.precis.matcher.campaign.CampaignStatus.PAUSED, NOW));
        assertEquals(List.of(), ids(BANNER, null, PageContext.EMPTY, NOW, 1));
    }

    @Test
    void matchingWhileCampaignsChangeNeverFails() throws Exception {
        index.upsert(campaign("stable", 10, ""));
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<?>> tasks = new java.util.ArrayList<>();
            tasks.add(pool.submit(() -> {
                for (int i = 0; i < 200; i++) {
                    index.upsert(withKeywords("k" + (i % 7), 10, "空调"));
                    index.remove("k" + ((i + 3) % 7));
                }
            }));
            for (int t = 0; t < 3; t++) {
                tasks.add(pool.submit(() -> {
                    for (int i = 0; i < 300; i++) {
                        List<String> got = ids(BANNER, null, text("空调"), NOW, 10);
                        assertTrue(got.contains("stable"), got.toString());
                    }
                }));
            }
            for (var task : tasks) {
                task.get();
            }
        } finally {
            pool.shutdown();
        }
    }
}
