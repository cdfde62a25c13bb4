package io.precis.reports.event;

import static io.precis.reports.event.StoreFixture.ad;
import static io.precis.reports.event.StoreFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.reports.token.AdServed;
import io.precis.reports.token.TokenKind;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcEventStoreTest {
    @TempDir
    Path dir;
    StoreFixture f;

    @BeforeEach
    void open() {
        f = fixture(dir);
    }

    /** The store under test; {@link PostgresEventStoreContractTest} runs every test here on PostgreSQL. */
    StoreFixture fixture(Path dir) {
        return new StoreFixture(dir);
    }

    @AfterEach
    void close() {
        f.close();
    }

    private Counts totals(String advertiser) {
        return f.report(advertiser, Dimension.CAMPAIGN).totals();
    }

    @Test
    void impressionCountsOnceWhenTheTokenIsReplayed() {
        AdServed a = ad("adv", "c1", "cr1", "CPM", 10_000_000);
        assertTrue(f.impression(a).counted());
        assertFalse(f.impression(a).counted());
        assertFalse(f.impression(a).counted());
        assertEquals(1, totals("adv").impressions());
    }

    @Test
    void replaysInsideOneBatchCountOnce() {
        AdServed a = ad("adv", "c1", "cr1", "CPC", 1_000_000);
        List<CompletableFuture<ImpressionOutcome>> imps = new ArrayList<>();
        List<CompletableFuture<ClickOutcome>> clicks = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            imps.add(f.store.recordImpression(f.token(TokenKind.IMPRESSION, a)));
        }
        imps.forEach(StoreFixture::await);
        f.clock.advance(StoreFixture.HUMAN_DELAY);
        for (int i = 0; i < 50; i++) {
            clicks.add(f.store.recordClick(f.token(TokenKind.CLICK, a), f.signer.clickId(a)));
        }
        assertEquals(1, imps.stream().map(StoreFixture::await).filter(ImpressionOutcome::counted).count());
        assertEquals(1, clicks.stream().map(StoreFixture::await).filter(ClickOutcome::counted).count());
        assertTrue(clicks.stream().map(StoreFixture::await).allMatch(ClickOutcome::valid));
        Counts t = totals("adv");
        assertEquals(1, t.impressions());
        assertEquals(1, t.clicks());
        assertEquals(1_000_000, t.spendMicros());
    }

    private ImpressionOutcome signal(AdServed a, Viewability v) {
        return await(f.store.recordImpression(f.token(TokenKind.IMPRESSION, a), v));
    }

    @Test
    void anAdTheTagRenderedButNeverSawViewableIsMeasuredOnlyNeitherCountedNorBilled() {
        AdServed a = ad("adv", "c1", "cr1", "CPM", 10_000_000);
        assertFalse(signal(a, Viewability.RENDERED).counted());
        assertFalse(signal(a, Viewability.RENDERED).counted());
        Counts t = totals("adv");
        assertEquals(0, t.impressions());
        assertEquals(1, t.measuredImpressions());
        assertEquals(0, t.viewableImpressions());
        assertEquals(0, t.spendMicros());
        assertNull(Metrics.vcpm(t));
        assertEquals(0, Metrics.viewabilityRate(t).signum());
    }

    @Test
    void aViewableAdCountsOneImpressionBilledOnceHoweverOftenItsSignalsRepeat() {
        AdServed a = ad("adv", "c1", "cr1", "CPM", 10_000_000);
        AdServed b = ad("adv", "c1", "cr1", "CPM", 10_000_000);
        signal(a, Viewability.RENDERED);
        assertTrue(signal(a, Viewability.VIEWABLE).counted());
        assertFalse(signal(a, Viewability.VIEWABLE).counted());
        assertFalse(f.impression(a).counted()); // the plain pixel of the same ad is a repeat too
        signal(b, Viewability.RENDERED);
        // Grouped by site: the k-threshold path reads the roll-up cells one by one.
        for (Counts t : List.of(totals("adv"), f.report("adv", Dimension.SITE).totals())) {
            assertEquals(1, t.impressions());
            assertEquals(2, t.measuredImpressions());
            assertEquals(1, t.viewableImpressions());
            assertEquals(10_000, t.spendMicros());
            assertEquals("0.5", Metrics.viewabilityRate(t).toPlainString());
            assertEquals("10", Metrics.vcpm(t).toPlainString());
        }
    }

    @Test
    void aViewableSignalWithoutItsRenderedOneStillCountsTheAdMeasured() {
        AdServed a = ad("adv", "c1", "cr1", "CPM", 10_000_000);
        assertTrue(signal(a, Viewability.VIEWABLE).counted());
        Counts t = totals("adv");
        assertEquals(1, t.measuredImpressions());
        assertEquals(1, t.viewableImpressions());
        assertEquals("1", Metrics.viewabilityRate(t).toPlainString());
    }

    @Test
    void theImpressionPixelAloneMeasuresNothing() {
        AdServed a = ad("adv", "c1", "cr1", "CPM", 10_000_000);
        assertTrue(f.impression(a).counted());
        Counts t = totals("adv");
        assertEquals(1, t.impressions());
        assertEquals(0, t.measuredImpressions());
        assertNull(Metrics.viewabilityRate(t));
    }

    @Test
    void clickAfterItsImpressionIsValidAndCountsOnce() {
        AdServed a = ad("adv", "c1", "cr1", "CPC", 500_000);
        f.impression(a);
        ClickOutcome first = f.click(a);
        assertEquals(new ClickOutcome(true, true, null, f.signer.clickId(a)), first);
        assertEquals(new ClickOutcome(false, true, null, f.signer.clickId(a)), f.click(a));
        assertEquals(1, totals("adv").clicks());
    }

    @Test
    void clickWithoutImpressionIsKeptAsInvalidAndNeverBilled() {
        AdServed a = ad("adv", "c1", "cr1", "CPC", 500_000);
        ClickOutcome o = f.click(a);
        assertTrue(o.counted());
        assertFalse(o.valid());
        assertEquals("no_impression", o.invalidReason());
        assertEquals(new ClickOutcome(false, false, "no_impression", o.clickId()), f.click(a));
        Counts t = totals("adv");
        assertEquals(0, t.clicks());
        assertEquals(1, t.invalidClicks());
        assertEquals(0, t.spendMicros());
    }

    @Test
    void conversionWithinTheClickWindowIsAttributedToTheClicksCampaign() {
        AdServed a = ad("adv", "c1", "cr1", "CPA", 30_000_000);
        f.impression(a);
        f.click(a);
        f.clock.advance(Duration.ofDays(7));
        assertEquals(new ConversionOutcome(true, true, "c1"), f.conversion(a, 50, null));
        Counts t = totals("adv");
        assertEquals(1, t.conversions());
        assertEquals(30_000_000, t.spendMicros());
        assertEquals(50_000_000, t.revenueMicros());
    }

    @Test
    void conversionAfterTheClickWindowIsUnattributedAndNeverCredited() {
        AdServed a = ad("adv", "c1", "cr1", "CPA", 30_000_000);
        f.impression(a);
        f.click(a);
        f.clock.advance(Duration.ofDays(7).plusMillis(1));
        assertEquals(new ConversionOutcome(true, false, null), f.conversion(a, 50, null));
        Counts t = totals("adv");
        assertEquals(0, t.conversions());
        assertEquals(0, t.spendMicros());
        assertEquals(0, t.revenueMicros());
    }

    @Test
    void conversionOfAnUnknownClickIsUnattributed() {
        assertEquals(new ConversionOutcome(true, false, null), f.conversion("no-such-click", 10, "o-1"));
    }

    @Test
    void conversionOfAnInvalidClickIsUnattributed() {
        AdServed a = ad("adv", "c1", "cr1", "CPA", 30_000_000);
        f.click(a); // no impression first
        assertEquals(new ConversionOutcome(true, false, null), f.conversion(a, 50, null));
        assertEquals(0, totals("adv").conversions());
    }

    @Test
    void attributedConversionsWithTheSameOrderIdCountOncePerCampaign() {
        AdServed a = ad("adv", "c1", "cr1", "CPA", 1_000_000);
        AdServed b = ad("adv", "c2", "cr1", "CPA", 1_000_000);
        for (AdServed x : List.of(a, b)) {
            f.impression(x);
            f.click(x);
        }
        assertEquals(new ConversionOutcome(true, true, "c1"), f.conversion(a, 10, "order-7"));
        assertEquals(new ConversionOutcome(false, true, "c1"), f.conversion(a, 10, "order-7"));
        assertEquals(new ConversionOutcome(true, true, "c2"), f.conversion(b, 10, "order-7"));
        assertEquals(new ConversionOutcome(true, true, "c1"), f.conversion(a, 10, "order-8"));
        // Without an order id a click yields one conversion of each event name ("one" counting).
        assertEquals(new ConversionOutcome(true, true, "c1"), f.conversion(a, 10, null));
        assertEquals(new ConversionOutcome(false, true, "c1"), f.conversion(a, 10, null));
        assertEquals(6 - 2, totals("adv").conversions());
    }

    @Test
    void orderIdDedupeAlsoHoldsInsideOneBatch() {
        AdServed a = ad("adv", "c1", "cr1", "CPA", 1_000_000);
        f.impression(a);
        f.click(a);
        List<CompletableFuture<ConversionOutcome>> all = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            all.add(f.store.recordConversion(new ConversionRequest(f.signer.clickId(a), "purchase", 1, "CNY", "o-1")));
        }
        assertEquals(1, all.stream().map(StoreFixture::await).filter(ConversionOutcome::counted).count());
        assertEquals(1, totals("adv").conversions());
    }

    @Test
    void everyAcknowledgedEventIsFoundAfterTheDatabaseIsReopened() {
        List<CompletableFuture<?>> acks = new ArrayList<>();
        List<AdServed> ads = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            AdServed a = ad("adv", "c" + (i % 3), "cr", "CPC", 100_000);
            ads.add(a);
            acks.add(f.store.recordImpression(f.token(TokenKind.IMPRESSION, a)));
        }
        acks.forEach(StoreFixture::await);
        f.clock.advance(StoreFixture.HUMAN_DELAY);
        for (AdServed a : ads) {
            acks.add(f.store.recordClick(f.token(TokenKind.CLICK, a), f.signer.clickId(a)));
        }
        // Not awaited: close() must drain the queue before it returns.
        f.reopen();
        acks.forEach(StoreFixture::await);
        Counts t = totals("adv");
        assertEquals(300, t.impressions());
        assertEquals(300, t.clicks());
        assertEquals(30_000_000, t.spendMicros());
        assertFalse(f.impression(ads.get(0)).counted()); // dedupe survives the restart too
    }

    @Test
    void acknowledgedEventsSurviveAnAbruptDatabaseStop() throws Exception {
        AdServed a = ad("adv", "c1", "cr1", "CPC", 100_000);
        f.impression(a);
        f.click(a);
        if (f.onPostgres()) {
            TestPostgres.server().crash(); // no shutdown checkpoint: the WAL alone has the events
            TestPostgres.server().start();
        } else {
            try (Connection c = f.ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("SHUTDOWN IMMEDIATELY"); // like a crash: nothing is flushed on the way out
            } catch (java.sql.SQLException expectedOnShutdown) {
                // H2 may report the connection closed under it
            }
        }
        f.reopen();
        Counts t = totals("adv");
        assertEquals(1, t.impressions());
        assertEquals(1, t.clicks());
    }

    @Test
    void recordingAfterCloseFailsInsteadOfHanging() {
        f.store.close();
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> f.store.recordImpression(f.token(TokenKind.IMPRESSION, ad("adv", "c", "cr", "CPM", 1))).get());
        assertInstanceOf(IllegalStateException.class, e.getCause());
        f.store.close(); // idempotent
    }

    @Test
    void nothingAboutTheUserIsStored() throws Exception {
        AdServed a = ad("adv", "c1", "cr1", "CPC", 1);
        f.impression(a);
        try (Connection c = f.ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM precis_events")) {
            List<String> cols = new ArrayList<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                cols.add(rs.getMetaData().getColumnName(i).toLowerCase());
            }
            // Descriptive fields of the ad and the event, plus the pseudonym (measurement consent only)
            // and the coarse region, and the channel (web, email...): no user id, IP, user agent or precise location.
            assertEquals(List.of("id", "kind", "at_ms", "utc_day", "advertiser_id", "campaign_id", "creative_id",
                    "slot", "site", "matched_by", "bid_model", "price_micros", "cost_nanos", "value_micros",
                    "currency", "event_name", "is_valid", "reason", "click_id", "order_id", "dedupe_key",
                    "pseudonym", "region", "channel"), cols);
            assertTrue(rs.next());
            assertNull(rs.getString("reason"));
            assertNull(rs.getString("pseudonym")); // this ad was served without measurement consent
        }
    }
}
