package io.precis.reports.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.reports.reach.ReachSet;
import io.precis.reports.token.AdServed;
import io.precis.reports.token.TokenKind;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reach and frequency through the store: many users, seen on several days and in several
 * regions, counted once in a union (HLL once large), and the one-time backfill of migrations
 * V5 (reach from the raw events), V6 (pair grains from the full grain) and V9 (blocks of days and
 * the advertiser-wide grain from the daily cells).
 */
class ReachReportTest {
    private static final String ADV = "adv-r";
    private static final String[] REGIONS = {"CN-11", "CN-31", "CN-44"};

    /** {@link PostgresReachReportTest} runs the same on PostgreSQL. */
    StoreFixture fixture(Path dir) {
        return new StoreFixture(dir);
    }

    /** {@code users} users with measurement consent, each shown one ad on each of {@code days} days. */
    private static void everyUserEveryDay(StoreFixture f, int users, int days) {
        List<CompletableFuture<ImpressionOutcome>> pending = new ArrayList<>();
        for (int d = 0; d < days; d++) {
            f.clock.set(StoreFixture.T0.plus(Duration.ofDays(d)));
            for (int u = 0; u < users; u++) {
                AdServed ad = StoreFixture.ad(ADV, "c1", "cr" + (u % 2), "CPM", 1_000_000, "user-" + u,
                        REGIONS[(u + d) % REGIONS.length], "s" + (u % 2) + ".example.cn", List.of("contextual"));
                pending.add(f.store.recordImpression(f.token(TokenKind.IMPRESSION, ad)));
            }
            pending.forEach(StoreFixture::await);
            pending.clear();
        }
        // One impression without measurement consent: counted, but in no one's reach.
        f.impression(StoreFixture.ad(ADV, "c1", "cr0", "CPM", 1_000_000));
    }

    @Test
    void reachOverDaysCountsEachUserOnceExactlyWhileSmall(@TempDir Path dir) {
        try (StoreFixture f = fixture(dir)) {
            everyUserEveryDay(f, 40, 3);
            Report byCampaign = f.report(ADV, Dimension.CAMPAIGN);
            ReportRow row = byCampaign.rows().getFirst();
            assertEquals(121, row.counts().impressions());
            assertEquals(new Reach(40L, 120L, false), row.reach());
            assertEquals(new java.math.BigDecimal("3"), Metrics.frequency(row.reach()));
            // Each day's row reaches all 40; the report's total is their union, not 3 × 40.
            Report byDay = f.report(ADV, Dimension.DAY);
            byDay.rows().forEach(r -> assertEquals(40L, r.reach().uniqueUsers(), r.toString()));
            assertEquals(new Reach(40L, 120L, false), byDay.totalReach());
            // Two thresholded dimensions (a pair grain): users moved regions by day, still counted once.
            Report byRegionSite = f.report(ADV, Dimension.REGION, Dimension.SITE);
            assertEquals(new Reach(40L, 120L, false), byRegionSite.totalReach());
            assertEquals(6, byRegionSite.rows().size());
        }
    }

    @Test
    void largeReachIsAHyperLogLogEstimateWithinTheStatedError(@TempDir Path dir) {
        int users = 3 * ReachSet.PROMOTE_ABOVE + 500;
        try (StoreFixture f = fixture(dir)) {
            everyUserEveryDay(f, users, 2);
            double rse = Double.parseDouble(ReachSet.RSE_PERCENT) / 100;
            for (Dimension d : List.of(Dimension.CAMPAIGN, Dimension.CREATIVE, Dimension.REGION)) {
                Report r = f.report(ADV, d);
                Reach total = r.totalReach();
                assertTrue(total.estimated(), d + ": " + total);
                assertEquals(users, total.uniqueUsers(), 4 * rse * users, d + ": " + total);
                assertEquals(2L * users, total.impressions());
            }
        }
    }

    @Test
    void migrationsFillReachFromKeptEventsAndPairGrainsFromTheFullGrain(@TempDir Path dir) throws Exception {
        try (StoreFixture f = fixture(dir)) {
            everyUserEveryDay(f, 30, 3);
            Report before = f.report(ADV, Dimension.REGION, Dimension.SITE);
            Report beforeDays = f.report(ADV, Dimension.DAY);
            try (Connection c = f.ds.getConnection(); Statement s = c.createStatement()) {
                // The roll-ups as a store before issue 14 left them, then day 0's raw events deleted.
                s.executeUpdate("UPDATE precis_rollups SET reach_impressions = NULL, reach = NULL");
                s.executeUpdate("DELETE FROM precis_rollups WHERE grain IN ('tr', 'ts', 'rs')");
                s.executeUpdate("DELETE FROM precis_events WHERE at_ms < "
                        + StoreFixture.T0.plus(Duration.ofHours(12)).toEpochMilli());
                c.setAutoCommit(false);
                RollupBackfill.reachFromEvents(c);
                RollupBackfill.pairGrains(c);
                c.commit();
            }
            Report after = f.report(ADV, Dimension.REGION, Dimension.SITE);
            assertEquals(before.rows().stream().map(ReportRow::counts).toList(),
                    after.rows().stream().map(ReportRow::counts).toList());
            assertEquals(before.totals(), after.totals());
            assertTrue(after.totalReach().withheld(), "day 0's events are gone: its reach is unknown");
            Report days = f.report(ADV, Dimension.DAY);
            assertTrue(days.rows().get(0).reach().withheld());
            assertEquals(beforeDays.rows().get(1).reach(), days.rows().get(1).reach());
            assertEquals(new Reach(30L, 30L, false), days.rows().get(2).reach());
            assertFalse(days.rows().get(2).reach().withheld());
        }
    }

    @Test
    void migrationFillsBlocksOfDaysAndTheAdvertiserGrainFromTheDailyCells(@TempDir Path dir) throws Exception {
        try (StoreFixture f = fixture(dir)) {
            everyUserEveryDay(f, 30, 9);
            List<ReportQuery> queries = new ArrayList<>();
            for (List<Dimension> groupBy : List.of(List.of(Dimension.TARGETING, Dimension.REGION, Dimension.SITE),
                    List.of(Dimension.REGION, Dimension.SITE), List.of(Dimension.CAMPAIGN), List.of(Dimension.REGION))) {
                for (int from = -1; from < 9; from += 2) {
                    LocalDate first = StoreFixture.DAY0.plusDays(from);
                    queries.add(new ReportQuery(ADV, first, first.plusDays(1 + 2L * from), groupBy, null));
                }
            }
            List<Report> before = queries.stream().map(f::report).toList();
            try (Connection c = f.ds.getConnection(); Statement s = c.createStatement()) {
                // The roll-ups as a store before V9 left them: no blocks, no advertiser-wide grain.
                s.executeUpdate("DELETE FROM precis_rollups WHERE grain NOT IN "
                        + "('dc', 'dt', 'dr', 'ds', 'tr', 'ts', 'rs', 'df', 'hc')");
                assertEquals(0, f.report(queries.get(2)).totals().impressions(), "reports read the blocks");
                c.setAutoCommit(false);
                RollupBackfill.periodBlocks(c);
                c.commit();
            }
            for (int q = 0; q < queries.size(); q++) {
                assertEquals(before.get(q), f.report(queries.get(q)), queries.get(q).toString());
            }
            assertEquals(121, before.get(3).totals().impressions(), "days 5 to 8, and the one without consent");
            assertEquals(new Reach(30L, 120L, false), before.get(3).totalReach());
        }
    }
}
