package io.precis.gateway.behaviour;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.consent.MutableClock;
import io.precis.consent.identity.Pseudonym;
import io.precis.consent.vault.UserVault;
import io.precis.gateway.storage.Database;
import io.precis.matcher.segment.BehaviourEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The behaviour log over a real vault and database: what an append writes, retention, erasure, concurrency. */
class VaultBehaviourStoreTest {
    private static final Pseudonym ALICE = new Pseudonym("alice-pseudonym-0001");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T08:00:00Z"));
    private Database db;
    private UserVault vault;
    private VaultBehaviourStore store;

    @BeforeEach
    void open() {
        db = Database.open(dir);
        vault = UserVault.open(dir, dir.resolve("keys"));
        store = new VaultBehaviourStore(vault, db, clock);
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
        db.close();
    }

    @Test
    void anAppendSealsOnlyItsNewEventsAndLeavesEarlierRecordsUntouched() throws Exception {
        Instant now = clock.instant();
        store.append(ALICE, List.of(search(now, "green tea"), search(now.plusSeconds(1), "乌龙茶")));
        Map<Long, byte[]> before = rows();
        assertEquals(1, before.size());

        store.append(ALICE, List.of(search(now.plusSeconds(2), "black tea")));
        Map<Long, byte[]> after = rows();
        assertEquals(2, after.size());
        before.forEach((id, bytes) -> assertArrayEquals(bytes, after.get(id), "an earlier record is never rewritten"));
        byte[] added = after.entrySet().stream().filter(e -> !before.containsKey(e.getKey())).findFirst()
                .orElseThrow().getValue();
        String opened = new String(vault.open(ALICE, VaultBehaviourStore.KIND, added).orElseThrow(), StandardCharsets.UTF_8);
        assertTrue(opened.contains("black tea") && !opened.contains("green tea"), opened);
        for (byte[] raw : after.values()) {
            String text = new String(raw, StandardCharsets.UTF_8);
            assertFalse(text.contains("tea") || text.contains("乌龙茶"), "sealed at rest");
        }
        assertEquals(List.of("green tea", "乌龙茶", "black tea"), queries(store.read(ALICE)));
    }

    @Test
    void eventsOlderThan180DaysAreNotReadAndTheirRecordsAreDeleted() throws Exception {
        Instant now = clock.instant();
        store.append(ALICE, List.of(search(now.minus(Duration.ofDays(179)), "old"),
                search(now.minus(Duration.ofDays(1)), "recent"), search(now, "today")));
        assertEquals(3, rows().size(), "one record per day");

        clock.advance(Duration.ofDays(2)); // "old" is 181 days old now
        assertEquals(List.of("recent", "today"), queries(store.read(ALICE)));
        store.deleteExpired();
        assertEquals(2, rows().size());
        assertEquals(List.of("recent", "today"), queries(store.read(ALICE)));

        clock.advance(Duration.ofDays(179)); // "recent" 182 days old, "today" 181
        assertEquals(List.of(), store.read(ALICE));
        store.deleteExpired();
        assertEquals(Map.of(), rows());
    }

    @Test
    void erasureDeletesTheKeyAndTheRecordsAndLaterBehaviourStartsAfresh() throws Exception {
        store.append(ALICE, List.of(search(clock.instant(), "before")));
        byte[] old = rows().values().iterator().next();
        store.erase(ALICE);
        assertEquals(Map.of(), rows());
        assertEquals(List.of(), store.read(ALICE));
        assertTrue(vault.open(ALICE, VaultBehaviourStore.KIND, old).isEmpty(), "a backed-up record no longer opens");

        store.append(ALICE, List.of(search(clock.instant(), "after")));
        assertEquals(List.of("after"), queries(store.read(ALICE)));
    }

    @Test
    void aWholeHistoryStoredTheOldWayIsReadAndMovedIntoTheLogOnTheNextAppend() throws Exception {
        Instant now = clock.instant();
        vault.put(ALICE, VaultBehaviourStore.KIND, VaultBehaviourStore.encode(List.of(
                search(now.minus(Duration.ofDays(200)), "expired"), search(now.minus(Duration.ofDays(3)), "kept"))));
        assertEquals(List.of("kept"), queries(store.read(ALICE)));

        store.append(ALICE, List.of(search(now, "new")));
        assertTrue(vault.get(ALICE, VaultBehaviourStore.KIND).isEmpty(), "the old record is gone");
        assertEquals(2, rows().size(), "its unexpired events are records of the log now");
        assertEquals(List.of("kept", "new"), queries(store.read(ALICE)));
    }

    @Test
    void aFailedSweepIsCountedAndTheNextOneStillRuns() throws Exception {
        try (Connection c = db.dataSource().getConnection(); var s = c.createStatement()) {
            s.execute("ALTER TABLE behaviour_records RENAME TO behaviour_records_away");
            store.sweep();
            assertEquals(1, store.sweepFailures());
            s.execute("ALTER TABLE behaviour_records_away RENAME TO behaviour_records");
        }
        store.sweep();
        assertEquals(1, store.sweepFailures());
    }

    @Test
    void concurrentAppendsOfManyUsersLoseNothingAndShareCommits() throws Exception {
        int threads = 16;
        int perThread = 40;
        int users = 50;
        long commitsBefore = store.commits();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int me = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        store.append(user((me * perThread + i) % users), List.of(search(clock.instant(), "t" + me + "-" + i)));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        int total = 0;
        for (int u = 0; u < users; u++) {
            total += store.read(user(u)).size();
        }
        assertEquals(threads * perThread, total);
        long commits = store.commits() - commitsBefore;
        assertTrue(commits < threads * perThread, "appends share commits: " + commits + " for " + threads * perThread);
    }

    private static Pseudonym user(int i) {
        return new Pseudonym("user-" + i);
    }

    private static BehaviourEvent search(Instant ts, String query) {
        return new BehaviourEvent(BehaviourEvent.Type.SEARCH, ts, null, null, query, null, 0);
    }

    private static List<String> queries(List<BehaviourEvent> events) {
        return events.stream().map(BehaviourEvent::query).toList();
    }

    private Map<Long, byte[]> rows() throws Exception {
        Map<Long, byte[]> out = new LinkedHashMap<>();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, sealed FROM behaviour_records ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getBytes(2));
            }
        }
        return out;
    }
}
