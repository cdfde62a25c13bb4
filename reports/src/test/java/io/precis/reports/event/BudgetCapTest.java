package io.precis.reports.event;

import static io.precis.reports.event.StoreFixture.ad;
import static io.precis.reports.event.StoreFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.reports.budget.Charge;
import io.precis.reports.token.AdServed;
import io.precis.reports.token.TokenKind;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer's budget guard: ads served before a budget was reached may still be seen, clicked
 * and converted afterwards; each such event is stored and counted, but charged only what the
 * budget has left, so the report's spend ends exactly at the budget.
 */
class BudgetCapTest {
    /** One currency unit in micros, and in nanos. */
    private static final long UNIT_MICROS = 1_000_000;
    private static final long UNIT_NANOS = 1_000_000_000;

    @TempDir
    Path dir;
    final TestBudgets budgets = new TestBudgets();
    StoreFixture f;

    @AfterEach
    void close() {
        if (f != null) {
            f.close();
        }
    }

    private StoreFixture open() {
        f = new StoreFixture(dir, budgets);
        return f;
    }

    private Counts totals(String advertiser, String campaign) {
        return f.report(advertiser, campaign, Dimension.CAMPAIGN).totals();
    }

    private List<AdServed> shown(String campaign, String model, long priceMicros, int n) {
        List<AdServed> ads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            AdServed a = ad("adv", campaign, "cr1", model, priceMicros);
            f.impression(a);
            ads.add(a);
        }
        f.clock.advance(StoreFixture.HUMAN_DELAY);
        return ads;
    }

    /**
     * Runs {@code enqueue} while the writer is held inside a charged() call, then lets it go:
     * everything enqueued meanwhile is then written as one batch.
     */
    private void asOneBatch(Runnable enqueue) {
        CountDownLatch release = budgets.holdNextCall();
        // An unlimited CPM impression of another advertiser: charged, so the writer stops in charged().
        CompletableFuture<ImpressionOutcome> primer =
                f.store.recordImpression(f.token(TokenKind.IMPRESSION, ad("other", "primer", "cr1", "CPM", 1000)));
        budgets.awaitHeld();
        enqueue.run();
        release.countDown();
        await(primer);
    }

    private static long sum(List<Charge> charges) {
        return charges.stream().mapToLong(Charge::costNanos).sum();
    }

    @Test
    void clicksInOneBatchAreChargedUpToTheBudgetExactlyAndAllStillCount() {
        open();
        budgets.budget("c1", 3 * UNIT_NANOS + UNIT_NANOS / 2); // three and a half clicks at 1.0
        List<AdServed> ads = shown("c1", "CPC", UNIT_MICROS, 20);
        List<CompletableFuture<ClickOutcome>> clicks = new ArrayList<>();
        asOneBatch(() -> ads.forEach(a ->
                clicks.add(f.store.recordClick(f.token(TokenKind.CLICK, a), f.signer.clickId(a)))));

        List<ClickOutcome> outcomes = clicks.stream().map(StoreFixture::await).toList();
        assertTrue(outcomes.stream().allMatch(o -> o.counted() && o.valid()));
        assertEquals(List.of(false, false, false, true, true), outcomes.stream().limit(5).map(ClickOutcome::capped).toList());
        assertEquals(17, outcomes.stream().filter(ClickOutcome::capped).count());
        assertEquals(2, budgets.calls.size(), "the primer's batch, then all 20 clicks in one batch");
        assertEquals(List.of(UNIT_NANOS, UNIT_NANOS, UNIT_NANOS, UNIT_NANOS / 2),
                budgets.calls.get(1).stream().map(Charge::costNanos).toList());
        Counts t = totals("adv", "c1");
        assertEquals(20, t.clicks());
        assertEquals(3 * UNIT_MICROS + UNIT_MICROS / 2, t.spendMicros());
        assertEquals(t.spendMicros() * 1000, budgets.spentNanos("c1"));
    }

    @Test
    void clicksAcrossBatchesStopBeingChargedAtTheBudget() {
        open();
        budgets.budget("c1", 2 * UNIT_NANOS + UNIT_NANOS / 2);
        List<AdServed> ads = shown("c1", "CPC", UNIT_MICROS, 10);
        List<ClickOutcome> outcomes = ads.stream().map(f::click).toList(); // one batch each
        assertTrue(outcomes.stream().allMatch(o -> o.counted() && o.valid()));
        assertEquals(8, outcomes.stream().filter(ClickOutcome::capped).count());
        assertEquals(3, budgets.calls.size(), "two full charges and the rest; nothing once it is spent");
        Counts t = totals("adv", "c1");
        assertEquals(10, t.clicks());
        assertEquals(2 * UNIT_MICROS + UNIT_MICROS / 2, t.spendMicros());
    }

    @Test
    void cpmImpressionsArriveAfterTheBudgetIsSpentAndCostNothing() {
        open();
        // CPM 10.0: 0.01 an impression (10,000,000 nanos); the budget pays for three and a half.
        long perImpression = 10_000_000;
        budgets.budget("c1", 3 * perImpression + perImpression / 2);
        List<ImpressionOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            outcomes.add(f.impression(ad("adv", "c1", "cr1", "CPM", 10 * UNIT_MICROS)));
        }
        assertTrue(outcomes.stream().allMatch(ImpressionOutcome::counted));
        assertEquals(List.of(false, false, false, true, true), outcomes.stream().limit(5).map(ImpressionOutcome::capped).toList());
        Counts t = totals("adv", "c1");
        assertEquals(10, t.impressions());
        assertEquals(35_000, t.spendMicros());
    }

    @Test
    void cpaConversionsAfterTheBudgetIsSpentCountButCostNothing() {
        open();
        budgets.budget("c1", 45 * UNIT_NANOS); // one and a half conversions at 30
        List<AdServed> ads = shown("c1", "CPA", 30 * UNIT_MICROS, 5);
        ads.forEach(f::click);
        List<ConversionOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < ads.size(); i++) {
            outcomes.add(f.conversion(ads.get(i), 100, "order-" + i));
        }
        assertTrue(outcomes.stream().allMatch(o -> o.counted() && o.attributed()));
        assertEquals(List.of(false, true, true, true, true), outcomes.stream().map(ConversionOutcome::capped).toList());
        Counts t = totals("adv", "c1");
        assertEquals(5, t.clicks());
        assertEquals(5, t.conversions());
        assertEquals(45 * UNIT_MICROS, t.spendMicros());
        assertEquals(500 * UNIT_MICROS, t.revenueMicros());
    }

    @Test
    void eachCampaignOfABatchIsCappedByItsOwnBudget() {
        open();
        budgets.budget("small", UNIT_NANOS + UNIT_NANOS / 2).budget("large", 10 * UNIT_NANOS);
        List<AdServed> small = shown("small", "CPC", UNIT_MICROS, 5);
        List<AdServed> large = shown("large", "CPC", UNIT_MICROS, 5);
        List<CompletableFuture<ClickOutcome>> clicks = new ArrayList<>();
        asOneBatch(() -> {
            for (int i = 0; i < 5; i++) {
                for (AdServed a : List.of(small.get(i), large.get(i))) {
                    clicks.add(f.store.recordClick(f.token(TokenKind.CLICK, a), f.signer.clickId(a)));
                }
            }
        });
        clicks.forEach(StoreFixture::await);
        assertEquals(UNIT_MICROS + UNIT_MICROS / 2, totals("adv", "small").spendMicros());
        assertEquals(5 * UNIT_MICROS, totals("adv", "large").spendMicros());
        assertEquals(5, totals("adv", "small").clicks());
    }

    @Test
    void withoutABudgetEveryEventIsChargedInFull() {
        open();
        List<AdServed> ads = shown("unlimited", "CPC", UNIT_MICROS, 20);
        List<CompletableFuture<ClickOutcome>> clicks = new ArrayList<>();
        asOneBatch(() -> ads.forEach(a ->
                clicks.add(f.store.recordClick(f.token(TokenKind.CLICK, a), f.signer.clickId(a)))));
        assertTrue(clicks.stream().map(StoreFixture::await).noneMatch(ClickOutcome::capped));
        assertEquals(20 * UNIT_MICROS, totals("adv", "unlimited").spendMicros());
        assertEquals(20 * UNIT_NANOS, sum(budgets.calls.get(1)));
    }

    @Test
    void aRolledBackBatchIsNeverReportedAsCharged() throws Exception {
        open();
        budgets.budget("c1", 10 * UNIT_NANOS);
        AtomicBoolean failCommits = new AtomicBoolean();
        f.store.close();
        f.store = new JdbcEventStore(failingCommits(f.ds, failCommits), f.clock, f.attribution, f.clicks,
                f.reports, budgets, new Random(7));
        AdServed a = shown("c1", "CPC", UNIT_MICROS, 1).get(0);

        failCommits.set(true);
        CompletableFuture<ClickOutcome> failed = f.store.recordClick(f.token(TokenKind.CLICK, a), f.signer.clickId(a));
        ExecutionException e = assertThrows(ExecutionException.class, () -> failed.get(30, TimeUnit.SECONDS));
        assertInstanceOf(SQLException.class, e.getCause());
        assertTrue(budgets.calls.isEmpty());
        assertEquals(0, totals("adv", "c1").clicks());

        failCommits.set(false);
        ClickOutcome retried = f.click(a);
        assertTrue(retried.counted() && !retried.capped());
        assertEquals(List.of(List.of(UNIT_NANOS)),
                budgets.calls.stream().map(c -> c.stream().map(Charge::costNanos).toList()).toList());
        assertEquals(UNIT_MICROS, totals("adv", "c1").spendMicros());
    }

    @Test
    void aFailingLedgerDoesNotFailEventsThatAreAlreadyDurable() {
        open();
        budgets.budget("c1", 10 * UNIT_NANOS);
        AdServed a = shown("c1", "CPC", UNIT_MICROS, 1).get(0);
        budgets.failure = new IllegalStateException("ledger unavailable");
        ClickOutcome o = f.click(a);
        assertTrue(o.counted() && o.valid());
        assertEquals(1, budgets.calls.size());
        assertEquals(1, totals("adv", "c1").clicks());
        assertEquals(UNIT_MICROS, totals("adv", "c1").spendMicros());
    }

    @Test
    void repeatsAreNeitherChargedNorCapped() {
        open();
        budgets.budget("c1", UNIT_NANOS);
        AdServed a = shown("c1", "CPC", UNIT_MICROS, 1).get(0);
        assertFalse(f.click(a).capped());
        ClickOutcome repeat = f.click(a);
        assertFalse(repeat.counted());
        assertFalse(repeat.capped());
        assertEquals(1, budgets.calls.size());
        assertEquals(UNIT_MICROS, totals("adv", "c1").spendMicros());
    }

    /** {@code ds}, whose connections fail every commit while {@code fail} is set. */
    private static DataSource failingCommits(DataSource ds, AtomicBoolean fail) {
        return proxy(DataSource.class, ds, (name, result) -> result instanceof Connection c
                ? proxy(Connection.class, c, (n, r) -> r, fail) : result, null);
    }

    private interface Then {
        Object apply(String method, Object result);
    }

    private static <T> T proxy(Class<T> type, T target, Then then, AtomicBoolean failCommits) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, args) -> {
            if (failCommits != null && failCommits.get() && m.getName().equals("commit")) {
                throw new SQLException("commit failed (injected)");
            }
            try {
                return then.apply(m.getName(), m.invoke(target, args));
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }));
    }
}
