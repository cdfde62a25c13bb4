package io.precis.reports.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.consent.identity.Pseudonym;
import io.precis.reports.invalid.ClickContext;
import io.precis.reports.privacy.ReportPolicy;
import io.precis.reports.token.AdServed;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Raw events older than the retention horizon are deleted; the roll-ups stay, so every report
 * of the old period keeps every figure, and so do the invalid-click reasons, while what only the
 * raw events answer (personal exports) is gone for that period.
 */
class EventRetentionTest {
    private static final List<List<Dimension>> BREAKDOWNS = List.of(List.of(Dimension.CAMPAIGN),
            List.of(Dimension.CREATIVE, Dimension.DAY), List.of(Dimension.CAMPAIGN, Dimension.HOUR),
            List.of(Dimension.TARGETING), List.of(Dimension.REGION, Dimension.SITE),
            List.of(Dimension.SITE, Dimension.TARGETING, Dimension.REGION));

    /** The store under test; {@link PostgresEventRetentionTest} runs the same on PostgreSQL. */
    StoreFixture fixture(Path dir) {
        return new StoreFixture(dir);
    }

    /** Old traffic at DAY0, then 401 days later one more impression; the old events go, the new one stays. */
    @Test
    void expiredEventsAreDeletedAndEveryReportOfTheirPeriodKeepsItsFigures(@TempDir Path dir) throws SQLException {
        try (StoreFixture f = fixture(dir)) {
            oldTraffic(f);
            List<Report> before = reports(f);
            List<InvalidClickReasons.Row> oldInvalid =
                    f.store.invalidClickReasons("adv", StoreFixture.DAY0, StoreFixture.DAY0);
            assertEquals(List.of(new InvalidClickReasons.Row("c0", "too_fast", 1)), oldInvalid);
            long old = events(f);

            f.clock.advance(Duration.ofDays(401));
            f.impression(ad(0));
            assertEquals(old, f.store.purgeExpiredEvents(), "every event before the horizon, no other");
            assertEquals(1, events(f));
            assertEquals(before, reports(f), "reports read the roll-ups, which are kept");
            assertEquals(oldInvalid, f.store.invalidClickReasons("adv", StoreFixture.DAY0, StoreFixture.DAY0),
                    "invalid-click reasons are summed apart from the events too");
            assertEquals(1, f.store.linkedTo(List.of(new Pseudonym("user-0"))).size(), "only the new event");
            assertEquals(0, f.store.purgeExpiredEvents(), "nothing more to delete");
        }
    }

    @Test
    void aShorterHorizonDeletesSoonerAndEventsWithinItStay(@TempDir Path dir) throws SQLException {
        try (StoreFixture f = fixture(dir)) {
            oldTraffic(f);
            long old = events(f);
            f.clock.advance(Duration.ofDays(40));
            assertEquals(0, f.store.purgeExpiredEvents(), "40 days are within the default 400");
            assertEquals(old, events(f));
            f.store.retainEventsFor(Duration.ofDays(30));
            assertEquals(old, f.store.purgeExpiredEvents());
            assertEquals(0, events(f));
            assertThrows(IllegalArgumentException.class, () -> f.store.retainEventsFor(Duration.ofHours(1)));
        }
    }

    /** The writer deletes expired events by itself when it starts (then hourly), without being asked. */
    @Test
    void theWriterDeletesExpiredEventsOnItsOwn(@TempDir Path dir) throws Exception {
        try (StoreFixture f = fixture(dir)) {
            oldTraffic(f);
            assertTrue(events(f) > 0);
            f.clock.advance(Duration.ofDays(401));
            f.reopen();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (events(f) > 0 && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
            }
            assertEquals(0, events(f));
            assertFalse(f.report("adv", Dimension.CAMPAIGN).rows().isEmpty(), "the roll-ups stay");
        }
    }

    /** Impressions of 12 users over three campaigns, a valid and an invalid (too fast) click. */
    private static void oldTraffic(StoreFixture f) {
        for (int i = 0; i < 36; i++) {
            f.clock.advance(Duration.ofMinutes(7));
            AdServed ad = ad(i);
            f.impression(ad);
            if (i % 9 == 0) {
                f.click(ad);
            }
        }
        AdServed fast = ad(99);
        f.impression(fast);
        StoreFixture.await(f.store.recordClick(f.token(io.precis.reports.token.TokenKind.CLICK, fast),
                f.signer.clickId(fast), ClickContext.NONE));
    }

    private static AdServed ad(int i) {
        return StoreFixture.ad("adv", "c" + i % 3, "cr" + i % 2, "CPM", 2_000_000, "user-" + i % 12,
                i % 4 == 0 ? null : "CN-1" + i % 3, "s" + i % 2 + ".example.cn", i % 2 == 0 ? List.of() : List.of("geo"));
    }

    private static List<Report> reports(StoreFixture f) {
        List<Report> out = new ArrayList<>();
        for (List<Dimension> groupBy : BREAKDOWNS) {
            for (int k : new int[] {1, 3}) {
                out.add(f.report(new ReportQuery("adv", StoreFixture.DAY0.minusDays(1), StoreFixture.DAY0.plusDays(1),
                        groupBy, null, new ReportPolicy(k, 0))));
            }
        }
        assertTrue(out.stream().allMatch(r -> !r.rows().isEmpty()));
        assertTrue(Set.copyOf(out).size() > 1);
        return out;
    }

    private static long events(StoreFixture f) throws SQLException {
        try (Connection c = f.ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM precis_events")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
