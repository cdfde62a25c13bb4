package io.precis.gateway.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.devservices.LocalPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The change feed heals what a notification alone would lose: a change written without a
 * NOTIFY (as when the listener's connection was down) and a change that commits after one with
 * a higher number both reach the other gateway; a change made before the feed started is not
 * applied again.
 */
class ChangeFeedTest {
    private static void waitFor(List<String> seen, String id) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!seen.contains(id)) {
            assertTrue(System.nanoTime() < deadline, id + " reached the listener; saw " + seen);
            Thread.sleep(10);
        }
    }

    @Test
    void missedNotificationsAndLateCommitsAreCaughtUpFromTheTable() throws Exception {
        try (Database db = Database.connect(LocalPostgres.shared().createDatabase(), 4)) {
            new ChangeFeed(db, Clock.systemUTC()).publish(ChangeFeed.CAMPAIGN, "before");
            List<String> seen = new CopyOnWriteArrayList<>();
            try (ChangeFeed feed = new ChangeFeed(db, Clock.systemUTC())) {
                feed.on(ChangeFeed.CAMPAIGN, seen::add).start();
                new ChangeFeed(db, Clock.systemUTC()).publish(ChangeFeed.CAMPAIGN, "notified");
                waitFor(seen, "notified");
                try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                    s.execute("INSERT INTO precis_changes (kind, item_id, at_ms) VALUES ('campaign', 'silent', 0)");
                }
                waitFor(seen, "silent");
                try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                    s.execute("INSERT INTO precis_changes (seq, kind, item_id, at_ms) VALUES (10, 'campaign', 'ten', 0)");
                }
                waitFor(seen, "ten");
                try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                    // Numbered 9, below the highest applied: it was given its number first, committed last.
                    s.execute("INSERT INTO precis_changes (seq, kind, item_id, at_ms) VALUES (9, 'campaign', 'late', 0)");
                }
                waitFor(seen, "late");
                assertEquals(List.of("notified", "silent", "ten", "late"), seen, "each once, the one before the start never");
            }
        }
    }

    @Test
    void aSegmentRuleDefinedThroughOneGatewayIsReadBackByAnother() throws Exception {
        try (Database db = Database.connect(LocalPostgres.shared().createDatabase(), 4);
             ChangeFeed feedA = new ChangeFeed(db, Clock.systemUTC());
             ChangeFeed feedB = new ChangeFeed(db, Clock.systemUTC())) {
            io.precis.gateway.behaviour.SegmentRuleStore onA = new io.precis.gateway.behaviour.SegmentRuleStore(db, feedA);
            io.precis.gateway.behaviour.SegmentRuleStore onB = new io.precis.gateway.behaviour.SegmentRuleStore(db, feedB);
            List<io.precis.matcher.segment.SegmentRule> defined = new CopyOnWriteArrayList<>();
            feedB.on(ChangeFeed.SEGMENT_RULE, id -> onB.find(id).ifPresent(defined::add)).start();
            onA.save(new io.precis.matcher.segment.SegmentRule("interest:running", List.of("running shoes"), 2, 30));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (defined.isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "the rule reached gateway B");
                Thread.sleep(10);
            }
            assertEquals("interest:running", defined.getFirst().id());
            assertEquals(List.of("running shoes"), defined.getFirst().keywords());
        }
    }
}
