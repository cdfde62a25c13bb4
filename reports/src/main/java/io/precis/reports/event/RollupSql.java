package io.precis.reports.event;

import io.precis.reports.privacy.UserSketch;
import io.precis.reports.reach.ReachSet;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The roll-up table: one row per {@link RollupCell}, updated by the event writer in the same
 * transaction as the events it sums, so a report never sees an event its roll-ups miss and
 * an acknowledged event is in both or neither.
 *
 * <p>On H2, read-modify-write (the user sketch merges in Java): safe because one writer thread
 * owns the table. On PostgreSQL, shared by several gateways, the counts add in the database
 * ({@code INSERT ... ON CONFLICT DO UPDATE SET n = n + excluded.n}, cells in key order so two
 * writers lock them in the same order), and the user sketches merge under the row locks the
 * upsert took, held to the commit.
 */
final class RollupSql {
    static final String TABLE = "precis_rollups";
    static final String COUNTS = "impressions, clicks, invalid_clicks, conversions, cost_nanos, value_micros, users, "
            + "measured_impressions, viewable_impressions, reach_impressions, reach";
    /** Keeps an IN list well under every driver's parameter limit. */
    private static final int CHUNK = 500;
    private static final String UPDATE = "UPDATE " + TABLE + " SET impressions = ?, clicks = ?, invalid_clicks = ?, "
            + "conversions = ?, cost_nanos = ?, value_micros = ?, users = ?, measured_impressions = ?, "
            + "viewable_impressions = ?, reach_impressions = ?, reach = ? WHERE cell_key = ?";
    /**
     * Cells of a grain without a channel leave the column out (its default is {@link Grain#ANY}),
     * so migrations before V8, which added it, still write the grains of their time.
     */
    private static final String INSERT = "INSERT INTO " + TABLE + " (cell_key, grain, advertiser_id, campaign_id, "
            + "creative_id, period_ms, targeting, region, site, " + COUNTS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_CHANNEL = "INSERT INTO " + TABLE + " (cell_key, grain, advertiser_id, "
            + "campaign_id, creative_id, period_ms, targeting, region, site, channel, " + COUNTS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private RollupSql() {
    }

    private static final String ON_CONFLICT = " ON CONFLICT (cell_key) DO UPDATE SET "
            + "impressions = " + TABLE + ".impressions + EXCLUDED.impressions, "
            + "clicks = " + TABLE + ".clicks + EXCLUDED.clicks, "
            + "invalid_clicks = " + TABLE + ".invalid_clicks + EXCLUDED.invalid_clicks, "
            + "conversions = " + TABLE + ".conversions + EXCLUDED.conversions, "
            + "cost_nanos = " + TABLE + ".cost_nanos + EXCLUDED.cost_nanos, "
            + "value_micros = " + TABLE + ".value_micros + EXCLUDED.value_micros, "
            + "measured_impressions = " + TABLE + ".measured_impressions + EXCLUDED.measured_impressions, "
            + "viewable_impressions = " + TABLE + ".viewable_impressions + EXCLUDED.viewable_impressions, "
            // NULL (reach unknown, see Tally#reachKnown) stays NULL
            + "reach_impressions = " + TABLE + ".reach_impressions + EXCLUDED.reach_impressions";
    private static final String UPSERT = INSERT + ON_CONFLICT;
    private static final String UPSERT_CHANNEL = INSERT_CHANNEL + ON_CONFLICT;
    private static final String SET_USERS = "UPDATE " + TABLE + " SET users = ?, reach = ? WHERE cell_key = ?";

    /** Adds {@code deltas} to their cells, creating the cells that do not exist yet. */
    static void apply(Connection c, Map<RollupCell, Tally> deltas) throws SQLException {
        if (deltas.isEmpty()) {
            return;
        }
        if (SqlDialect.of(c) == SqlDialect.POSTGRES) {
            applyShared(c, deltas);
            return;
        }
        Map<String, RollupCell> byKey = new HashMap<>();
        deltas.keySet().forEach(cell -> byKey.put(cell.key(), cell));
        Map<String, Tally> existing = read(c, new ArrayList<>(byKey.keySet()));
        List<Map.Entry<String, Tally>> updates = new ArrayList<>();
        Map<RollupCell, Tally> inserts = new HashMap<>();
        for (Map.Entry<String, RollupCell> e : byKey.entrySet()) {
            Tally delta = deltas.get(e.getValue());
            Tally now = existing.get(e.getKey());
            if (now == null) {
                inserts.put(e.getValue(), delta);
            } else {
                now.add(delta);
                updates.add(Map.entry(e.getKey(), now));
            }
        }
        if (!updates.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(UPDATE)) {
                for (Map.Entry<String, Tally> u : updates) {
                    int i = setCounts(ps, 0, u.getValue());
                    ps.setString(i + 1, u.getKey());
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                for (int u = 0; u < counts.length; u++) {
                    if (counts[u] == 0) {
                        // Packed (RollupPacker) since it was read: the pack holds what the row held,
                        // so the cell starts again from this batch's delta alone.
                        RollupCell cell = byKey.get(updates.get(u).getKey());
                        inserts.put(cell, deltas.get(cell));
                    }
                }
            }
        }
        insert(c, inserts);
    }

    /** Several writers at once: counts add in the database, user sets merge under the rows' locks. */
    private static void applyShared(Connection c, Map<RollupCell, Tally> deltas) throws SQLException {
        Map<RollupCell, Tally> sorted = new java.util.TreeMap<>(java.util.Comparator.comparing(RollupCell::key));
        sorted.putAll(deltas);
        write(c, sorted, true);
        Map<String, Tally> stored = read(c, sorted.keySet().stream().map(RollupCell::key).toList());
        try (PreparedStatement ps = c.prepareStatement(SET_USERS)) {
            for (Map.Entry<RollupCell, Tally> e : sorted.entrySet()) {
                Tally now = stored.get(e.getKey().key());
                UserSketch merged = now == null ? e.getValue().users : now.users.merge(e.getValue().users);
                // A union is idempotent: a cell the upsert just created already holds this delta.
                ReachSet reach = now == null ? e.getValue().reach : now.reach;
                if (now != null) {
                    reach.addAll(e.getValue().reach);
                }
                ps.setBytes(1, merged.toBytes());
                ps.setBytes(2, reach.toBytes());
                ps.setString(3, e.getKey().key());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Inserts new cells (none may exist yet): the writer's new cells and the bulk loader's. */
    static void insert(Connection c, Map<RollupCell, Tally> cells) throws SQLException {
        write(c, cells, false);
    }

    /** The cells without a channel, then those with one (in {@code cells}' order within each). */
    private static void write(Connection c, Map<RollupCell, Tally> cells, boolean upsert) throws SQLException {
        Map<RollupCell, Tally> plain = new java.util.LinkedHashMap<>();
        Map<RollupCell, Tally> channelled = new java.util.LinkedHashMap<>();
        cells.forEach((cell, t) -> (Grain.ANY.equals(cell.channel()) ? plain : channelled).put(cell, t));
        write(c, plain, upsert ? UPSERT : INSERT, false);
        write(c, channelled, upsert ? UPSERT_CHANNEL : INSERT_CHANNEL, true);
    }

    private static void write(Connection c, Map<RollupCell, Tally> cells, String sql, boolean channel)
            throws SQLException {
        if (cells.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int n = 0;
            for (Map.Entry<RollupCell, Tally> e : cells.entrySet()) {
                RollupCell cell = e.getKey();
                int i = 0;
                ps.setString(++i, cell.key());
                ps.setString(++i, cell.code());
                ps.setString(++i, cell.advertiserId());
                ps.setString(++i, cell.campaignId());
                ps.setString(++i, cell.creativeId());
                ps.setLong(++i, cell.periodMs());
                ps.setString(++i, cell.targeting());
                ps.setString(++i, cell.region());
                ps.setString(++i, cell.site());
                if (channel) {
                    ps.setString(++i, cell.channel());
                }
                setCounts(ps, i, e.getValue());
                ps.addBatch();
                if (++n % 1000 == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
    }

    private static int setCounts(PreparedStatement ps, int i, Tally t) throws SQLException {
        ps.setLong(++i, t.impressions);
        ps.setLong(++i, t.clicks);
        ps.setLong(++i, t.invalidClicks);
        ps.setLong(++i, t.conversions);
        ps.setLong(++i, t.costNanos);
        ps.setLong(++i, t.valueMicros);
        ps.setBytes(++i, t.users.toBytes());
        ps.setLong(++i, t.measuredImpressions);
        ps.setLong(++i, t.viewableImpressions);
        if (t.reachKnown) {
            ps.setLong(++i, t.reachImpressions);
        } else {
            ps.setNull(++i, java.sql.Types.BIGINT);
        }
        ps.setBytes(++i, t.reach.toBytes());
        return i;
    }

    private static Map<String, Tally> read(Connection c, List<String> keys) throws SQLException {
        Map<String, Tally> out = new HashMap<>();
        for (int from = 0; from < keys.size(); from += CHUNK) {
            List<String> chunk = keys.subList(from, Math.min(keys.size(), from + CHUNK));
            String sql = "SELECT cell_key, " + COUNTS + " FROM " + TABLE + " WHERE cell_key IN ("
                    + "?,".repeat(chunk.size() - 1) + "?)";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 1, chunk.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), readCounts(rs, 1));
                    }
                }
            }
        }
        return out;
    }

    /** The eleven {@link #COUNTS} columns after column {@code before}. */
    static Tally readCounts(ResultSet rs, int before) throws SQLException {
        Tally t = new Tally();
        t.impressions = rs.getLong(before + 1);
        t.clicks = rs.getLong(before + 2);
        t.invalidClicks = rs.getLong(before + 3);
        t.conversions = rs.getLong(before + 4);
        t.costNanos = rs.getLong(before + 5);
        t.valueMicros = rs.getLong(before + 6);
        t.users = UserSketch.fromBytes(rs.getBytes(before + 7));
        t.measuredImpressions = rs.getLong(before + 8);
        t.viewableImpressions = rs.getLong(before + 9);
        t.reachImpressions = rs.getLong(before + 10);
        t.reachKnown = !rs.wasNull();
        t.reach = ReachSet.fromBytes(rs.getBytes(before + 11));
        return t;
    }
}
