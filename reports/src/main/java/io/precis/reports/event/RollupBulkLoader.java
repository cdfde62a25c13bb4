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
 */
public final class RollupBulkLoader {
    private static final int EVENT_BATCH = 10_000;
    private final Map<RollupCell, Tally> cells = new HashMap<>();
    private final DataSource eventsTo;
    private final List<StoredEvent> pending = new ArrayList<>();
    private long events;

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
        return new RollupBulkLoader(ds);
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

    /** Roll-up cells those events fill, over all grains and {@link PeriodBlocks blocks of days}. */
    public int cells() {
        PeriodBlocks.addBlocks(withoutBlocks());
        return cells.size();
    }

    /**
     * Per stored grain code (blocks included), in code order: cells, bytes of their k-threshold
     * user sets, bytes of their reach sets, and cells whose reach is an HLL; as they would be
     * stored, without storing them (a capacity estimate for loads too large to insert).
     */
    public Map<String, long[]> setBytesByGrain() {
        cells();
        Map<String, long[]> out = new java.util.TreeMap<>();
        for (Map.Entry<RollupCell, Tally> e : cells.entrySet()) {
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

    /** The cells, after removing the blocks so far (summed again from the days by {@link PeriodBlocks#addBlocks}). */
    private Map<RollupCell, Tally> withoutBlocks() {
        cells.keySet().removeIf(c -> c.level() > 0);
        return cells;
    }

    /** Creates the tables if absent and inserts every cell, committing every {@code commitEvery} cells. */
    public void writeTo(DataSource ds, int commitEvery) {
        flushEvents();
        cells();
        EventSchema.create(ds);
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            Map<RollupCell, Tally> chunk = new HashMap<>();
            for (Map.Entry<RollupCell, Tally> e : cells.entrySet()) {
                chunk.put(e.getKey(), e.getValue());
                if (chunk.size() >= commitEvery) {
                    RollupSql.insert(c, chunk);
                    c.commit();
                    chunk.clear();
                }
            }
            RollupSql.insert(c, chunk);
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("bulk load failed", e);
        }
        cells.clear();
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
