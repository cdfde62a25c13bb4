package io.precis.reports.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.reports.privacy.ReportPolicy;
import io.precis.reports.token.AdServed;
import io.precis.reports.token.TokenKind;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Concurrency: a report read while the writer packs closed periods ({@link RollupPacker} moves
 * each period's cells from the cell table into its packs, one transaction per few periods) is
 * the same report as before the packing. The report reads the packs and the cells of the same
 * moment; read at two moments, a period packed in between would be in neither (or, the other way
 * round, in both).
 */
class ReportWhilePackingTest {
    private static final String ADV = "adv-w";
    private static final int DAYS = 40;
    /**
     * Few enough that every reach is an exact set (ReachSet.PROMOTE_ABOVE): an estimate's last
     * digit depends on the order its cells are read in, which packing changes.
     */
    private static final int USERS = 100;
    private static final List<List<Dimension>> SHAPES = List.of(
            List.of(Dimension.CAMPAIGN, Dimension.CREATIVE, Dimension.DAY, Dimension.TARGETING, Dimension.REGION,
                    Dimension.SITE),
            List.of(Dimension.REGION, Dimension.SITE), List.of(Dimension.CAMPAIGN, Dimension.DAY),
            List.of(Dimension.CAMPAIGN, Dimension.CREATIVE, Dimension.HOUR));
    private static final String[] REGIONS = {"CN-11", "CN-31", "CN-44", null};
    private static final String[] SITES = {"a.example.cn", "b.example.cn", "c.example.cn"};

    /** The store under test; {@link PostgresReportWhilePackingTest} runs the same on PostgreSQL. */
    StoreFixture fixture(Path dir) {
        return new StoreFixture(dir, AttributionPolicy.DEFAULTS, ReportPropertyTest.CLICKS,
                new ReportPolicy(3, 0));
    }

    @Test
    void aReportReadWhilePeriodsArePackedIsTheReportOfOneMoment(@TempDir Path dir) throws Exception {
        Random r = new Random(11);
        int overlapped = 0;
        try (StoreFixture f = fixture(dir)) {
            for (int round = 0; round < 3; round++) {
                record(f, r, 1_500);
                f.clock.set(StoreFixture.DAY0.plusDays(DAYS + 2).atStartOfDay(ZoneOffset.UTC).toInstant());
                List<Report> before = reports(f);
                assertTrue(before.getFirst().totals().impressions() > 0, "events recorded");
                CompletableFuture<Long> packing = CompletableFuture.supplyAsync(f.store::packClosedPeriods);
                while (!packing.isDone()) {
                    List<Report> during = reports(f);
                    for (int s = 0; s < SHAPES.size(); s++) {
                        Report b = before.get(s);
                        Report d = during.get(s);
                        // Compared whole; told in short (a report's rows run to pages).
                        assertTrue(b.rows().equals(d.rows()) && b.totals().equals(d.totals()),
                                "round " + round + ", " + SHAPES.get(s) + ": " + b.rows().size() + " rows of "
                                        + b.totals().impressions() + " impressions before packing, " + d.rows().size()
                                        + " rows of " + d.totals().impressions() + " while packing");
                    }
                    overlapped++;
                }
                assertTrue(packing.get() > 100, "periods packed");
                assertEquals(before, reports(f), "after packing, round " + round);
            }
        }
        assertTrue(overlapped >= 3, "reports read while packing: " + overlapped);
    }

    private static List<Report> reports(StoreFixture f) {
        List<Report> out = new ArrayList<>();
        for (List<Dimension> groupBy : SHAPES) {
            out.add(f.report(new ReportQuery(ADV, StoreFixture.DAY0, StoreFixture.DAY0.plusDays(DAYS), groupBy, null)));
        }
        return out;
    }

    /** {@code n} impressions over the {@value #DAYS} days, each acknowledged. */
    private static void record(StoreFixture f, Random r, int n) throws InterruptedException, ExecutionException,
            TimeoutException {
        Instant start = StoreFixture.DAY0.atStartOfDay(ZoneOffset.UTC).toInstant();
        List<Instant> times = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            times.add(start.plusSeconds(r.nextInt(DAYS * 86_400)));
        }
        java.util.Collections.sort(times);
        List<CompletableFuture<ImpressionOutcome>> pending = new ArrayList<>();
        for (Instant at : times) {
            f.clock.set(at);
            AdServed ad = StoreFixture.ad(ADV, "c" + r.nextInt(3), "cr" + r.nextInt(2), "CPM", 1_000_000,
                    "user-" + r.nextInt(USERS), REGIONS[r.nextInt(REGIONS.length)], SITES[r.nextInt(SITES.length)],
                    List.of("contextual"));
            pending.add(f.store.recordImpression(f.token(TokenKind.IMPRESSION, ad)));
        }
        for (CompletableFuture<ImpressionOutcome> p : pending) {
            p.get(30, TimeUnit.SECONDS);
        }
    }
}
