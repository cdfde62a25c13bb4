package io.precis.reports.event;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Packs the roll-up cells of closed periods (issue 14): every cell of one advertiser, grain code
 * and period that ended at or before a cut-off moves from {@code precis_rollups} into the rows of
 * {@code precis_rollup_packs} (migration V10, {@link RollupPack}), merged with what was packed
 * before, in one transaction per period. Reports read the packs and any cells still in the cell
 * table and add them: a cell written to a period after it was packed (an event of a batch that
 * crossed midnight, another gateway's late batch on PostgreSQL) is simply one more delta.
 *
 * <p>The hour grain ({@code hc}) is packed per hour once the hour is over: with many campaigns its
 * cells outnumber every other grain's but the full one's (720 hours × campaigns × creatives a month),
 * and read one by one through the report index they made {@code campaign,creative,hour} the slowest
 * report. {@link DeliverySql#hourly}, which rebuilds recent spend at start, reads its packs too.
 *
 * <p>Not packed: the campaign × creative grains by day and channel ({@code dc}, {@code dn}), which
 * the budget and lift code sum in SQL ({@link DeliverySql#totals}, {@link LiftReport}).
 */
final class RollupPacker {
    static final String TABLE = "precis_rollup_packs";
    private static final List<String> UNPACKED = List.of(Grain.DAY.code, Grain.DAY_CHANNEL.code);
    private static final long HOUR_MS = 3_600_000L;
    private static final String COLUMNS = "campaign_id, creative_id, targeting, region, site, channel, "
            + RollupSql.COUNTS;
    private static final String WHERE = " WHERE advertiser_id = ? AND grain = ? AND period_ms = ?";
    /** Periods packed per transaction by {@link #packClosed}: fewer commits rewrite fewer pages. */
    private static final int PER_COMMIT = 16;
    private static final String PACKS = "SELECT cells FROM " + TABLE
            + " WHERE advertiser_id = ? AND grain = ? AND period_ms = ? ORDER BY part";

    /** A table's first advertiser after a given one: an index seek per advertiser, never a scan. */
    static final String NEXT_ADVERTISER = "SELECT advertiser_id FROM %s WHERE advertiser_id > ? ORDER BY advertiser_id LIMIT 1";

    /** One period of one grain code of one advertiser. */
    record Period(String advertiserId, String code, long periodMs) {
    }

    private RollupPacker() {
    }

    /** Whether cells of grain code {@code code} are packed once their period closes. */
    static boolean packed(String code) {
        return !UNPACKED.contains(code);
    }

    /** End of the period starting at {@code periodMs} of a packed grain code: an hour, a day, or a block of days. */
    static long periodEnd(String code, long periodMs) {
        return periodMs + length(code);
    }

    private static long length(String code) {
        if (code.equals(Grain.HOUR.code)) {
            return HOUR_MS;
        }
        char last = code.charAt(code.length() - 1);
        int level = Character.isDigit(last) ? last - '0' : 0;
        return PeriodBlocks.DAY_MS << level;
    }

    /**
     * The periods with cells in the cell table that ended at or before {@code closedAtMs}, at
     * most {@code max} of them, by advertiser, grain code and period. Only index seeks on
     * {@code precis_rollups_report} (advertiser, grain, period): one per advertiser, grain code
     * and period found, never a scan of the table.
     */
    static List<Period> closed(Connection c, long closedAtMs, int max) throws SQLException {
        List<Period> out = new ArrayList<>();
        try (PreparedStatement advertisers = c.prepareStatement(NEXT_ADVERTISER.formatted(RollupSql.TABLE));
             PreparedStatement periods = c.prepareStatement("SELECT period_ms FROM " + RollupSql.TABLE
                     + " WHERE advertiser_id = ? AND grain = ? AND period_ms > ? AND period_ms < ? ORDER BY period_ms LIMIT 1")) {
            String advertiser = "";
            while (out.size() < max && (advertiser = first(advertisers, advertiser)) != null) {
                for (String code : CODES) {
                    long after = Long.MIN_VALUE;
                    while (out.size() < max) {
                        periods.setString(1, advertiser);
                        periods.setString(2, code);
                        periods.setLong(3, after);
                        periods.setLong(4, closedAtMs - Math.min(length(code), PeriodBlocks.DAY_MS) + 1);
                        try (ResultSet rs = periods.executeQuery()) {
                            if (!rs.next()) {
                                break;
                            }
                            after = rs.getLong(1);
                        }
                        if (periodEnd(code, after) <= closedAtMs) {
                            out.add(new Period(advertiser, code, after));
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * The first advertiser after {@code after} with rows in the table {@code advertisers} reads
     * ({@link #NEXT_ADVERTISER}), or null.
     */
    static String first(PreparedStatement advertisers, String after) throws SQLException {
        advertisers.setString(1, after);
        try (ResultSet rs = advertisers.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Every stored grain code that is packed: each daily grain's and each level of blocks. */
    private static final List<String> CODES = packedCodes();

    private static List<String> packedCodes() {
        List<String> codes = new ArrayList<>();
        for (Grain g : Grain.values()) {
            codes.add(g.code(0));
            if (g.blocked()) {
                for (int level = PeriodBlocks.MIN_LEVEL; level <= PeriodBlocks.LEVELS; level++) {
                    codes.add(g.code(level));
                }
            }
        }
        codes.removeIf(code -> !packed(code));
        return List.copyOf(codes);
    }

    /**
     * Packs up to {@code max} closed periods, {@value #PER_COMMIT} to a transaction on {@code c}
     * (which must not be in auto-commit); returns how many it packed.
     */
    static int packClosed(Connection c, long closedAtMs, int max) throws SQLException {
        List<Period> periods = closed(c, closedAtMs, max);
        try {
            for (int i = 0; i < periods.size(); i++) {
                pack(c, periods.get(i));
                if ((i + 1) % PER_COMMIT == 0 || i == periods.size() - 1) {
                    c.commit();
                }
            }
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        }
        return periods.size();
    }

    /** An empty map of one period's cells, in the order they are packed. */
    static Map<RollupPack.Key, Tally> newCells() {
        return new TreeMap<>(RollupPacker::compare);
    }

    /** Moves the cells of {@code p} into its packs, merged with the packs already there. */
    static void pack(Connection c, Period p) throws SQLException {
        Map<RollupPack.Key, Tally> cells = newCells();
        // The packs stay locked to the commit: another packer of the same period waits.
        try (PreparedStatement ps = c.prepareStatement(PACKS + " FOR UPDATE")) {
            bind(ps, p);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    RollupPack.decode(rs.getBytes(1), cells::put);
                }
            }
        }
        int read = 0;
        // Deleted and read in one statement: a writer's update that came first is in the rows
        // read; one that comes after finds its cell gone and inserts its delta (RollupSql#apply).
        String sql = SqlDialect.of(c) == SqlDialect.POSTGRES
                ? "DELETE FROM " + RollupSql.TABLE + WHERE + " RETURNING " + COLUMNS
                : "SELECT " + COLUMNS + " FROM OLD TABLE (DELETE FROM " + RollupSql.TABLE + WHERE + ")";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, p);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    RollupPack.Key key = new RollupPack.Key(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6));
                    Tally t = RollupSql.readCounts(rs, 6);
                    Tally packed = cells.get(key);
                    if (packed == null) {
                        cells.put(key, t);
                    } else {
                        packed.add(t);
                    }
                    read++;
                }
            }
        }
        if (read == 0) {
            return;
        }
        delete(c, "DELETE FROM " + TABLE + " WHERE advertiser_id = ? AND grain = ? AND period_ms = ?", p);
        insert(c, p, cells);
    }

    /**
     * Inserts the packs of {@code p} holding {@code cells} (a map from {@link #newCells}), of which
     * none may be stored yet: the packer's after deleting the old ones, and the bulk loader's.
     */
    static void insert(Connection c, Period p, Map<RollupPack.Key, Tally> cells) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE
                + " (advertiser_id, grain, period_ms, part, cells) VALUES (?, ?, ?, ?, ?)")) {
            int part = 0;
            for (byte[] bytes : RollupPack.encode(cells)) {
                bind(ps, p);
                ps.setInt(4, part++);
                ps.setBytes(5, bytes);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void delete(Connection c, String sql, Period p) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, p);
            ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, Period p) throws SQLException {
        ps.setString(1, p.advertiserId());
        ps.setString(2, p.code());
        ps.setLong(3, p.periodMs());
    }

    private static int compare(RollupPack.Key a, RollupPack.Key b) {
        for (int i = 0; i < 6; i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
