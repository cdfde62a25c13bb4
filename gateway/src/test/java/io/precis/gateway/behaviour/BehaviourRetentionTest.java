package io.precis.gateway.behaviour;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.consent.MutableClock;
import io.precis.gateway.TestGateway;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The 180-day retention of behaviour, end to end: what the person sees in {@code /v1/me} and
 * what is left in storage once events are older, over a clock the test moves.
 */
class BehaviourRetentionTest {
    private static final String USER = "reader-retention";

    @TempDir
    Path dir;

    @Test
    void behaviourOlderThan180DaysLeavesMeAndTheDiskWhileNewerBehaviourStays() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-10T12:00:00Z"));
        String publisher;
        try (TestGateway gw = TestGateway.start(dir, c -> c, clock)) {
            publisher = gw.account("publisher", "Pub");
            assertEquals(200, gw.put("/v1/consent?user=" + USER,
                    "{\"purposes\": {\"personalisation\": true, \"profiling\": true}}", publisher).status());
            Instant now = clock.instant();
            TestGateway.Resp r = gw.post("/v1/behaviour", events(
                    event(now.minus(Duration.ofDays(170)), "old green tea"), event(now, "new coffee")), publisher);
            assertEquals(202, r.status(), r.body());
            assertEquals(2, r.json().get("accepted").asInt(), r.body());
            assertEquals(List.of("old green tea", "new coffee"), queries(gw, publisher));

            clock.advance(Duration.ofDays(20)); // the old event is now 190 days old, the new one 20
            assertEquals(List.of("new coffee"), queries(gw, publisher));
            assertEquals(202, gw.post("/v1/behaviour", events(event(clock.instant(), "newest oolong")), publisher)
                    .status());
            assertEquals(List.of("new coffee", "newest oolong"), queries(gw, publisher));
        }
        // A restart sweeps expired records from the disk (then every hour while it runs).
        try (TestGateway gw = TestGateway.start(dir, c -> c, clock)) {
            assertEquals(List.of("new coffee", "newest oolong"), queries(gw, publisher));
        }
        long cutoffDay = clock.instant().minus(Duration.ofDays(180)).getEpochSecond() / 86_400;
        try (Connection c = DriverManager.getConnection(
                "jdbc:h2:file:" + dir.resolve("db").resolve("precis").toAbsolutePath(), "precis", "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT utc_day FROM behaviour_records ORDER BY utc_day")) {
            List<Long> days = new ArrayList<>();
            while (rs.next()) {
                days.add(rs.getLong(1));
            }
            assertEquals(2, days.size(), "one record per day of kept events: " + days);
            assertTrue(days.stream().allMatch(d -> d >= cutoffDay), days + " vs cutoff day " + cutoffDay);
        }
    }

    private static List<String> queries(TestGateway gw, String publisher) {
        JsonNode me = gw.get("/v1/me?user=" + USER, publisher).json();
        assertFalse(me.path("erased").asBoolean(), me.toString());
        List<String> out = new ArrayList<>();
        me.get("behaviour").forEach(e -> out.add(e.get("query").asText()));
        return out;
    }

    private static String event(Instant ts, String query) {
        return "{\"type\": \"search\", \"ts\": \"" + ts + "\", \"query\": \"" + query + "\"}";
    }

    private static String events(String... events) {
        return "{\"user\": \"" + USER + "\", \"events\": [" + String.join(",", events) + "]}";
    }
}
