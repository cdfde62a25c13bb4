package io.precis.gateway.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The embedded database: one H2 file under {@code <data-dir>/db}, shared by the account,
 * campaign and event stores through plain JDBC.
 *
 * <p>Why H2: it is embedded (no server to install), transactional, speaks standard SQL so the
 * same JDBC stores can later run on PostgreSQL, and has been maintained for two decades.
 * {@code WRITE_DELAY=0} makes every commit reach the file before the commit returns, so an
 * acknowledged write survives {@code kill -9} of the gateway (the crash test proves it). It
 * also turns off H2's background reclaiming of overwritten space, which {@link FileCompaction}
 * does instead.
 */
public final class Database implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Database.class.getName());

    private final JdbcConnectionPool pool;
    private final FileCompaction compaction;

    private Database(JdbcConnectionPool pool) {
        this.pool = pool;
        this.compaction = new FileCompaction(pool);
    }

    /** Opens (creating if needed) the database under {@code dataDir/db}. */
    public static Database open(Path dataDir) {
        try {
            Path dir = dataDir.resolve("db").toAbsolutePath();
            Files.createDirectories(dir);
            // DB_CLOSE_ON_EXIT=FALSE: H2's own shutdown hook would close the database while the
            // gateway's hook is still draining the event and behaviour writers; close() shuts it down.
            String url = "jdbc:h2:file:" + dir.resolve("precis") + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
            JdbcConnectionPool pool = JdbcConnectionPool.create(url, "precis", "");
            // Worker threads, the event writer and report queries may all hold one at a time.
            pool.setMaxConnections(32);
            return new Database(pool);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create the database directory", e);
        }
    }

    public DataSource dataSource() {
        return pool;
    }

    /** Runs the file compaction now instead of at its next period (tests); 1 when the file shrank. */
    public int compactNow() {
        return compaction.runOnce();
    }

    /** File compaction runs that failed (retried every period). */
    public long compactionFailures() {
        return compaction.failures();
    }

    /** Runs DDL statements, each one idempotent ({@code IF NOT EXISTS}). */
    public void migrate(String... ddl) {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            for (String sql : ddl) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new StorageException("schema migration failed", e);
        }
    }

    @Override
    public void close() {
        compaction.close();
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            // A clean shutdown compacts nothing and just closes the file; data is already there.
            s.execute("SHUTDOWN");
        } catch (SQLException e) {
            // Closing anyway: the file is consistent after every commit, so only compaction is lost.
            LOG.log(System.Logger.Level.WARNING, "database shutdown failed (SQL state " + e.getSQLState() + ")");
        }
        pool.dispose();
    }
}
