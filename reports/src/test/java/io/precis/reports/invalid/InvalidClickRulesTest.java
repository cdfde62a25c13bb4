package io.precis.reports.invalid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.consent.identity.IpPrefix;
import io.precis.reports.token.AdServed;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each invalid-click rule on its own, then the judge's order. */
class InvalidClickRulesTest {
    private static final Instant T = Instant.parse("2026-11-03T10:00:00Z");
    private static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";
    private static final String WECHAT = "Mozilla/5.0 (Linux; Android 14; CUBOT KingKong) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Version/4.0 Chrome/116.0 Mobile Safari/537.36 MicroMessenger/8.0.47";

    private static AdServed ad(String campaign, String pseudonym) {
        return new AdServed("ad-" + campaign, "adv", campaign, "cr", null, null, List.of(), "CPC", 1, pseudonym, null);
    }

    private static ClickFacts click(AdServed ad, Instant at, Instant impressionAt, ClickContext ctx) {
        return new ClickFacts(ad, at, impressionAt, ctx);
    }

    @Test
    void aClickWithoutARecordedImpressionIsRejected() {
        NoImpressionRule r = new NoImpressionRule();
        assertTrue(r.rejects(click(ad("c", null), T, null, ClickContext.NONE)));
        assertFalse(r.rejects(click(ad("c", null), T, T.minusSeconds(5), ClickContext.NONE)));
        assertEquals("no_impression", r.reason());
    }

    @Test
    void aClickSoonerThanTheMinimumAfterItsImpressionIsTooFast() {
        TooFastRule r = new TooFastRule(Duration.ofSeconds(1));
        assertTrue(r.rejects(click(ad("c", null), T, T, ClickContext.NONE)));
        assertTrue(r.rejects(click(ad("c", null), T.plusMillis(999), T, ClickContext.NONE)));
        assertFalse(r.rejects(click(ad("c", null), T.plusMillis(1000), T, ClickContext.NONE)));
        assertFalse(r.rejects(click(ad("c", null), T, null, ClickContext.NONE))); // that is no_impression's call
        assertFalse(new TooFastRule(Duration.ZERO).rejects(click(ad("c", null), T, T, ClickContext.NONE)));
    }

    @Test
    void theEleventhClickInAnHourFromOnePseudonymOnOneCampaignIsRejected() {
        TooManyFromUserRule r = new TooManyFromUserRule(10, new InMemoryClickCounters());
        for (int i = 0; i < 10; i++) {
            assertFalse(r.rejects(click(ad("c1", "u1"), T.plusSeconds(i), T, ClickContext.NONE)), "click " + i);
        }
        assertTrue(r.rejects(click(ad("c1", "u1"), T.plusSeconds(10), T, ClickContext.NONE)));
        // Other campaigns and other users have their own counters; no pseudonym, no user counter.
        assertFalse(r.rejects(click(ad("c2", "u1"), T.plusSeconds(11), T, ClickContext.NONE)));
        assertFalse(r.rejects(click(ad("c1", "u2"), T.plusSeconds(11), T, ClickContext.NONE)));
        for (int i = 0; i < 20; i++) {
            assertFalse(r.rejects(click(ad("c1", null), T.plusSeconds(i), T, ClickContext.NONE)));
        }
        // The window slides: an hour after the first clicks, room again.
        assertFalse(r.rejects(click(ad("c1", "u1"), T.plusSeconds(3600 + 5), T, ClickContext.NONE)));
    }

    @Test
    void theFiftyFirstClickInAnHourFromOneIpPrefixOnOneCampaignIsRejected() {
        TooManyFromIpRule r = new TooManyFromIpRule(50, new InMemoryClickCounters());
        ClickContext office = new ClickContext(new IpPrefix("203.0.113.0/24"), CHROME, false);
        for (int i = 0; i < 50; i++) {
            assertFalse(r.rejects(click(ad("c1", "u" + i), T.plusSeconds(i), T, office)));
        }
        assertTrue(r.rejects(click(ad("c1", "u99"), T.plusSeconds(60), T, office)));
        assertFalse(r.rejects(click(ad("c1", "u99"), T.plusSeconds(60), T,
                new ClickContext(new IpPrefix("198.51.100.0/24"), CHROME, false))));
        assertFalse(r.rejects(click(ad("c1", "u99"), T.plusSeconds(60), T, ClickContext.NONE)));
    }

    @Test
    void slidingCounterKeepsBoundedMemoryAndForgetsIdleSources() {
        SlidingHourCounter c = new SlidingHourCounter(3);
        long t = T.toEpochMilli();
        for (int i = 0; i < 20_000; i++) {
            c.addAndExceeds(i, t + i);
        }
        c.addAndExceeds(-1, t + SlidingHourCounter.WINDOW_MS * 2); // forces nothing but a later sweep
        for (int i = 0; i < 10_000; i++) {
            c.addAndExceeds(-1, t + SlidingHourCounter.WINDOW_MS * 2 + i);
        }
        assertTrue(c.trackedSources() < 10, "idle sources swept: " + c.trackedSources());
    }

    @Test
    void knownRobotsAreRejectedCaseInsensitivelyAndRealBrowsersPass() {
        RobotUserAgentRule r = new RobotUserAgentRule();
        assertFalse(r.isRobot(CHROME));
        assertFalse(r.isRobot(WECHAT)); // contains "CUBOT": an exception of the "bot" pattern
        assertTrue(r.isRobot("Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"));
        assertTrue(r.isRobot("Mozilla/5.0 (compatible; GOOGLEBOT/2.1)"));
        assertTrue(r.isRobot("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/120.0 Safari/537.36"));
        // The valid-browser pass: a client that does not claim to be a browser at all.
        assertTrue(r.isRobot("python-requests/2.31"));
        assertTrue(r.isRobot("curl/8.4.0"));
        assertTrue(r.isRobot(""));
        assertTrue(r.rejects(click(ad("c", null), T, T, new ClickContext(null, "Wget/1.21", false))));
        assertFalse(r.rejects(click(ad("c", null), T, T, ClickContext.NONE))); // unknown agent: not judged
        assertEquals("robot", r.reason());
    }

    @Test
    void prefetchIsReadFromEitherHeader() {
        assertTrue(ClickContext.isPrefetch("prefetch", null));
        assertTrue(ClickContext.isPrefetch(null, "prefetch;prerender"));
        assertTrue(ClickContext.isPrefetch(null, " Prefetch"));
        assertFalse(ClickContext.isPrefetch(null, null));
        assertFalse(ClickContext.isPrefetch("preview", "prerender"));
        PrefetchRule r = new PrefetchRule();
        assertTrue(r.rejects(click(ad("c", null), T, T, new ClickContext(null, CHROME, true))));
        assertFalse(r.rejects(click(ad("c", null), T, T, new ClickContext(null, CHROME, false))));
    }

    @Test
    void theJudgeNamesTheFirstRuleInOrderAndStillCountsEveryClick() {
        ClickJudge j = new ClickJudge(new InvalidClickPolicy(Duration.ofSeconds(1), 2, 100));
        ClickContext bot = new ClickContext(null, "SomeBot/1.0", false);
        ClickContext human = new ClickContext(null, CHROME, false);
        assertEquals("robot", j.judge(click(ad("c", "u1"), T, null, bot))); // robot before no_impression
        assertEquals("no_impression", j.judge(click(ad("c", "u1"), T.plusSeconds(5), null, human)));
        // Two clicks from u1 so far, both counted although invalid: the third exceeds the cap of 2.
        assertEquals("too_many_user", j.judge(click(ad("c", "u1"), T.plusSeconds(9), T, human)));
        assertNull(j.judge(click(ad("c", "u2"), T.plusSeconds(9), T, human)));
        assertEquals("too_fast", j.judge(click(ad("c", "u3"), T.plusMillis(500), T, human)));
    }
}
