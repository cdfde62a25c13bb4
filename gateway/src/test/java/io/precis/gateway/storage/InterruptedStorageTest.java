package io.precis.gateway.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An interrupt must never cost the embedded file a committed row. A thread interrupted in a
 * {@code FileChannel} operation closes the channel for every thread; H2 then stops writing, and
 * a file compaction caught half-way (it moves chunks with the retention time at 0) left a file
 * whose last header led to chunks already overwritten: after the restart, whole tables had gone
 * back seconds (the interest profile of {@code PrivacyLeakTest}, committed long before the
 * gateway closed, was missing after it). Interrupts come from {@code shutdownNow} of an executor
 * that runs database work (the compaction's own timer at close did) and from Vert.x closing its
 * worker pools; the store has to survive them whoever sends them.
 */
class InterruptedStorageTest {
    /** Rows each writer commits under interrupts before the restart. */
    private static final int ROWS = 150;

    @TempDir
    Path dir;

    private static long fewest(AtomicLong[] counts) {
        return Arrays.stream(counts).mapToLong(AtomicLong::get).min().orElse(0);
    }

    @Test
    void everyCommittedRowSurvivesInterruptsOfTheWritersAndTheCompactionThenARestart() throws Exception {
        int tables = 3;
        AtomicLong[] committed = new AtomicLong[tables];
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong failedWrites = new AtomicLong();
        List<Thread> writers = new ArrayList<>();
        try (Database db = Database.open(dir)) {
            for (int t = 0; t < tables; t++) {
                committed[t] = new AtomicLong();
                db.execute("CREATE TABLE s" + t + " (id BIGINT PRIMARY KEY, pad VARCHAR(500))");
            }
            for (int t = 0; t < tables; t++) {
                int table = t;
                writers.add(Thread.ofPlatform().name("writer-" + t).start(() -> {
                    long next = 0;
                    while (!stop.get()) {
                        try (Connection c = db.dataSource().getConnection();
                             PreparedStatement insert = c.prepareStatement("INSERT INTO s" + table + " VALUES (?, REPEAT('p', 400))");
                             PreparedStatement update = c.prepareStatement("UPDATE s" + table + " SET pad = REPEAT('q', 300) WHERE id = ?")) {
                            while (!stop.get()) {
                                insert.setLong(1, next);
                                insert.executeUpdate(); // auto-commit: acknowledged on return
                                committed[table].set(++next);
                                update.setLong(1, ThreadLocalRandom.current().nextLong(next)); // garbage to compact
                                update.executeUpdate();
                            }
                        } catch (SQLException | RuntimeException e) {
                            failedWrites.incrementAndGet(); // an interrupted statement may fail; it was not acknowledged
                        }
                        Thread.interrupted();
                    }
                }));
            }
            Thread compactor = Thread.ofPlatform().name("compactor").start(() -> {
                while (!stop.get()) {
                    db.compactNow();
                    Thread.interrupted();
                }
            });
            // Paced by the writers' progress, not by the clock: the compaction is interrupted
            // after every commit, a writer after every 20th, until each table holds enough rows.
            long deadline = System.nanoTime() + 60_000_000_000L;
            long seen = 0;
            int interrupts = 0;
            while (fewest(committed) < ROWS && System.nanoTime() < deadline) {
                long now = Arrays.stream(committed).mapToLong(AtomicLong::get).sum();
                if (now == seen) {
                    Thread.yield();
                    continue;
                }
                seen = now;
                compactor.interrupt();
                if (++interrupts % 20 == 0) {
                    writers.get(interrupts / 20 % tables).interrupt();
                }
            }
            stop.set(true);
            compactor.join();
            for (Thread w : writers) {
                w.join();
            }
            // Still writable after the interrupts, not only readable.
            db.execute("INSERT INTO s0 VALUES (-1, 'after')");
        }
        try (Database db = Database.open(dir); Connection c = db.dataSource().getConnection()) {
            for (int t = 0; t < tables; t++) {
                assertTrue(committed[t].get() >= ROWS, "the writers wrote within the deadline: " + committed[t].get());
                try (ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM s" + t + " WHERE id >= 0")) {
                    rs.next();
                    assertEquals(committed[t].get(), rs.getLong(1), "committed rows of s" + t + " after the restart");
                }
            }
        }
    }
}
