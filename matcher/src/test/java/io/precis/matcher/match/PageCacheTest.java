package io.precis.matcher.match;

import static io.precis.matcher.TestCampaigns.withKeywords;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.consent.Purposes;
import io.precis.matcher.delivery.DeliveryLedger;
import io.precis.matcher.auction.CampaignStats;
import io.precis.matcher.index.CampaignIndex;
import io.precis.matcher.text.TextAnalysis;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A page's analysis is reused by URL for a short time, and never for a changed page. */
class PageCacheTest {
    private static final Instant NOW = Instant.parse("2026-11-03T04:00:00Z");
    private static final TextAnalysis ANALYSIS = TextAnalysis.shared();
    private final AtomicLong nanos = new AtomicLong();
    private final PageCache cache = new PageCache(10_000, Duration.ofSeconds(60), nanos::get);

    private static PageContext page(String url, String text) {
        return new PageContext(url, "今日新闻", List.of("生活"), List.of("food"), text, null);
    }

    @Test
    void aPageAskedForAgainWithinItsTimeIsAnalysedOnce() {
        PageText first = cache.of(page("https://news.example/a/1", "咖啡新品上市"), ANALYSIS);
        assertSame(first, cache.of(page("https://news.example/a/1", "咖啡新品上市"), ANALYSIS));
        assertEquals(1, cache.size());
    }

    @Test
    void aChangedTitleTextKeywordOrCategoryIsAnalysedAgain() {
        String url = "https://news.example/a/2";
        PageText first = cache.of(page(url, "咖啡新品上市"), ANALYSIS);
        PageText changed = cache.of(page(url, "茶叶新品上市"), ANALYSIS);
        assertNotSame(first, changed);
        assertTrue(changed.text().contains("茶叶") && !changed.text().contains("咖啡"), changed.text().toString());
        assertNotSame(changed, cache.of(new PageContext(url, "今日新闻", List.of("生活"), List.of("tea"),
                "茶叶新品上市", null), ANALYSIS));
        assertNotSame(changed, cache.of(new PageContext(url, "今日", List.of("生活"), List.of("food"),
                "茶叶新品上市", null), ANALYSIS));
        // The fields are length-prefixed: moving text from the title to the body is a change.
        PageText a = cache.of(new PageContext(url, "ab", List.of(), List.of(), "c", null), ANALYSIS);
        assertNotSame(a, cache.of(new PageContext(url, "a", List.of(), List.of(), "bc", null), ANALYSIS));
    }

    @Test
    void anAnalysisExpiresAfterItsTime() {
        PageText first = cache.of(page("https://news.example/a/3", "咖啡"), ANALYSIS);
        nanos.addAndGet(Duration.ofSeconds(59).toNanos());
        assertSame(first, cache.of(page("https://news.example/a/3", "咖啡"), ANALYSIS));
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        assertNotSame(first, cache.of(page("https://news.example/a/3", "咖啡"), ANALYSIS));
    }

    @Test
    void pagesWithoutUrlAndAZeroSizedCacheAreNotKept() {
        PageText first = cache.of(page(null, "咖啡"), ANALYSIS);
        assertNotSame(first, cache.of(page(null, "咖啡"), ANALYSIS));
        assertEquals(0, cache.size());
        PageCache off = new PageCache(0, Duration.ofSeconds(60));
        PageContext p = page("https://news.example/a/4", "咖啡");
        assertNotSame(off.of(p, ANALYSIS), off.of(p, ANALYSIS));
    }

    @Test
    void theBoundIsInCharactersSoOneLongPageCannotTakeTheRoomOfMany() {
        PageCache small = new PageCache(1_000, Duration.ofSeconds(60), nanos::get);
        PageContext shortPage = page("https://news.example/a/5", "咖啡");
        PageText first = small.of(shortPage, ANALYSIS);
        assertSame(first, small.of(shortPage, ANALYSIS));
        PageContext longPage = page("https://news.example/a/6", "咖啡新品上市".repeat(200));
        PageText analysed = small.of(longPage, ANALYSIS);
        assertNotSame(analysed, small.of(longPage, ANALYSIS), "1,200 characters are over the bound");
        assertTrue(small.size() <= 1, "size " + small.size());
    }

    @Test
    void aCachedPageBuildsItsCandidateQueryOnceForASlotFormat() {
        PageContext page = page("https://news.example/a/7", "咖啡新品上市");
        Request banner = Request.of(query(page, "banner-300x250"), cache, ANALYSIS);
        Request again = Request.of(query(page, "banner-300x250"), cache, ANALYSIS);
        Request video = Request.of(query(page, "video"), cache, ANALYSIS);
        org.apache.lucene.search.Query first = CandidateQuery.of(banner);
        assertSame(first, CandidateQuery.of(again));
        org.apache.lucene.search.Query other = CandidateQuery.of(video);
        assertNotSame(first, other);
        assertTrue(other.toString().contains("video") && !other.toString().contains("banner"), other.toString());
    }

    private static AdQuery query(PageContext page, String format) {
        return new AdQuery(format, "news.example", page, NOW, 1, Purposes.NONE);
    }

    @Test
    void aPageChangedUnderTheSameUrlIsMatchedByItsNewText() throws Exception {
        try (CampaignIndex index = new CampaignIndex()) {
            index.upsert(withKeywords("coffee", 10, "咖啡"));
            index.upsert(withKeywords("tea", 5, "茶叶"));
            CampaignMatcher matcher = new CampaignMatcher(index, DeliveryLedger.none(), CampaignStats.none(),
                    null, Duration.ofHours(1), cache);
            String url = "https://news.example/live";
            assertEquals(List.of("coffee"), ids(matcher, new PageContext(url, null, null, null, "咖啡新品", null)));
            assertEquals(List.of("tea"), ids(matcher, new PageContext(url, null, null, null, "茶叶新品", null)));
            assertEquals(1, cache.size(), "one entry per URL: the changed page's analysis replaced the old one");
            assertEquals(List.of("coffee"), ids(matcher, new PageContext(url, null, null, null, "咖啡新品", null)));
        }
    }

    @Test
    void aCachedPageReplaysItsMatchesUntilTheIndexChanges() throws Exception {
        try (CampaignIndex index = new CampaignIndex()) {
            index.upsert(withKeywords("coffee", 10, "咖啡"));
            index.upsert(withKeywords("beans", 8, "咖啡"));
            CampaignMatcher matcher = new CampaignMatcher(index, DeliveryLedger.none(), CampaignStats.none(),
                    null, Duration.ofHours(1), cache);
            PageContext page = new PageContext("https://news.example/popular", null, null, null, "咖啡新品", null);
            Request r = Request.of(query(page, "banner-300x250"), cache, ANALYSIS);
            org.apache.lucene.search.Query q = CandidateQuery.of(r);
            assertEquals(null, r.page().matches(q), "nothing kept before the first request");
            assertEquals(List.of("coffee"), ids(matcher, page));
            CampaignIndex.Matches kept = r.page().matches(q);
            assertTrue(kept != null, "the first request keeps its matches with the page");
            assertEquals(List.of("coffee"), ids(matcher, page));
            assertSame(kept, r.page().matches(q), "the second request replays them: no new search");
            assertEquals(2, matcher.matchResult(query(page, "banner-300x250")).candidates());
            // A change of the index is a new reader: the page's query runs again.
            index.upsert(withKeywords("espresso", 20, "咖啡"));
            assertEquals(List.of("espresso"), ids(matcher, page));
            assertNotSame(kept, r.page().matches(q));
            index.remove("espresso");
            index.remove("coffee");
            assertEquals(List.of("beans"), ids(matcher, page));
            assertEquals(1, matcher.matchResult(query(page, "banner-300x250")).candidates());
        }
    }

    private static List<String> ids(CampaignMatcher matcher, PageContext page) {
        return matcher.match(new AdQuery("banner-300x250", "news.example", page, NOW, 1, Purposes.NONE)).stream()
                .map(ad -> ad.campaign().id()).toList();
    }
}
