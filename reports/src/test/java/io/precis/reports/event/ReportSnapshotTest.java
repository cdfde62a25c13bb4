package io.precis.reports.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A report's reads ({@link ReportSnapshot}) see one moment of the store, though another
 * connection commits between them; a failure is the report's; and the connection goes back to
 * the pool as it came (auto-commit, read-write, read committed), after a failure too.
 */
class ReportSnapshotTest {
    @TempDir
    Path dir;
    private JdbcConnectionPool pool;

    @BeforeEach
    void open() throws SQLException {
        pool = JdbcConnectionPool.create("jdbc:h2:file:" + dir.resolve("db"), "sa", "");
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE a (n INT)");
            s.execute("CREATE TABLE b (n INT)");
            s.execute("INSERT INTO a VALUES (1)");
        }
    }

    @AfterEach
    void close() {
        pool.dispose();
    }

    /** As the packer does: a row moves from one table to the other in one transaction, between two reads. */
    @Test
    void twoReadsSeeOneMomentThoughARowMovesBetweenThem() throws SQLException {
        long[] seen = new long[2];
        ReportSnapshot.read(pool, c -> {
            seen[0] = count(c, "a");
            try (Connection other = pool.getConnection(); Statement s = other.createStatement()) {
                other.setAutoCommit(false);
                s.execute("DELETE FROM a");
                s.execute("INSERT INTO b VALUES (1)");
                other.commit();
                other.setAutoCommit(true);
            }
            seen[1] = count(c, "b");
        });
        assertEquals(1, seen[0], "the row, before it moved");
        assertEquals(0, seen[1], "not the row again, after it moved");
        try (Connection c = pool.getConnection()) {
            assertEquals(1, count(c, "b"), "the move was committed");
        }
        assertConnectionsAsTheyWere();
    }

    @Test
    void aFailedQueryIsTheReportsFailureAndTheConnectionComesBack() throws SQLException {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ReportSnapshot.read(pool,
                c -> count(c, "no_such_table")));
        assertEquals("report query failed", e.getMessage());
        assertInstanceOf(SQLException.class, e.getCause());
        assertConnectionsAsTheyWere();
    }

    private static long count(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Every connection back in the pool, and the next one out auto-commit, read-write, read committed. */
    private void assertConnectionsAsTheyWere() throws SQLException {
        assertEquals(0, pool.getActiveConnections());
        try (Connection c = pool.getConnection()) {
            assertTrue(c.getAutoCommit());
            assertFalse(c.isReadOnly());
            assertEquals(Connection.TRANSACTION_READ_COMMITTED, c.getTransactionIsolation());
        }
    }
}
