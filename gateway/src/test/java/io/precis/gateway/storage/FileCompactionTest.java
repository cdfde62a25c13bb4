package io.precis.gateway.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded database file does not grow without bound under many small commits: with
 * {@code WRITE_DELAY=0} each commit writes a chunk, and the space of overwritten chunks comes
 * back only through the database's own compaction.
 */
class FileCompactionTest {
    @TempDir
    Path dir;

    @Test
    void manySmallCommitsLeaveAFileNearItsLiveSizeAfterCompaction() throws Exception {
        Path file = dir.resolve("db").resolve("precis.mv.db");
        try (Database db = Database.open(dir)) {
            db.execute("CREATE TABLE IF NOT EXISTS counter (id INT PRIMARY KEY, n BIGINT NOT NULL, pad VARCHAR(2000))");
            try (Connection c = db.dataSource().getConnection()) {
                c.createStatement().execute("INSERT INTO counter VALUES (1, 0, REPEAT('x', 2000))");
                try (PreparedStatement ps = c.prepareStatement("UPDATE counter SET n = ? WHERE id = 1")) {
                    for (int i = 1; i <= 5_000; i++) { // one commit each, as the writers make them
                        ps.setLong(1, i);
                        ps.executeUpdate();
                    }
                }
            }
            long grown = Files.size(file);
            assertTrue(grown > 8 << 20, "5,000 commits of one row grew the file to " + grown + " bytes");
            for (int run = 0; run < 50 && db.compactNow() > 0; run++) {
                // each run moves chunks for a bounded time; a backlog takes a few
            }
            long compacted = Files.size(file);
            assertTrue(compacted < grown / 4, "compaction left " + compacted + " of " + grown + " bytes");
            try (Connection c = db.dataSource().getConnection();
                    ResultSet rs = c.createStatement().executeQuery("SELECT n FROM counter WHERE id = 1")) {
                assertTrue(rs.next());
                assertEquals(5_000, rs.getLong(1), "nothing committed is lost");
            }
            assertEquals(0, db.compactionFailures());
        }
    }

    /**
     * MVStore.compactFile sets the store's retention time to 0 and leaves it so: freed chunks
     * were then overwritten at once while the header on disk still led to them, and kill -9
     * lost the last acknowledged commits (CrashRecoveryTest failed under load). A compaction run
     * must leave the retention time as it found it.
     */
    @Test
    void compactionLeavesTheRetentionTimeThatKeepsFreedChunksUntilTheHeaderMovesOn() throws Exception {
        try (Database db = Database.open(dir)) {
            db.execute("CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY, pad VARCHAR(2000))");
            try (Connection c = db.dataSource().getConnection();
                 PreparedStatement ps = c.prepareStatement("MERGE INTO t VALUES (?, REPEAT('y', 2000))")) {
                for (int i = 0; i < 500; i++) {
                    ps.setInt(1, i % 10);
                    ps.executeUpdate();
                }
                org.h2.mvstore.MVStore store = ((org.h2.engine.SessionLocal) c.unwrap(org.h2.jdbc.JdbcConnection.class)
                        .getSession()).getDatabase().getStore().getMvStore();
                int retention = store.getRetentionTime();
                assertTrue(retention > 0, "H2 keeps freed chunks for a while by default: " + retention);
                db.compactNow();
                assertEquals(retention, store.getRetentionTime(), "compaction must not leave freed chunks unprotected");
            }
        }
    }
}
