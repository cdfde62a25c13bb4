package io.precis.reports.event;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fills what issue 14 added to the roll-ups for the days recorded before it, once, inside the
 * migrations that add it ({@code db.precis.reports.V5__rollup_reach_from_events},
 * {@code V6__pair_grains}, {@code V9__period_blocks}); the same SQL on H2 and PostgreSQL.
 */
public final class RollupBackfill {
    private static final long DAY_MS = Duration.ofDays(1).toMillis();
    /** Rows fetched at a time from a long scan (PostgreSQL otherwise reads the whole result). */
    private static final int FETCH = 10_000;

    private RollupBackfill() {
    }

    /**
     * Reach of the existing cells, recomputed from the raw impressions still kept. A cell takes
     * it only when the impressions found for it equal the cell's own count, so a cell whose
     * events retention already deleted (in part or whole) keeps a NULL reach: unknown, and its
     * report rows publish none ({@link Tally#reachKnown}). Cells without impressions have none.
     * Events are scanned once in id (arrival) order and their cells written a day at a time.
     */
    public static void reachFromEvents(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE " + RollupSql.TABLE + " SET reach_impressions = 0 WHERE impressions = 0");
        }
        // Migration V5 runs this before V8 adds the channel column (every earlier event is web).
        String sql = "SELECT " + EventSql.COLUMNS_BEFORE_V8 + " FROM " + EventSchema.TABLE
                + " WHERE kind = '" + StoredEvent.IMPRESSION + "' AND advertiser_id IS NOT NULL"
                // no writer stores an impression without them; a hand-made row would have no cell
                + " AND campaign_id IS NOT NULL AND creative_id IS NOT NULL ORDER BY id";
        Map<RollupCell, Tally> day = new HashMap<>();
        long dayStart = Long.MIN_VALUE;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setFetchSize(FETCH);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    StoredEvent e = EventSql.read(rs, false);
                    long start = Math.floorDiv(e.at().toEpochMilli(), DAY_MS) * DAY_MS;
                    if (start != dayStart) {
                        // A late event of a day already written finds its cells' counts short: they stay unknown.
                        setReach(c, day);
                        day.clear();
                        dayStart = start;
                    }
                    RollupCell.addTo(day, e);
                }
            }
        }
        setReach(c, day);
    }

    private static void setReach(Connection c, Map<RollupCell, Tally> cells) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + RollupSql.TABLE
                + " SET reach_impressions = ?, reach = ? WHERE cell_key = ? AND impressions = ?")) {
            int n = 0;
            for (Map.Entry<RollupCell, Tally> e : cells.entrySet()) {
                Tally t = e.getValue();
                ps.setLong(1, t.reachImpressions);
                ps.setBytes(2, t.reach.toBytes());
                ps.setString(3, e.getKey().key());
                ps.setLong(4, t.impressions);
                ps.addBatch();
                if (++n % 1000 == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
    }

    /**
     * The pair grains ({@link Grain#PAIRS}) of every day already summed, from that day's full
     * grain ({@link Grain#DAY_ALL}), which holds every dimension: counts add, user sets unite.
     * Independent of the raw events, so days past their retention get them too.
     */
    public static void pairGrains(Connection c) throws SQLException {
        fromFullGrain(c, Grain.PAIRS);
    }

    /**
     * What migration V9 adds for the days already summed: the advertiser-wide grain of the three
     * thresholded dimensions ({@link Grain#TARGETING_REGION_SITE}) from each day's full grain,
     * then the {@link PeriodBlocks} of every blocked grain from its daily cells, 16 days (one
     * block of the top level) at a time. Independent of the raw events, like the pair grains.
     */
    public static void periodBlocks(Connection c) throws SQLException {
        fromFullGrain(c, List.of(Grain.TARGETING_REGION_SITE));
        List<Object[]> spans = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT advertiser_id, MIN(period_ms), MAX(period_ms) FROM "
                     + RollupSql.TABLE + " WHERE grain = '" + Grain.DAY.code + "' GROUP BY advertiser_id")) {
            while (rs.next()) {
                spans.add(new Object[] {rs.getString(1), rs.getLong(2), rs.getLong(3)});
            }
        }
        String sql = "SELECT campaign_id, creative_id, targeting, region, site, period_ms, " + RollupSql.COUNTS
                + " FROM " + RollupSql.TABLE + " WHERE advertiser_id = ? AND grain = ? AND period_ms >= ? AND period_ms < ?";
        long top = DAY_MS << PeriodBlocks.LEVELS;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setFetchSize(FETCH);
            for (Object[] span : spans) {
                String advertiser = (String) span[0];
                for (long from = PeriodBlocks.blockStart((Long) span[1], PeriodBlocks.LEVELS); from <= (Long) span[2];
                        from += top) {
                    Map<RollupCell, Tally> cells = new HashMap<>();
                    for (Grain g : Grain.values()) {
                        if (!g.blocked()) {
                            continue;
                        }
                        ps.setString(1, advertiser);
                        ps.setString(2, g.code);
                        ps.setLong(3, from);
                        ps.setLong(4, from + top);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                cells.put(new RollupCell(g, advertiser, rs.getString(1), rs.getString(2), rs.getLong(6),
                                        rs.getString(3), rs.getString(4), rs.getString(5)), RollupSql.readCounts(rs, 6));
                            }
                        }
                    }
                    PeriodBlocks.addBlocks(cells);
                    cells.keySet().removeIf(cell -> cell.level() == 0);
                    RollupSql.insert(c, cells);
                }
            }
        }
    }

    /** The cells of {@code targets} of every day already summed, from that day's full grain. */
    private static void fromFullGrain(Connection c, List<Grain> targets) throws SQLException {
        List<Object[]> days = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT advertiser_id, period_ms FROM " + RollupSql.TABLE
                     + " WHERE grain = '" + Grain.DAY_ALL.code + "' GROUP BY advertiser_id, period_ms")) {
            while (rs.next()) {
                days.add(new Object[] {rs.getString(1), rs.getLong(2)});
            }
        }
        String sql = "SELECT campaign_id, creative_id, targeting, region, site, " + RollupSql.COUNTS + " FROM "
                + RollupSql.TABLE + " WHERE advertiser_id = ? AND grain = ? AND period_ms = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (Object[] d : days) {
                Map<RollupCell, Tally> pairs = new HashMap<>();
                ps.setString(1, (String) d[0]);
                ps.setString(2, Grain.DAY_ALL.code);
                ps.setLong(3, (Long) d[1]);
                ps.setFetchSize(FETCH);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        RollupCell cell = new RollupCell(Grain.DAY_ALL, (String) d[0], rs.getString(1), rs.getString(2),
                                (Long) d[1], rs.getString(3), rs.getString(4), rs.getString(5), Grain.ANY);
                        Tally t = RollupSql.readCounts(rs, 5);
                        for (Grain g : targets) {
                            pairs.computeIfAbsent(cell.in(g), k -> new Tally()).add(t);
                        }
                    }
                }
                RollupSql.insert(c, pairs);
            }
        }
    }

    /** Cells copied per insert while filling the channel grain: bounds the memory of a large table. */
    private static final int CHANNEL_BATCH = 5_000;

    /**
     * Migration V8: the channel columns, and the channel grain of the days summed before it
     * existed, when every ad was served in an ad slot: each day cell of {@link Grain#DAY} becomes
     * the same cell of {@link Grain#DAY_CHANNEL} on channel {@code web}. From the roll-ups alone,
     * so days past their events' retention get it too.
     */
    public static void channelGrain(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("ALTER TABLE " + EventSchema.TABLE + " ADD COLUMN IF NOT EXISTS channel VARCHAR(16)");
            s.executeUpdate("ALTER TABLE " + RollupSql.TABLE
                    + " ADD COLUMN IF NOT EXISTS channel VARCHAR(16) DEFAULT '" + Grain.ANY + "' NOT NULL");
        }
        String sql = "SELECT advertiser_id, campaign_id, creative_id, period_ms, " + RollupSql.COUNTS + " FROM "
                + RollupSql.TABLE + " WHERE grain = '" + Grain.DAY.code + "'";
        Map<RollupCell, Tally> batch = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setFetchSize(FETCH);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    RollupCell cell = new RollupCell(Grain.DAY_CHANNEL, rs.getString(1), rs.getString(2),
                            rs.getString(3), rs.getLong(4), Grain.ANY, Grain.ANY, Grain.ANY,
                            io.precis.reports.token.AdServed.WEB);
                    batch.put(cell, RollupSql.readCounts(rs, 4));
                    if (batch.size() >= CHANNEL_BATCH) {
                        RollupSql.insert(c, batch);
                        batch.clear();
                    }
                }
            }
        }
        RollupSql.insert(c, batch);
    }
}
