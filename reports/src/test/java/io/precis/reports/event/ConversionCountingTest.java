package io.precis.reports.event;

import static io.precis.reports.event.StoreFixture.ad;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.consent.identity.Pseudonym;
import io.precis.reports.invalid.InvalidClickPolicy;
import io.precis.reports.privacy.ReportPolicy;
import io.precis.reports.token.AdServed;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Conversions without an order id: "one" per click (or impression) and event name by default, or "every". */
class ConversionCountingTest {
    private static final long CPA_MICROS = 5_000_000;

    @TempDir
    Path dir;
    StoreFixture f;

    @AfterEach
    void close() {
        f.close();
    }

    private void open(AttributionPolicy policy) {
        f = new StoreFixture(dir, policy, InvalidClickPolicy.DEFAULTS, ReportPolicy.DEFAULTS);
    }

    private AdServed clicked(String campaign) {
        AdServed a = ad("adv", campaign, "cr1", "CPA", CPA_MICROS);
        f.impression(a);
        f.click(a);
        return a;
    }

    private Counts totals(String campaign) {
        return f.report("adv", campaign, Dimension.CAMPAIGN).totals();
    }

    @Test
    void oneClickAndFivePostsWithoutAnIdCountOneConversionChargedOnce() {
        open(AttributionPolicy.DEFAULTS);
        AdServed a = clicked("c1");
        assertTrue(f.conversion(a, 10, null).counted());
        for (int i = 0; i < 4; i++) {
            ConversionOutcome repeat = f.conversion(a, 10, null);
            assertFalse(repeat.counted(), "post " + (i + 2) + " is a repeat");
            assertTrue(repeat.attributed());
            assertEquals("c1", repeat.campaignId());
        }
        Counts t = totals("c1");
        assertEquals(1, t.clicks());
        assertEquals(1, t.conversions());
        assertEquals(CPA_MICROS, t.spendMicros());
        assertEquals(10_000_000, t.revenueMicros());
    }

    @Test
    void underOneEachEventNameCountsOncePerClickAndOrderIdsStillCountEach() {
        open(AttributionPolicy.DEFAULTS);
        AdServed a = clicked("c1");
        String click = f.signer.clickId(a);
        assertTrue(f.conversion(new ConversionRequest(click, "signup", 0, "CNY", null)).counted());
        assertFalse(f.conversion(new ConversionRequest(click, "signup", 0, "CNY", null)).counted());
        assertTrue(f.conversion(new ConversionRequest(click, "purchase", 1, "CNY", null)).counted());
        // With an order id, de-duplication is by id, as before.
        assertTrue(f.conversion(a, 1, "o-1").counted());
        assertTrue(f.conversion(a, 1, "o-2").counted());
        assertFalse(f.conversion(a, 1, "o-2").counted());
        assertEquals(4, totals("c1").conversions());
    }

    @Test
    void aRepeatStaysARepeatAcrossARestart() {
        open(AttributionPolicy.DEFAULTS);
        AdServed a = clicked("c1");
        assertTrue(f.conversion(a, 10, null).counted());
        f.reopen();
        assertFalse(f.conversion(a, 10, null).counted());
        assertEquals(1, totals("c1").conversions());
    }

    @Test
    void concurrentIdenticalConversionsInOneBatchCountOnce() {
        open(AttributionPolicy.DEFAULTS);
        AdServed a = clicked("c1");
        ConversionRequest r = new ConversionRequest(f.signer.clickId(a), "purchase", 1_000_000, "CNY", null);
        List<CompletableFuture<ConversionOutcome>> all = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            all.add(f.store.recordConversion(r)); // queued together: the writer sees them in one or few batches
        }
        assertEquals(1, all.stream().map(StoreFixture::await).filter(ConversionOutcome::counted).count());
        assertEquals(1, totals("c1").conversions());
    }

    @Test
    void cvrNeverExceedsOneHundredPercentUnderOne() {
        open(AttributionPolicy.DEFAULTS);
        for (int n = 0; n < 10; n++) {
            AdServed a = clicked("c1");
            for (int i = 0; i < 3; i++) {
                f.conversion(a, 1, null);
            }
        }
        Counts t = totals("c1");
        assertEquals(10, t.clicks());
        assertEquals(10, t.conversions());
    }

    @Test
    void aCampaignCountingEveryConversionCountsEachPost() {
        open(AttributionPolicy.DEFAULTS.withEveryConversionCounted(c -> c.equals("every")));
        AdServed every = clicked("every");
        AdServed one = clicked("one");
        for (int i = 0; i < 3; i++) {
            assertTrue(f.conversion(every, 1, null).counted());
            assertEquals(i == 0, f.conversion(one, 1, null).counted());
        }
        assertEquals(new Counts(1, 1, 0, 3, 3 * CPA_MICROS, 3_000_000), totals("every"));
        assertEquals(1, totals("one").conversions());
    }

    @Test
    void viewThroughConversionsWithoutAnIdCountOncePerImpressionAndEventName() {
        open(AttributionPolicy.DEFAULTS);
        AdServed seen = ad("adv", "c1", "cr1", "CPA", CPA_MICROS, "u1", "CN-11", "news.example.cn",
                List.of("contextual"));
        f.impression(seen);
        f.clock.advance(Duration.ofHours(1));
        ConversionRequest r = new ConversionRequest(null, "purchase", 1, "CNY", null, new Pseudonym("u1"), null);
        assertTrue(f.conversion(r).counted());
        assertFalse(f.conversion(r).counted());
        f.reopen();
        ConversionOutcome again = f.conversion(r);
        assertFalse(again.counted());
        assertTrue(again.viewThrough());
        assertEquals(1, totals("c1").conversions());
    }
}
