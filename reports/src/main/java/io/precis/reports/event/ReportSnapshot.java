package io.precis.reports.event;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * What one report reads from the store, read in one read-only transaction at snapshot isolation:
 * the packs and the cells still in the cell table as of one moment. The writer's hourly packing
 * moves a closed period's cells into its packs in one transaction; read at two moments, packs
 * before it and cells after, that period was in neither report nor total
 * ({@code ReportWhilePackingTest}). PostgreSQL reads at {@code REPEATABLE READ}; H2 at
 * {@code SNAPSHOT} (its {@code REPEATABLE READ} takes each table's snapshot when the table is
 * first read).
 *
 * <p>On H2 the transaction's queries run lazily: rows are streamed instead of first copied into
 * a temporary result (to a file past 40,000 rows), a quarter of the time of a report over the full
 * grain. On PostgreSQL the driver honours a statement's fetch size only inside a transaction.
 * The connection goes back to its pool as it came: auto-commit, read-write, read committed.
 */
final class ReportSnapshot {
    /** Reads on {@code c}, inside the snapshot. */
    interface Reader {
        void read(Connection c) throws SQLException;
    }

    private ReportSnapshot() {
    }

    /** Runs {@code reader} in a snapshot; a failure of the store is the report's ("report query failed"). */
    static void read(DataSource ds, Reader reader) {
        try (Connection c = ds.getConnection()) {
            SqlDialect dialect = SqlDialect.of(c);
            begin(c, dialect);
            try {
                reader.read(c);
            } finally {
                end(c, dialect);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("report query failed", e);
        }
    }

    private static void begin(Connection c, SqlDialect dialect) throws SQLException {
        c.setAutoCommit(false);
        isolation(c, dialect, true);
        c.setReadOnly(true);
    }

    /** Ends the transaction (rolled back: it only read) and puts the connection back as it was. */
    private static void end(Connection c, SqlDialect dialect) throws SQLException {
        c.rollback();
        c.setReadOnly(false);
        isolation(c, dialect, false);
        c.setAutoCommit(true);
    }

    /**
     * The snapshot's isolation, or back to read committed: on H2 its {@code SNAPSHOT} level and
     * lazy query execution (session settings), on PostgreSQL {@code REPEATABLE READ}.
     */
    private static void isolation(Connection c, SqlDialect dialect, boolean snapshot) throws SQLException {
        if (dialect != SqlDialect.H2) {
            c.setTransactionIsolation(snapshot ? Connection.TRANSACTION_REPEATABLE_READ
                    : Connection.TRANSACTION_READ_COMMITTED);
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute("SET LAZY_QUERY_EXECUTION " + snapshot);
            s.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL "
                    + (snapshot ? "SNAPSHOT" : "READ COMMITTED"));
        }
    }
}
