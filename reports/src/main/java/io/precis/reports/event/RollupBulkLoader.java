package io.precis.reports.event;

import io.precis.reports.token.AdServed;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Loads synthetic history straight into the roll-ups, for benchmarks and capacity tests only:
 * events are summed in memory into their cells with the writer's own cost and cell rules
 * ({@link RollupCell#addTo}), then inserted in batches. It skips the de-duplication and the
 * invalid-click rules, so it is not a way to record real events. With {@link #withEvents} it
 * also writes each event's row (with the writer's own keys) into the events table as it goes,
 * so that storage can be measured whole. Load into an empty store. Not thread-safe.
 *
 * <p>On H2 the load is fast (issue 14: 10 M events in minutes, not hours): the secondary indexes
 * of both tables are dropped while rows go in and created again, with the same definitions, once
 * they are all in (H2 then builds each index from sorted runs instead of inserting every entry at
 * random), and the cells go in in primary-key order. The store ends up holding the same rows as
 * if the writer had written them ({@code RollupBulkLoaderTest}).
 *
 * <p>A load fed in time order can write each closed day as it goes ({@link #writeClosed}), so
 * that only the open days and blocks of days stay in memory: at 100 M events a month the whole
 * month's cells do not fit in a 13 GB heap.
 */
public final class RollupBulkLoader {
    private static final int EVENT_BATCH = 10_000;
    /** Cells of days and hours not yet written. */
    private final Map<RollupCell, Tally> cells = new HashMap<>();
    /** Blocks of days summed from the days already written, not yet written themselves. */
    private final Map<RollupCell, Tally> blocks = new HashMap<>();
    private final DataSource eventsTo;
    private final List<StoredEvent> pending = new ArrayList<>();
    private long events;
    private long written;
    /** The events table's secondary indexes, dropped while loading (H2), or null. */
    private DeferredIndexes deferred;
    /** The cell table's secondary indexes, dropped from the first write to the last (H2), or null. */
    private DeferredIndexes rollupIndexes;

    /** Roll-ups only. */
    public RollupBulkLoader() {
        this(null);
    }

    private RollupBulkLoader(DataSource eventsTo) {
        this.eventsTo = eventsTo;
    }

    /** Also writes every event's row into {@code ds}'s events table (tables created if absent). */
    public static RollupBulkLoader withEvents(DataSource ds) {
        EventSchema.create(ds);
        RollupBulkLoader loader = new RollupBulkLoader(ds);
        loader.deferred = DeferredIndexes.drop(ds, EventSchema.TABLE);
        return loader;
    }

    public void impression(AdServed ad, Instant at) {
        add(StoredEvent.ofAd(StoredEvent.IMPRESSION, at, ad, BatchWriter.impressionCost(ad), true, null, null,
                BatchWriter.impressionKey(ad)));
    }

    /** A click; {@code valid} false counts it as an invalid click (reason not kept). */
    public void click(AdServed ad, Instant at, boolean valid, String clickId) {
        add(StoredEvent.ofAd(StoredEvent.CLICK, at, ad, BatchWriter.clickCost(ad, valid), valid,
                valid ? null : "too_many_user", clickId, "c:" + ad.adId()));
    }

    /** An attributed conversion credited to {@code ad} (its click or, view-through, its impression). */
    public void conversion(AdServed ad, Instant at, long valueMicros, String clickId, String orderId) {
        StoredEvent base = StoredEvent.ofAd(StoredEvent.CONVERSION, at, ad,
                BatchWriter.conversionCost(ad.bidModel(), ad.priceMicros()), true, null, null, null);
        add(new StoredEvent(base.kind(), at, base.advertiserId(), base.campaignId(), base.creativeId(), base.slot(),
                base.site(), base.matchedBy(), base.bidModel(), base.priceMicros(), base.costNanos(), valueMicros,
                "CNY", "purchase", true, null, clickId, orderId,
                BatchWriter.orderKey(ad.campaignId(), orderId), base.pseudonym(), base.region(), base.channel()));
    }

    /** Events added so far. */
    public long events() {
        return events;
    }

    /** Roll-up cells written so far: all of them, blocks of days included, once {@link #writeTo} has run. */
    public long cells() {
        return written;
    }

    /**
     * Per stored grain code (blocks included), in code order: cells, bytes of their k-threshold
     * user sets, bytes of their reach sets, and cells whose reach is an HLL; as they would be
     * stored, without storing them (a capacity estimate for loads too large to insert). Only
     * before anything is written.
     */
    public Map<String, long[]> setBytesByGrain() {
        if (written > 0) {
            throw new IllegalStateException("cells already written");
        }
        Map<RollupCell, Tally> all = new HashMap<>(cells);
        PeriodBlocks.addBlocks(all);
        Map<String, long[]> out = new java.util.TreeMap<>();
        for (Map.Entry<RollupCell, Tally> e : all.entrySet()) {
            long[] s = out.computeIfAbsent(e.getKey().code(), k -> new long[4]);
            byte[] users = e.getValue().users.toBytes();
            s[0]++;
            s[1] += users == null ? 0 : users.length;
            byte[] reach = e.getValue().reach.toBytes();
            s[2] += reach == null ? 0 : reach.length;
            s[3] += e.getValue().reach.exact() ? 0 : 1;
        }
        return out;
    }

    /**
     * Creates the tables if absent and inserts every cell into {@code precis_rollups} in
     * primary-key order, committing every {@code commitEvery} cells; then creates the indexes
     * dropped while loading. Nothing is packed: the store the writer leaves before it packs.
     */
    public void writeTo(DataSource ds, int commitEvery) {
        write(ds, commitEvery, Long.MIN_VALUE, Long.MAX_VALUE);
        finish(ds);
    }

    /**
     * As {@link #writeTo(DataSource, int)}, but the cells of every period that ended at or before
     * {@code closedAt} and whose grain is packed go straight into {@code precis_rollup_packs}, in the
     * packer's own format ({@link RollupPacker#insert}), and only the others (open periods, and the
     * grains never packed: {@code dc}, {@code dn}) into {@code precis_rollups}: the store
     * the writer leaves after {@link JdbcEventStore#packClosedPeriods} at {@code closedAt}, without
     * inserting and then deleting every closed cell ({@code RollupBulkLoaderTest}).
     */
    public void writeTo(DataSource ds, int commitEvery, Instant closedAt) {
        write(ds, commitEvery, closedAt.toEpochMilli(), Long.MAX_VALUE);
        finish(ds);
    }

    /**
     * Writes, as {@link #writeTo(DataSource, int, Instant)} with {@code before} as the cut-off, the
     * cells of every day and hour that ended at or before {@code before}, and of every block of
     * days that did, then forgets them; the days' tallies are first added to their blocks, which
     * stay in memory until they end. The caller promises that no event from now on is earlier
     * than {@code before}, and ends with {@code writeTo} at a cut-off no earlier. The store is
     * the same as if everything had been written at the end ({@code RollupBulkLoaderTest}).
     */
    public void writeClosed(DataSource ds, int commitEvery, Instant before) {
        write(ds, commitEvery, before.toEpochMilli(), before.toEpochMilli());
    }

    private void write(DataSource ds, int commitEvery, long closedAtMs, long beforeMs) {
        flushEvents();
        if (rollupIndexes == null) {
            EventSchema.create(ds);
            rollupIndexes = DeferredIndexes.drop(ds, RollupSql.TABLE);
        }
        Map<RollupCell, Tally> out = new HashMap<>();
        for (var it = cells.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<RollupCell, Tally> e = it.next();
            if (e.getKey().endMs() <= beforeMs) {
                out.put(e.getKey(), e.getValue());
                it.remove();
            }
        }
        PeriodBlocks.addBlocks(out, blocks);
        for (var it = blocks.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<RollupCell, Tally> e = it.next();
            if (e.getKey().endMs() <= beforeMs) {
                out.put(e.getKey(), e.getValue());
                it.remove();
            }
        }
        written += out.size();
        List<Map.Entry<String, RollupCell>> byKey = new ArrayList<>(out.size());
        // By primary key (advertiser, grain code, period), each period's cells in pack order.
        Map<RollupPacker.Period, Map<RollupPack.Key, Tally>> packs = new java.util.TreeMap<>(
                java.util.Comparator.comparing(RollupPacker.Period::advertiserId)
                        .thenComparing(RollupPacker.Period::code).thenComparingLong(RollupPacker.Period::periodMs));
        out.forEach((cell, tally) -> {
            if (RollupPacker.packed(cell.code()) && RollupPacker.periodEnd(cell.code(), cell.periodMs()) <= closedAtMs) {
                packs.computeIfAbsent(new RollupPacker.Period(cell.advertiserId(), cell.code(), cell.periodMs()),
                        p -> RollupPacker.newCells()).put(new RollupPack.Key(cell.campaignId(), cell.creativeId(),
                        cell.targeting(), cell.region(), cell.site(), cell.channel()), tally);
            } else {
                byKey.add(Map.entry(cell.key(), cell));
            }
        });
        byKey.sort(Map.Entry.comparingByKey());
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            Map<RollupCell, Tally> chunk = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, RollupCell> e : byKey) {
                chunk.put(e.getValue(), out.get(e.getValue()));
                if (chunk.size() >= commitEvery) {
                    RollupSql.insert(c, chunk);
                    c.commit();
                    chunk.clear();
                }
            }
            RollupSql.insert(c, chunk);
            c.commit();
            out.clear();
            int inChunk = 0;
            for (var it = packs.entrySet().iterator(); it.hasNext(); ) {
                var period = it.next();
                RollupPacker.insert(c, period.getKey(), period.getValue());
                inChunk += period.getValue().size();
                it.remove(); // its encoded parts are in the database: let the cells go
                if (inChunk >= commitEvery) {
                    c.commit();
                    inChunk = 0;
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("bulk load failed", e);
        }
    }

    /** Creates the indexes dropped while loading. */
    private void finish(DataSource ds) {
        rollupIndexes.create(ds);
        if (deferred != null) {
            deferred.create(ds);
            deferred = null;
        }
    }

    /**
     * A table's secondary (non primary key) indexes on H2, dropped for a bulk load and created
     * again afterwards from their definitions in {@code INFORMATION_SCHEMA}; none on other databases.
     */
    private record DeferredIndexes(List<String> creates) {
        static DeferredIndexes drop(DataSource ds, String table) {
            List<String> creates = new ArrayList<>();
            try (Connection c = ds.getConnection()) {
                if (SqlDialect.of(c) != SqlDialect.H2) {
                    return new DeferredIndexes(creates);
                }
                Map<String, List<String>> columns = new java.util.LinkedHashMap<>();
                Map<String, Boolean> unique = new HashMap<>();
                try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT i.INDEX_NAME, i.INDEX_TYPE_NAME, "
                        + "k.COLUMN_NAME FROM INFORMATION_SCHEMA.INDEXES i JOIN INFORMATION_SCHEMA.INDEX_COLUMNS k "
                        + "ON k.INDEX_SCHEMA = i.INDEX_SCHEMA AND k.INDEX_NAME = i.INDEX_NAME "
                        + "WHERE i.TABLE_SCHEMA = CURRENT_SCHEMA AND i.TABLE_NAME = ? "
                        + "AND i.INDEX_TYPE_NAME IN ('INDEX', 'UNIQUE INDEX') ORDER BY i.INDEX_NAME, k.ORDINAL_POSITION")) {
                    ps.setString(1, table.toUpperCase(java.util.Locale.ROOT));
                    try (java.sql.ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            columns.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add('"' + rs.getString(3) + '"');
                            unique.put(rs.getString(1), "UNIQUE INDEX".equals(rs.getString(2)));
                        }
                    }
                }
                try (java.sql.Statement s = c.createStatement()) {
                    for (Map.Entry<String, List<String>> ix : columns.entrySet()) {
                        creates.add("CREATE " + (unique.get(ix.getKey()) ? "UNIQUE " : "") + "INDEX \"" + ix.getKey()
                                + "\" ON " + table + " (" + String.join(", ", ix.getValue()) + ")");
                        s.execute("DROP INDEX \"" + ix.getKey() + '"');
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot defer the indexes of " + table, e);
            }
            return new DeferredIndexes(creates);
        }

        void create(DataSource ds) {
            try (Connection c = ds.getConnection(); java.sql.Statement s = c.createStatement()) {
                for (String sql : creates) {
                    s.execute(sql);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot create the indexes again", e);
            }
        }
    }

    private void add(StoredEvent e) {
        events++;
        RollupCell.addTo(cells, e);
        if (eventsTo != null) {
            pending.add(e);
            if (pending.size() >= EVENT_BATCH) {
                flushEvents();
            }
        }
    }

    private void flushEvents() {
        if (pending.isEmpty()) {
            return;
        }
        try (Connection c = eventsTo.getConnection()) {
            c.setAutoCommit(false);
            EventSql.insert(c, pending);
            InvalidClickReasons.add(c, pending);
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("bulk load of events failed", e);
        }
        pending.clear();
    }
}
