package io.precis.perf.reports;

import io.precis.reports.event.RollupBulkLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * Storage per event of the embedded store: loads {@link SyntheticMonth} (events table and
 * roll-ups, {@link RollupBulkLoader#withEvents}, closed periods packed as the writer packs them)
 * into a fresh H2 file database, then prints
 * the on-disk size of each table and index (H2's {@code DB_OBJECT_SIZE}) and of the file, per
 * event, after compacting the file as the gateway does, and the roll-up cells and user-set
 * bytes of each grain. Usage: {@code ReportStorage EVENTS DIR [--rollups-only | --existing | --in-memory]
 * [--campaigns=N]}
 * (DIR must not exist; delete it afterwards). {@code --existing} measures a database already
 * loaded and compacted in DIR, such as {@link ReportBench}'s; {@code --in-memory} stores nothing
 * (DIR unused) and prints the cells and user-set bytes each grain would store, in minutes where
 * inserting takes hours.
 */
public final class ReportStorage {
    private static final String[] TABLES = {"PRECIS_EVENTS", "PRECIS_ROLLUPS", "PRECIS_ROLLUP_PACKS",
        "PRECIS_CLICK_REASONS"};

    private ReportStorage() {
    }

    public static void main(String[] args) throws Exception {
        long events = Long.parseLong(args[0]);
        Path dir = Path.of(args[1]);
        int campaigns = SyntheticMonth.campaignsArg(args);
        args = java.util.Arrays.stream(args).filter(a -> !a.startsWith("--campaigns=")).toArray(String[]::new);
        String mode = args.length > 2 ? args[2] : "";
        boolean withEvents = mode.isEmpty();
        String url = "jdbc:h2:file:" + dir.resolve("precis");
        if ("--in-memory".equals(mode)) {
            RollupBulkLoader loader = new RollupBulkLoader();
            SyntheticMonth.generate(loader, events, 42, campaigns, dayOver -> { });
            long[] all = new long[4];
            System.out.println("grain    cells   users bytes (B/event)   reach bytes (B/event)   cells with an HLL");
            loader.setBytesByGrain().forEach((grain, s) -> {
                System.out.printf("%-4s %,10d %,14d (%5.1f) %,14d (%5.1f) %,10d%n", grain, s[0], s[1],
                        (double) s[1] / events, s[2], (double) s[2] / events, s[3]);
                for (int i = 0; i < all.length; i++) {
                    all[i] += s[i];
                }
            });
            System.out.printf("all  %,10d %,14d (%5.1f) %,14d (%5.1f) %,10d%n", all[0], all[1],
                    (double) all[1] / events, all[2], (double) all[2] / events, all[3]);
            return;
        }
        if ("--existing".equals(mode)) {
            measure(url, events, fileBytes(dir));
            return;
        }
        if (Files.exists(dir)) {
            throw new IllegalArgumentException(dir + " exists");
        }
        Files.createDirectories(dir);
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, "sa", "");
        long t0 = System.nanoTime();
        RollupBulkLoader loader = withEvents ? RollupBulkLoader.withEvents(pool) : new RollupBulkLoader();
        SyntheticMonth.generate(loader, events, 42, campaigns, dayOver -> loader.writeClosed(pool, 50_000, dayOver));
        loader.writeTo(pool, 50_000, java.time.Instant.now()); // the month is over: closed periods packed
        long cells = loader.cells();
        System.out.printf("loaded %,d events (%s) and %,d roll-up cells in %.1f s; file %,d bytes%n", events,
                withEvents ? "events table too" : "roll-ups only", cells, (System.nanoTime() - t0) / 1e9,
                fileBytes(dir));
        // Live size: H2 keeps overwritten chunks until compacted (the gateway's FileCompaction does it).
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN COMPACT");
        }
        pool.dispose();
        measure(url, events, fileBytes(dir));
    }

    private static void measure(String url, long events, long file) throws SQLException {
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, "sa", "");
        long total = 0;
        try (Connection c = pool.getConnection()) {
            for (String table : TABLES) {
                long rows;
                try {
                    rows = count(c, table);
                } catch (SQLException e) {
                    System.out.printf("%-34s absent%n", table); // packs: a store before reports migration V10
                    continue;
                }
                long bytes = size(c, "TABLE", table);
                System.out.printf("%-34s %,12d rows %,14d bytes %7.1f B/event%n", table, rows, bytes,
                        (double) bytes / events);
                total += bytes;
                for (String index : indexes(c, table)) {
                    long ib = size(c, "INDEX", index);
                    if (index.startsWith("PRIMARY_KEY") && ib == bytes) {
                        continue; // a BIGINT primary key is the table's own row tree, counted above
                    }
                    System.out.printf("  index %-28s %,32d bytes %7.1f B/event%n", index, ib, (double) ib / events);
                    total += ib;
                }
            }
        }
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT grain, COUNT(*), SUM(OCTET_LENGTH(users)), SUM(OCTET_LENGTH(reach)), "
                     + "SUM(CASE WHEN OCTET_LENGTH(reach) > 1 + 128 * 8 OR SUBSTRING(reach FROM 1 FOR 1) = X'02' "
                     + "THEN 1 ELSE 0 END) FROM PRECIS_ROLLUPS GROUP BY grain ORDER BY grain")) {
            System.out.println("grain    cells   users bytes (B/event)   reach bytes (B/event)   cells with an HLL");
            while (rs.next()) {
                System.out.printf("%-4s %,10d %,14d (%5.1f) %,14d (%5.1f) %,10d%n", rs.getString(1), rs.getLong(2),
                        rs.getLong(3), rs.getLong(3) / (double) events, rs.getLong(4), rs.getLong(4) / (double) events,
                        rs.getLong(5));
            }
        }
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT grain, COUNT(DISTINCT period_ms), COUNT(*), SUM(OCTET_LENGTH(cells)) "
                     + "FROM PRECIS_ROLLUP_PACKS GROUP BY grain ORDER BY grain")) {
            System.out.println("packed grain   periods   rows   bytes (B/event)");
            while (rs.next()) {
                System.out.printf("%-4s %,10d %,8d %,14d (%5.1f)%n", rs.getString(1), rs.getLong(2), rs.getLong(3),
                        rs.getLong(4), rs.getLong(4) / (double) events);
            }
        } catch (SQLException e) {
            System.out.println("no packs (a store before reports migration V10)");
        }
        pool.dispose();
        System.out.printf("%-34s %,32d bytes %7.1f B/event%n", "tables + indexes", total, (double) total / events);
        System.out.printf("%-34s %,32d bytes %7.1f B/event%n", "H2 file after SHUTDOWN COMPACT", file,
                (double) file / events);
    }

    private static long count(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long size(Connection c, String type, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT DB_OBJECT_SIZE(?, 'PUBLIC', ?)")) {
            ps.setString(1, type);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The table's indexes, the primary key's included (H2 keeps the rows in the primary index). */
    private static List<String> indexes(Connection c, String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES "
                + "WHERE TABLE_SCHEMA = 'PUBLIC' AND TABLE_NAME = ? ORDER BY INDEX_NAME")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static long fileBytes(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
