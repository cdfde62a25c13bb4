package io.precis.perf.reports;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.precis.devservices.LocalPostgres;
import io.precis.reports.event.Dimension;
import io.precis.reports.event.EventStore;
import io.precis.reports.event.JdbcEventStore;
import io.precis.reports.event.Report;
import io.precis.reports.event.ReportQuery;
import io.precis.reports.event.RollupBulkLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Report latency over 30 days of 10 million events in an H2 file database, or in PostgreSQL
 * with {@code -p store=postgres}, read from the roll-ups. The month is bulk-loaded once for
 * every fork ({@link RollupBulkLoader#withEvents}: the events table and the roll-ups, the rows
 * the writer would store; on PostgreSQL the roll-ups only), and the load time is printed. Each
 * benchmark is one full report, k threshold at its default of 10 where it applies, reach and
 * frequency included. {@code groupBy} covers every
 * roll-up grain with the most columns it serves (the cells read do not depend on which of them
 * are asked), plus the common reports without day, which read blocks of days instead.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
// jvmArgs, not jvmArgsAppend: a -jvmArgsAppend on the command line (a temporary directory, a
// collector) adds to these instead of replacing them. The collector is the JVM's default (G1)
// unless told, e.g. -jvmArgsAppend -XX:+UseZGC for the gateway's.
@Fork(value = 1, jvmArgs = {"-Xmx10g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ReportBench {
    @Param("10000000")
    public long events;

    /** Campaigns of the month ({@link SyntheticMonth#CAMPAIGNS} unless told); another count loads its own database. */
    @Param("20")
    public int campaigns;

    /** Dimensions joined by '+' (JMH splits -p values at commas). */
    @Param({"campaign", "campaign+creative+day", "targeting", "region", "site", "creative+day+targeting",
        "creative+day+region", "creative+day+site", "targeting+region", "targeting+site", "region+site",
        "campaign+day+targeting+region", "campaign+day+targeting+site", "campaign+day+region+site",
        "targeting+region+site", "campaign+creative+day+targeting+region+site", "campaign+creative+hour"})
    public String groupBy;

    /**
     * {@code h2}, the embedded store, or {@code postgres}: a private PostgreSQL server
     * ({@link LocalPostgres}) whose cluster stays in {@code java.io.tmpdir} for the next fork, the
     * month loaded into it as roll-ups only (no events table), as the gateway's shared store.
     */
    @Param("h2")
    public String store;

    private Path dir;
    private JdbcConnectionPool pool;
    private LocalPostgres postgres;
    private HikariDataSource postgresPool;
    private EventStore reports;
    private final LocalDate from = LocalDate.ofInstant(SyntheticMonth.START, java.time.ZoneOffset.UTC);
    private final LocalDate to = from.plusDays(SyntheticMonth.DAYS - 1);

    @Setup(Level.Trial)
    public void load() throws IOException {
        // JMH forks once per benchmark: the month is loaded by the first and reused by the rest.
        DataSource ds;
        if (store.equals("postgres")) {
            dir = Path.of(System.getProperty("java.io.tmpdir"), directoryName(events, campaigns) + "-postgres");
            if (Files.exists(dir.resolve("cluster")) && !Files.exists(dir.resolve("loaded"))) {
                throw new IllegalStateException("an earlier load into " + dir + " did not finish: delete it");
            }
            postgres = LocalPostgres.openOrCreate(dir.resolve("cluster"));
            postgresPool = pooled(postgres.jdbcUrl());
            loadPostgres(dir, postgresPool, events, campaigns);
            ds = postgresPool;
        } else if (store.equals("h2")) {
            dir = Path.of(System.getProperty("java.io.tmpdir"), directoryName(events, campaigns));
            String url = load(dir, events, true, campaigns);
            pool = JdbcConnectionPool.create(url, "sa", "");
            ds = pool;
        } else {
            throw new IllegalArgumentException("store is h2 or postgres, not " + store);
        }
        reports = new JdbcEventStore(ds, Clock.systemUTC());
        Report r = reports.report(query(Dimension.CAMPAIGN));
        System.out.printf("check: %,d impressions, %,d clicks, %,d invalid clicks, %,d conversions, reach %s%n",
                r.totals().impressions(), r.totals().clicks(), r.totals().invalidClicks(), r.totals().conversions(),
                r.totalReach());
        Report rows = report();
        System.out.printf("groupBy=%s: %,d rows%n", groupBy, rows.rows().size());
    }

    /**
     * Loads the month into {@code dir} unless a file {@code loaded} there says it was (then prints
     * that file): the events table and the roll-ups ({@link RollupBulkLoader#withEvents}), the
     * cells of closed periods straight into packs, then compacts the file. Returns the JDBC URL to
     * open it with. Also run alone: {@code ReportBench EVENTS [DIR] [--rollups-only]
     * [--campaigns=N]} loads and exits; {@code --rollups-only} leaves the events table empty
     * (reports read only the roll-ups), for sizes whose events table would take hours to insert
     * and index.
     */
    static String load(Path dir, long events) throws IOException {
        return load(dir, events, true, SyntheticMonth.CAMPAIGNS);
    }

    /** A pool as the gateway's for PostgreSQL ({@code Database.connect}): a connection is a server process. */
    private static HikariDataSource pooled(String jdbcUrl) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setMaximumPoolSize(4);
        config.setPoolName("precis-report-bench");
        io.precis.gateway.storage.Database.binaryFromFirstUse(config);
        return new HikariDataSource(config);
    }

    /**
     * Loads the month into the PostgreSQL database at {@code ds} unless a file {@code loaded} in
     * {@code dir} says it was (then prints that file): roll-ups only, each closed day's cells
     * straight into packs as the writer's hourly packing leaves them, then {@code VACUUM ANALYZE}
     * so that the planner knows the tables' sizes, as autovacuum would have told it by then.
     */
    private static void loadPostgres(Path dir, DataSource ds, long events, int campaigns) throws IOException {
        Path done = dir.resolve("loaded");
        if (!Files.exists(done)) {
            RollupBulkLoader loader = new RollupBulkLoader();
            double[] s = loadMonth(ds, loader, events, campaigns, "VACUUM ANALYZE");
            Files.writeString(done, String.format("loaded %,d events of %d campaigns (roll-ups only, no events table) "
                    + "into PostgreSQL, %,d roll-up cells: generate, aggregate and insert each day's cells %.1f s, "
                    + "insert the rest %.1f s, vacuum and analyse %.1f s%n", events, campaigns, loader.cells(),
                    s[0], s[1], s[2]));
        }
        System.out.printf("%n%s", Files.readString(done));
    }

    /**
     * Generates the month into {@code ds} through {@code loader}, each day written as soon as it
     * is over (only the open days and blocks stay in memory; closed periods go straight into
     * packs, as the writer's hourly packing leaves them), then the rest, then runs the statement
     * {@code finish}. Returns the seconds of the three steps.
     */
    private static double[] loadMonth(DataSource ds, RollupBulkLoader loader, long events, int campaigns,
                                      String finish) {
        long t0 = System.nanoTime();
        SyntheticMonth.generate(loader, events, 42, campaigns, dayOver -> loader.writeClosed(ds, 50_000, dayOver));
        long t1 = System.nanoTime();
        loader.writeTo(ds, 50_000, Clock.systemUTC().instant());
        long t2 = System.nanoTime();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(finish);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return new double[] {(t1 - t0) / 1e9, (t2 - t1) / 1e9, (System.nanoTime() - t2) / 1e9};
    }

    /** {@code precis-report-bench-EVENTS}, with {@code -cCAMPAIGNS} when not the usual 20. */
    static String directoryName(long events, int campaigns) {
        return "precis-report-bench-" + events + (campaigns == SyntheticMonth.CAMPAIGNS ? "" : "-c" + campaigns);
    }

    private static String load(Path dir, long events, boolean withEvents, int campaigns) throws IOException {
        Path done = dir.resolve("loaded");
        Files.createDirectories(dir);
        // 512 MB page cache: H2's default (16 MB) re-reads the roll-up pages from the file on every report.
        String url = "jdbc:h2:file:" + dir.resolve("precis") + ";CACHE_SIZE=524288";
        if (!Files.exists(done)) {
            JdbcConnectionPool pool = JdbcConnectionPool.create(url, "sa", "");
            RollupBulkLoader loader = withEvents ? RollupBulkLoader.withEvents(pool) : new RollupBulkLoader();
            // The store turns off H2's background reclaiming (WRITE_DELAY 0); the gateway compacts
            // the file every 10 s (FileCompaction). Compact once at the end, or the file keeps every
            // overwritten chunk of the load (14 GB at 10 M events, ~20× the live data).
            double[] s = loadMonth(pool, loader, events, campaigns, "SHUTDOWN COMPACT");
            pool.dispose();
            String line = String.format("loaded %,d events of %d campaigns (%s) into %,d roll-up cells: "
                    + "generate, aggregate and insert events and each day's cells %.1f s, insert the rest and build "
                    + "indexes %.1f s, compact %.1f s%n", events, campaigns,
                    withEvents ? "events table and roll-ups" : "roll-ups only, no events table",
                    loader.cells(), s[0], s[1], s[2]);
            Files.writeString(dir.resolve("packed"), "closed periods packed while loading\n");
            Files.writeString(done, line);
        }
        System.out.printf("%n%s", Files.readString(done));
        pack(dir, url);
        return url;
    }

    /**
     * Packs every closed period once ({@link JdbcEventStore#packClosedPeriods}: the whole month,
     * which ended before the bench runs), as the writer does hourly, then compacts the file; a
     * file {@code packed} says it was done, by the load itself or here (for a month loaded by
     * earlier code, which inserted every cell into the cell table).
     */
    private static void pack(Path dir, String url) throws IOException {
        Path done = dir.resolve("packed");
        if (!Files.exists(done)) {
            JdbcConnectionPool pool = JdbcConnectionPool.create(url, "sa", "");
            long t0 = System.nanoTime();
            long periods;
            try (JdbcEventStore store = new JdbcEventStore(pool, Clock.systemUTC())) {
                periods = store.packClosedPeriods();
            }
            long t1 = System.nanoTime();
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                s.execute("SHUTDOWN COMPACT");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            pool.dispose();
            Files.writeString(done, String.format("packed %,d closed periods in %.1f s, compacted in %.1f s%n", periods,
                    (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9));
        }
        System.out.print(Files.readString(done));
    }

    public static void main(String[] args) throws IOException {
        long events = Long.parseLong(args[0]);
        boolean rollupsOnly = List.of(args).contains("--rollups-only");
        int campaigns = SyntheticMonth.campaignsArg(args);
        List<String> rest = java.util.Arrays.stream(args).skip(1).filter(a -> !a.startsWith("--")).toList();
        load(!rest.isEmpty() ? Path.of(rest.get(0))
                : Path.of(System.getProperty("java.io.tmpdir"), directoryName(events, campaigns)), events, !rollupsOnly,
                campaigns);
    }

    @TearDown(Level.Trial)
    public void close() {
        reports.close();
        // The databases stay for the next fork; delete java.io.tmpdir/precis-report-bench-* after.
        if (pool != null) {
            pool.dispose();
        }
        if (postgres != null) {
            postgresPool.close();
            postgres.stop(); // not close(): that deletes the cluster
        }
    }

    private ReportQuery query(Dimension... groupBy) {
        return new ReportQuery(SyntheticMonth.ADVERTISER, from, to, List.of(groupBy), null);
    }

    @Benchmark
    public Report report() {
        List<Dimension> dims = java.util.Arrays.stream(groupBy.split("\\+")).map(Dimension::ofName).toList();
        return reports.report(new ReportQuery(SyntheticMonth.ADVERTISER, from, to, dims, null));
    }
}
