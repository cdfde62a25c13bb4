package io.precis.reports.event;

import io.precis.reports.token.AdServed;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Loads synthetic history straight into the roll-ups, for benchmarks and capacity tests only:
 * events are summed in memory into their cells with the writer's own cost and cell rules
 * ({@link RollupCell#addTo}), then inserted in batches. It skips the events table, the
 * de-duplication and the invalid-click rules, so it is not a way to record real events.
 * Load into an empty store. Not thread-safe.
 */
public final class RollupBulkLoader {
    private final Map<RollupCell, Tally> cells = new HashMap<>();
    private long events;

    public void impression(AdServed ad, Instant at) {
        add(StoredEvent.ofAd(StoredEvent.IMPRESSION, at, ad, BatchWriter.impressionCost(ad), true, null, null, null));
    }

    /** A click; {@code valid} false counts it as an invalid click (reason not kept). */
    public void click(AdServed ad, Instant at, boolean valid) {
        add(StoredEvent.ofAd(StoredEvent.CLICK, at, ad, BatchWriter.clickCost(ad, valid), valid, null, null, null));
    }

    /** An attributed conversion credited to {@code ad} (its click or, view-through, its impression). */
    public void conversion(AdServed ad, Instant at, long valueMicros) {
        StoredEvent base = StoredEvent.ofAd(StoredEvent.CONVERSION, at, ad,
                BatchWriter.conversionCost(ad.bidModel(), ad.priceMicros()), true, null, null, null);
        add(new StoredEvent(base.kind(), at, base.advertiserId(), base.campaignId(), base.creativeId(), base.slot(),
                base.site(), base.matchedBy(), base.bidModel(), base.priceMicros(), base.costNanos(), valueMicros,
                "CNY", "purchase", true, null, null, null, null, base.pseudonym(), base.region()));
    }

    /** Events added so far. */
    public long events() {
        return events;
    }

    /** Roll-up cells those events fill, over all grains. */
    public int cells() {
        return cells.size();
    }

    /** Creates the tables if absent and inserts every cell, committing every {@code commitEvery} cells. */
    public void writeTo(DataSource ds, int commitEvery) {
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
    }
}
