package io.precis.reports.event;

import static io.precis.reports.event.StoreFixture.ad;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.reports.budget.SpendLimits;
import io.precis.reports.invalid.InvalidClickPolicy;
import io.precis.reports.privacy.ReportPolicy;
import io.precis.reports.privacy.UserSketch;
import io.precis.reports.token.AdServed;
import io.precis.reports.token.TokenKind;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three event stores (three gateways) write to one PostgreSQL database at once: the same
 * pixels fire through all of them (a replay across instances), into the same roll-up cells.
 * No acknowledged event fails, a replay counts once whichever instance saw it first, and no
 * roll-up update is lost: the report's totals equal the events table's.
 */
class SharedPostgresWritersTest {
    @TempDir
    Path dir;

    @Test
    void threeWritersCountEveryEventOnceAndLoseNoRollupUpdate() throws Exception {
        StoreFixture f = StoreFixture.onPostgres(dir);
        List<JdbcEventStore> stores = new ArrayList<>();
        stores.add(f.store);
        for (int i = 0; i < 2; i++) {
            stores.add(new JdbcEventStore(f.ds, f.clock, AttributionPolicy.DEFAULTS, InvalidClickPolicy.DEFAULTS,
                    ReportPolicy.DEFAULTS, SpendLimits.NONE, new Random(i)));
        }
        int ads = 400;
        List<AdServed> served = new ArrayList<>();
        for (int i = 0; i < ads; i++) {
            // Four campaigns, so every writer's batches add to the same few roll-up cells.
            served.add(ad("adv", "c" + (i % 4), "cr", "CPM", 2_000_000, "p" + i, "CN-11", "news.example",
                    List.of("contextual")));
        }
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<CompletableFuture<ImpressionOutcome>>> sent = new ArrayList<>();
            for (AdServed a : served) {
                for (JdbcEventStore store : stores) { // each pixel reaches every instance
                    sent.add(pool.submit(() -> store.recordImpression(f.token(TokenKind.IMPRESSION, a))));
                }
            }
            int counted = 0;
            for (Future<CompletableFuture<ImpressionOutcome>> s : sent) {
                if (StoreFixture.await(s.get()).counted()) { // await fails the test on any failed event
                    counted++;
                }
            }
            assertEquals(ads, counted, "each impression counted by exactly one instance");
        } finally {
            pool.shutdown();
            for (JdbcEventStore s : stores.subList(1, stores.size())) {
                s.close();
            }
        }
        Counts totals = f.report("adv", Dimension.CAMPAIGN).totals();
        assertEquals(ads, totals.impressions());
        assertEquals(ads * 2_000L, totals.spendMicros(), "CPM 2.00 each: 0.002 per impression");
        try (Connection c = f.ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM precis_events WHERE kind = 'imp'")) {
            assertTrue(rs.next());
            assertEquals(ads, rs.getLong(1), "one row per impression, however many instances saw it");
        }
        try (Connection c = f.ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT sum(impressions) FROM precis_rollups WHERE grain = 'hc'")) {
            assertTrue(rs.next());
            assertEquals(ads, rs.getLong(1), "no roll-up update lost between writers");
        }
        // The users of each cell, one distinct user per impression: the bounded hash sets merge
        // under the row locks, so no writer's user is lost (the cell keeps the 32 smallest hashes).
        try (Connection c = f.ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT campaign_id, users FROM precis_rollups WHERE grain = 'dc'")) {
            int cells = 0;
            while (rs.next()) {
                String campaign = rs.getString(1);
                UserSketch want = UserSketch.EMPTY;
                for (AdServed a : served) {
                    want = a.campaignId().equals(campaign) ? want.merge(UserSketch.of(a.pseudonym())) : want;
                }
                assertArrayEquals(want.toBytes(), rs.getBytes(2), campaign);
                cells++;
            }
            assertEquals(4, cells);
        }
        f.close();
    }
}
