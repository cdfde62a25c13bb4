package io.precis.reports.event;

import io.precis.consent.crypto.Digests;
import io.precis.reports.token.AdServed;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies the counting rules to one batch inside the caller's transaction: repeats, clicks
 * without an impression, attribution within the click window, order-id de-duplication, cost.
 * Runs on the single writer thread only, so it needs no locking.
 *
 * <p>Cost rules (stored in nanos, 10^-9 units, so nothing is rounded at write time): a CPM
 * impression costs priceMicros nanos (= price / 1000 per impression, exactly); a valid CPC
 * click costs priceMicros × 1000; an attributed conversion of a CPA click costs the click's
 * priceMicros × 1000. Everything else costs 0.
 */
final class BatchWriter {
    static final String NO_IMPRESSION = "no_impression";
    static final String UNKNOWN_CLICK = "unknown_click";
    static final String INVALID_CLICK = "invalid_click";
    static final String OUTSIDE_WINDOW = "outside_window";
    /** Micros to nanos. */
    private static final long NANOS_PER_MICRO = 1000;

    private final Duration clickWindow;

    BatchWriter(Duration clickWindow) {
        this.clickWindow = clickWindow;
    }

    /** Writes the batch's new rows; returns, per event in order, the outcome to complete it with. */
    List<Object> write(Connection c, List<PendingEvent> batch) throws SQLException {
        Set<String> keys = new LinkedHashSet<>();
        Set<String> clickIds = new LinkedHashSet<>();
        Set<String> orderIds = new LinkedHashSet<>();
        for (PendingEvent e : batch) {
            switch (e) {
                case PendingEvent.Impression i -> keys.add(impressionKey(i.token().ad()));
                case PendingEvent.Click k -> {
                    keys.add(impressionKey(k.token().ad()));
                    keys.add(clickKey(k.token().ad()));
                }
                case PendingEvent.Conversion v -> {
                    clickIds.add(v.request().clickId());
                    if (v.request().orderId() != null) {
                        orderIds.add(v.request().orderId());
                    }
                }
                case PendingEvent.Stop s -> { }
            }
        }
        // Earlier rows by dedupe key, and clicks by click id: one SELECT for the whole batch.
        Map<String, StoredEvent> byKey = new HashMap<>();
        Map<String, StoredEvent> clicks = new HashMap<>();
        for (StoredEvent s : EventSql.lookup(c, keys, clickIds, orderIds)) {
            if (s.dedupeKey() != null) {
                byKey.put(s.dedupeKey(), s);
            }
            if (StoredEvent.CLICK.equals(s.kind()) && s.clickId() != null) {
                clicks.put(s.clickId(), s);
            }
        }
        List<StoredEvent> inserts = new ArrayList<>();
        List<Object> outcomes = new ArrayList<>(batch.size());
        for (PendingEvent e : batch) {
            Object outcome = switch (e) {
                case PendingEvent.Impression i -> impression(i, byKey, inserts);
                case PendingEvent.Click k -> click(k, byKey, clicks, inserts);
                case PendingEvent.Conversion v -> conversion(v, byKey, clicks, inserts);
                case PendingEvent.Stop s -> null;
            };
            outcomes.add(outcome);
        }
        EventSql.insert(c, inserts);
        return outcomes;
    }

    private ImpressionOutcome impression(PendingEvent.Impression i, Map<String, StoredEvent> byKey,
                                         List<StoredEvent> inserts) {
        AdServed ad = i.token().ad();
        String key = impressionKey(ad);
        if (byKey.containsKey(key)) {
            return new ImpressionOutcome(false);
        }
        long cost = "CPM".equals(ad.bidModel()) ? ad.priceMicros() : 0;
        StoredEvent row = StoredEvent.ofAd(StoredEvent.IMPRESSION, i.at(), ad, cost, true, null, null, key);
        byKey.put(key, row);
        inserts.add(row);
        return new ImpressionOutcome(true);
    }

    private ClickOutcome click(PendingEvent.Click k, Map<String, StoredEvent> byKey,
                               Map<String, StoredEvent> clicks, List<StoredEvent> inserts) {
        AdServed ad = k.token().ad();
        String key = clickKey(ad);
        StoredEvent earlier = byKey.get(key);
        if (earlier != null) {
            return new ClickOutcome(false, earlier.valid(), earlier.reason(), k.clickId());
        }
        boolean valid = byKey.containsKey(impressionKey(ad));
        String reason = valid ? null : NO_IMPRESSION;
        long cost = valid && "CPC".equals(ad.bidModel()) ? ad.priceMicros() * NANOS_PER_MICRO : 0;
        StoredEvent row = StoredEvent.ofAd(StoredEvent.CLICK, k.at(), ad, cost, valid, reason, k.clickId(), key);
        byKey.put(key, row);
        clicks.put(k.clickId(), row);
        inserts.add(row);
        return new ClickOutcome(true, valid, reason, k.clickId());
    }

    private ConversionOutcome conversion(PendingEvent.Conversion v, Map<String, StoredEvent> byKey,
                                         Map<String, StoredEvent> clicks, List<StoredEvent> inserts) {
        ConversionRequest r = v.request();
        StoredEvent click = clicks.get(r.clickId());
        String reason = click == null ? UNKNOWN_CLICK
                : !click.valid() ? INVALID_CLICK
                : Duration.between(click.at(), v.at()).compareTo(clickWindow) > 0 ? OUTSIDE_WINDOW
                : null;
        if (reason != null) {
            // Kept for audit, never credited: no advertiser unless the click is known.
            inserts.add(new StoredEvent(StoredEvent.CONVERSION, v.at(),
                    click == null ? null : click.advertiserId(), click == null ? null : click.campaignId(),
                    click == null ? null : click.creativeId(), null, null, null, null, 0, 0,
                    r.valueMicros(), r.currency(), r.event(), false, reason, r.clickId(), r.orderId(), null));
            return new ConversionOutcome(true, false, null);
        }
        String key = r.orderId() == null ? null : orderKey(click.campaignId(), r.orderId());
        if (key != null && byKey.containsKey(key)) {
            return new ConversionOutcome(false, true, click.campaignId());
        }
        long cost = "CPA".equals(click.bidModel()) ? click.priceMicros() * NANOS_PER_MICRO : 0;
        StoredEvent row = new StoredEvent(StoredEvent.CONVERSION, v.at(), click.advertiserId(),
                click.campaignId(), click.creativeId(), click.slot(), click.site(), click.matchedBy(),
                click.bidModel(), click.priceMicros(), cost, r.valueMicros(), r.currency(), r.event(),
                true, null, r.clickId(), r.orderId(), key);
        if (key != null) {
            byKey.put(key, row);
        }
        inserts.add(row);
        return new ConversionOutcome(true, true, click.campaignId());
    }

    static String impressionKey(AdServed ad) {
        return "i:" + ad.adId();
    }

    static String clickKey(AdServed ad) {
        return "c:" + ad.adId();
    }

    /** Hashed so any campaign and order id lengths fit the key column; length-prefixed to stay unambiguous. */
    static String orderKey(String campaignId, String orderId) {
        String joined = campaignId.length() + ":" + campaignId + orderId;
        return "o:" + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(Digests.sha256(joined.getBytes(StandardCharsets.UTF_8)));
    }
}
