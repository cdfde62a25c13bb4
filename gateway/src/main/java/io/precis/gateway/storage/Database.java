package io.precis.gateway.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.precis.reports.sql.SchemaMigrations;
import java.util.List;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The gateway's SQL database: by default one embedded H2 file under {@code <data-dir>/db};
 * with {@link #connect} a PostgreSQL server that several gateways may share. The account,
 * campaign, event and other stores use it through plain JDBC; their tables are versioned
 * migrations (Flyway, {@code db/precis/gateway} and {@code db/precis/reports}) applied when it
 * opens, the same SQL on both engines. The few statements that differ ask {@link #upsert}.
 *
 * <p>Why H2 by default: it is embedded (no server to install), transactional, speaks standard
 * SQL so the same JDBC stores run on PostgreSQL, and has been maintained for two decades.
 * {@code WRITE_DELAY=0} makes every commit reach the file before the commit returns, so an
 * acknowledged write survives {@code kill -9} of the gateway (the crash test proves it). It
 * also turns off H2's background reclaiming of overwritten space, which {@link FileCompaction}
 * does instead.
 *
 * <p>The file is opened through H2's {@code retry:} file system: a thread interrupted inside a
 * file operation closes the JVM's {@code FileChannel} for every thread, and H2 alone then stops
 * writing, with a compaction possibly half done, which lost committed rows at the next start
 * ({@code InterruptedStorageTest}). The wrapper opens the file again and repeats the operation
 * (clearing that thread's interrupt flag), so an executor's {@code shutdownNow} or Vert.x
 * closing its worker pools costs no data.
 */
public final class Database implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Database.class.getName());

    private final DataSource ds;
    private final boolean postgres;
    private final FileCompaction compaction;
    private final AutoCloseable pool;

    private Database(DataSource ds, boolean postgres, AutoCloseable pool) {
        this.ds = ds;
        this.postgres = postgres;
        this.pool = pool;
        this.compaction = postgres ? null : new FileCompaction(ds);
        SchemaMigrations.apply(ds, "gateway");
    }

    /** Opens (creating if needed) the embedded database under {@code dataDir/db}. */
    public static Database open(Path dataDir) {
        try {
            Path dir = dataDir.resolve("db").toAbsolutePath();
            Files.createDirectories(dir);
            // DB_CLOSE_ON_EXIT=FALSE: H2's own shutdown hook would close the database while the
            // gateway's hook is still draining the event and behaviour writers; close() shuts it down.
            // retry: survives interrupts of the threads doing file I/O (see above).
            String url = "jdbc:h2:retry:" + dir.resolve("precis") + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
            JdbcConnectionPool pool = JdbcConnectionPool.create(url, "precis", "");
            // Worker threads, the event writer and report queries may all hold one at a time.
            pool.setMaxConnections(32);
            return new Database(pool, false, () -> {
                try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                    // A clean shutdown compacts nothing and just closes the file; data is already there.
                    s.execute("SHUTDOWN");
                } catch (SQLException e) {
                    // Closing anyway: the file is consistent after every commit, so only compaction is lost.
                    LOG.log(System.Logger.Level.WARNING, "database shutdown failed (SQL state " + e.getSQLState() + ")");
                }
                pool.dispose();
            });
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create the database directory", e);
        }
    }

    /**
     * Sets the driver's {@code prepareThreshold} to -1 unless the URL sets it: every statement is
     * prepared on the server and its results come in binary from its first use on a connection.
     * By default its first five uses on each connection come as text, a {@code bytea} in
     * hexadecimal: a report's roll-up packs then took three to six times as long to arrive
     * (perf/README.md).
     */
    public static void binaryFromFirstUse(HikariConfig config) {
        config.addDataSourceProperty("prepareThreshold", "-1");
    }

    /**
     * Connects to PostgreSQL at {@code jdbcUrl} ({@code jdbc:postgresql://host:port/db?user=...}),
     * through a pool of at most {@code maxConnections}, and brings its schema up to date.
     */
    public static Database connect(String jdbcUrl, int maxConnections) {
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("a PostgreSQL URL starts jdbc:postgresql://");
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setMaximumPoolSize(maxConnections);
        config.setPoolName("precis-postgres");
        binaryFromFirstUse(config);
        // A store that is down answers fast (503), and the pool tries again on the next request.
        config.setConnectionTimeout(2_000);
        config.setInitializationFailTimeout(-1);
        HikariDataSource pool = new HikariDataSource(config);
        try {
            return new Database(pool, true, pool);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    public DataSource dataSource() {
        return ds;
    }

    /** Whether this is a PostgreSQL server (shared by gateways) rather than the embedded file. */
    public boolean postgres() {
        return postgres;
    }

    /**
     * An insert-or-replace of one row by its key columns: {@code INSERT ... ON CONFLICT (key) DO
     * UPDATE} on PostgreSQL (atomic when gateways race), H2's {@code MERGE ... KEY} on the
     * embedded file. Parameters are {@code columns} in order.
     */
    public String upsert(String table, List<String> key, List<String> columns) {
        String cols = String.join(", ", columns);
        String params = String.join(", ", java.util.Collections.nCopies(columns.size(), "?"));
        if (!postgres) {
            return "MERGE INTO " + table + " (" + cols + ") KEY (" + String.join(", ", key) + ") VALUES (" + params + ")";
        }
        List<String> set = columns.stream().filter(c -> !key.contains(c)).map(c -> c + " = EXCLUDED." + c).toList();
        return "INSERT INTO " + table + " (" + cols + ") VALUES (" + params + ") ON CONFLICT (" + String.join(", ", key)
                + ") DO " + (set.isEmpty() ? "NOTHING" : "UPDATE SET " + String.join(", ", set));
    }

    /** Runs the file compaction now instead of at its next period (tests); 1 when the file shrank. */
    public int compactNow() {
        return compaction == null ? 0 : compaction.runOnce();
    }

    /** File compaction runs that failed (retried every period). */
    public long compactionFailures() {
        return compaction == null ? 0 : compaction.failures();
    }

    /** Runs statements outside the migrations (tests make old-shaped or scratch tables with it). */
    public void execute(String... sql) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        } catch (SQLException e) {
            throw new StorageException("statement failed", e);
        }
    }

    @Override
    public void close() {
        if (compaction != null) {
            compaction.close();
        }
        try {
            pool.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "database did not close cleanly: " + e.getClass().getSimpleName());
        }
    }
}
