package io.precis.reports.event;

import io.precis.consent.crypto.Digests;
import io.precis.reports.budget.Charge;
import io.precis.reports.budget.SpendLimits;
import io.precis.reports.invalid.ClickContext;
import io.precis.reports.invalid.ClickFacts;
import io.precis.reports.invalid.ClickJudge;
import io.precis.reports.invalid.PrefetchRule;
import io.precis.reports.token.AdServed;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies the counting rules to one batch inside the caller's transaction: repeats, invalid
 * clicks ({@link ClickJudge}), attribution within the click or view window, conversion
 * de-duplication (by order id; without one, at most one per credited click or impression and
 * event name unless the campaign counts every conversion), cost; then adds the new rows to
 * the roll-ups. Runs on the single writer thread only, so it needs no locking.
 *
 * <p>Cost rules (stored in nanos, 10^-9 units, so nothing is rounded at write time): a CPM
 * impression costs priceMicros nanos (= price / 1000 per impression, exactly); a valid CPC
 * click costs priceMicros × 1000; an attributed conversion of a CPA ad costs its
 * priceMicros × 1000. Everything else costs 0.
 *
 * <p>Budgets: each cost is then capped at what the campaign has left ({@link SpendLimits}, less
 * what this batch already charged it, see {@link BatchBudget}). An event past the budget is
 * stored and counted like any other, charged less or nothing, and its outcome says
 * {@code capped}; its row shows it too, as a cost below its price.
 */
final class BatchWriter {
    static final String UNKNOWN_CLICK = "unknown_click";
    static final String INVALID_CLICK = "invalid_click";
    static final String OUTSIDE_WINDOW = "outside_window";
    /** A view-through candidate (pseudonym, no creditable click) without an impression in the window. */
    static final String NO_VIEW = "no_view";
    /** Micros to nanos. */
    private static final long NANOS_PER_MICRO = 1000;

    private final AttributionPolicy attribution;
    private final ClickJudge judge;
    private final SpendLimits limits;

    BatchWriter(AttributionPolicy attribution, ClickJudge judge, SpendLimits limits) {
        this.attribution = attribution;
        this.judge = judge;
        this.limits = limits;
    }

    /**
     * What a batch wrote.
     *
     * @param outcomes per event in order, the outcome to complete it with
     * @param charges  the batch's positive charges, for {@link SpendLimits#charged} once committed
     */
    record Written(List<Object> outcomes, List<Charge> charges) {
    }

    /** Writes the batch's new rows; returns the outcomes and the charges. */
    Written write(Connection c, List<PendingEvent> batch) throws SQLException {
        Set<String> keys = new LinkedHashSet<>();
        Set<String> clickIds = new LinkedHashSet<>();
        Set<String> orderIds = new LinkedHashSet<>();
        Set<String> viewers = new LinkedHashSet<>();
        Instant earliest = null;
        for (PendingEvent e : batch) {
            switch (e) {
                case PendingEvent.Impression i -> {
                    keys.add(impressionKey(i.token().ad()));
                    if (i.viewability() != Viewability.NOT_MEASURED) {
                        keys.add(renderedKey(i.token().ad()));
                        keys.add(viewableKey(i.token().ad()));
                    }
                }
                case PendingEvent.Click k -> {
                    keys.add(impressionKey(k.token().ad()));
                    keys.add(clickKey(k.token().ad(), k.context()));
                }
                case PendingEvent.Conversion v -> {
                    if (v.request().clickId() != null) {
                        clickIds.add(v.request().clickId());
                    }
                    if (v.request().orderId() != null) {
                        orderIds.add(v.request().orderId());
                    }
                    if (v.request().measurementPseudonym() != null) {
                        viewers.add(v.request().measurementPseudonym().value());
                        earliest = earliest == null || v.at().isBefore(earliest) ? v.at() : earliest;
                    }
                }
                case PendingEvent.Ghost g -> keys.add(ghostKey(g.ad()));
                case PendingEvent.Exposure x -> { }
            }
        }
        // Earlier rows by dedupe key, and clicks by click id: one SELECT for the whole batch.
        Map<String, StoredEvent> byKey = new HashMap<>();
        Map<String, StoredEvent> clicks = new HashMap<>();
        for (StoredEvent s : EventSql.lookup(c, keys, clickIds, orderIds)) {
            if (s.dedupeKey() != null) {
                byKey.put(s.dedupeKey(), s);
            }
            if (StoredEvent.CLICK.equals(s.kind()) && s.clickId() != null && !PrefetchRule.REASON.equals(s.reason())) {
                clicks.put(s.clickId(), s);
            }
        }
        Map<String, List<StoredEvent>> views = new HashMap<>();
        if (earliest != null) {
            long since = earliest.minus(attribution.viewWindow()).toEpochMilli();
            for (StoredEvent s : EventSql.impressionsOf(c, viewers, since)) {
                views.computeIfAbsent(s.pseudonym(), p -> new ArrayList<>()).add(s);
            }
        }
        readConversionKeys(c, batch, byKey, clicks, views);
        BatchBudget budget = new BatchBudget(limits);
        try {
            return write(c, batch, byKey, clicks, views, budget);
        } catch (SQLException | RuntimeException e) {
            budget.giveBack();
            throw e;
        }
    }

    private Written write(Connection c, List<PendingEvent> batch, Map<String, StoredEvent> byKey,
                          Map<String, StoredEvent> clicks, Map<String, List<StoredEvent>> views, BatchBudget budget)
            throws SQLException {
        List<StoredEvent> inserts = new ArrayList<>();
        List<LiftPeople.Conversion> liftConversions = new ArrayList<>();
        List<LiftPeople.Entry> arrivals = new ArrayList<>();
        List<Object> outcomes = new ArrayList<>(batch.size());
        for (PendingEvent e : batch) {
            Object outcome = switch (e) {
                case PendingEvent.Impression i -> impression(i, byKey, views, inserts, budget);
                case PendingEvent.Click k -> click(k, byKey, clicks, inserts, budget);
                case PendingEvent.Conversion v -> conversion(v, byKey, clicks, views, inserts, budget, liftConversions);
                case PendingEvent.Ghost g -> ghost(g, byKey, inserts, arrivals);
                case PendingEvent.Exposure x -> arrivals.add(LiftPeople.Entry.of(x.ad(), false, x.at()));
            };
            outcomes.add(outcome);
        }
        EventSql.insert(c, inserts);
        Map<RollupCell, Tally> cells = new HashMap<>();
        inserts.forEach(row -> RollupCell.addTo(cells, row));
        PeriodBlocks.addBlocks(cells);
        RollupSql.apply(c, cells);
        InvalidClickReasons.add(c, inserts);
        LiftPeople.apply(c, arrivals, liftConversions);
        return new Written(outcomes, budget.charges());
    }

    private ImpressionOutcome impression(PendingEvent.Impression i, Map<String, StoredEvent> byKey,
                                         Map<String, List<StoredEvent>> views, List<StoredEvent> inserts,
                                         BatchBudget budget) {
        AdServed ad = i.token().ad();
        if (i.viewability() != Viewability.NOT_MEASURED) {
            // Viewable implies rendered: the rendered signal may have been lost on the way.
            mark(StoredEvent.RENDERED, renderedKey(ad), i, byKey, inserts);
        }
        if (i.viewability() == Viewability.RENDERED) {
            return new ImpressionOutcome(false);
        }
        if (i.viewability() == Viewability.VIEWABLE) {
            mark(StoredEvent.VIEWABLE, viewableKey(ad), i, byKey, inserts);
        }
        String key = impressionKey(ad);
        if (byKey.containsKey(key)) {
            return new ImpressionOutcome(false);
        }
        long price = impressionCost(ad);
        long cost = budget.charge(ad.campaignId(), i.at(), price);
        StoredEvent row = StoredEvent.ofAd(StoredEvent.IMPRESSION, i.at(), ad, cost, true, null, null, key);
        byKey.put(key, row);
        if (ad.pseudonym() != null) {
            views.computeIfAbsent(ad.pseudonym(), p -> new ArrayList<>()).add(row);
        }
        inserts.add(row);
        return new ImpressionOutcome(true, cost < price);
    }

    /** A ghost impression's row, once per ad: no cost, and no impression (see {@link StoredEvent#GHOST}). */
    private static Boolean ghost(PendingEvent.Ghost g, Map<String, StoredEvent> byKey, List<StoredEvent> inserts,
                                 List<LiftPeople.Entry> arrivals) {
        String key = ghostKey(g.ad());
        if (byKey.containsKey(key)) {
            return false;
        }
        if (g.ad().pseudonym() != null && g.ad().advertiserId() != null) {
            arrivals.add(LiftPeople.Entry.of(g.ad(), true, g.at()));
        }
        StoredEvent row = StoredEvent.ofAd(StoredEvent.GHOST, g.at(), g.ad(), 0, true, null, null, key);
        byKey.put(key, row);
        inserts.add(row);
        return true;
    }

    /** Adds the ad's viewability row of {@code kind} unless it has one already. */
    private static void mark(String kind, String key, PendingEvent.Impression i, Map<String, StoredEvent> byKey,
                             List<StoredEvent> inserts) {
        if (!byKey.containsKey(key)) {
            StoredEvent row = StoredEvent.measurement(kind, i.at(), i.token().ad(), key);
            byKey.put(key, row);
            inserts.add(row);
        }
    }

    private ClickOutcome click(PendingEvent.Click k, Map<String, StoredEvent> byKey,
                               Map<String, StoredEvent> clicks, List<StoredEvent> inserts, BatchBudget budget) {
        AdServed ad = k.token().ad();
        String key = clickKey(ad, k.context());
        StoredEvent earlier = byKey.get(key);
        if (earlier != null) {
            return new ClickOutcome(false, earlier.valid(), earlier.reason(), k.clickId());
        }
        StoredEvent impression = byKey.get(impressionKey(ad));
        String reason = judge.judge(new ClickFacts(ad, k.at(), impression == null ? null : impression.at(), k.context()));
        boolean valid = reason == null;
        long price = clickCost(ad, valid);
        long cost = budget.charge(ad.campaignId(), k.at(), price);
        StoredEvent row = StoredEvent.ofAd(StoredEvent.CLICK, k.at(), ad, cost, valid, reason, k.clickId(), key);
        byKey.put(key, row);
        if (!PrefetchRule.REASON.equals(reason)) {
            clicks.put(k.clickId(), row); // a prefetch is no click a conversion may be credited to
        }
        inserts.add(row);
        return new ClickOutcome(true, valid, reason, k.clickId(), cost < price);
    }

    /**
     * What a conversion is credited to: its click when valid and within the window, else
     * (view-through) its pseudonym's latest impression; {@code source} null when neither.
     */
    private record Credit(StoredEvent click, StoredEvent source, String reason, boolean viewThrough) {
    }

    private Credit credit(PendingEvent.Conversion v, Map<String, StoredEvent> clicks,
                          Map<String, List<StoredEvent>> views) {
        ConversionRequest r = v.request();
        StoredEvent click = r.clickId() == null ? null : clicks.get(r.clickId());
        String reason = null;
        StoredEvent source = null;
        if (r.clickId() != null) {
            reason = click == null ? UNKNOWN_CLICK
                    : !click.valid() ? INVALID_CLICK
                    : Duration.between(click.at(), v.at()).compareTo(attribution.clickWindowOf(click.campaignId())) > 0
                    ? OUTSIDE_WINDOW
                    : null;
            source = reason == null ? click : null;
        }
        boolean viewThrough = false;
        if (source == null && r.measurementPseudonym() != null) {
            source = latestView(views.get(r.measurementPseudonym().value()), r.advertiserId(), v.at());
            viewThrough = source != null;
            reason = source != null ? null : reason == null ? NO_VIEW : reason;
        }
        return new Credit(click, source, reason, viewThrough);
    }

    /**
     * The key that makes a credited conversion count once: its campaign and order id; without
     * an order id, under "one" counting, the credited click (or impression) and the event name;
     * null (counts every time) for a campaign counting every conversion.
     */
    private String conversionKey(ConversionRequest r, StoredEvent source) {
        if (r.orderId() != null) {
            return orderKey(source.campaignId(), r.orderId());
        }
        if (attribution.countsEveryConversion().test(source.campaignId())) {
            return null;
        }
        return onceKey(source.dedupeKey(), r.event());
    }

    /**
     * The stored conversions that the batch's conversions may repeat, by key: the keys of "one"
     * counting and order ids hang on the credited click or impression, known only once the
     * clicks and impressions are read; one SELECT for the batch.
     */
    private void readConversionKeys(Connection c, List<PendingEvent> batch, Map<String, StoredEvent> byKey,
                                    Map<String, StoredEvent> clicks, Map<String, List<StoredEvent>> views)
            throws SQLException {
        Set<String> keys = new LinkedHashSet<>();
        for (PendingEvent e : batch) {
            if (e instanceof PendingEvent.Conversion v) {
                StoredEvent source = credit(v, clicks, views).source();
                String key = source == null ? null : conversionKey(v.request(), source);
                if (key != null && !byKey.containsKey(key)) {
                    keys.add(key);
                }
            }
        }
        for (StoredEvent s : EventSql.lookup(c, keys, Set.of(), Set.of())) {
            byKey.put(s.dedupeKey(), s);
        }
    }

    private ConversionOutcome conversion(PendingEvent.Conversion v, Map<String, StoredEvent> byKey,
                                         Map<String, StoredEvent> clicks, Map<String, List<StoredEvent>> views,
                                         List<StoredEvent> inserts, BatchBudget budget,
                                         List<LiftPeople.Conversion> lift) {
        ConversionRequest r = v.request();
        Credit credit = credit(v, clicks, views);
        // Lift tests count every conversion reported with the person, credited or not, repeats
        // included: a held-out person's conversions are never credited, so the crediting rules
        // cannot de-duplicate them, and both groups must be counted alike.
        if (r.measurementPseudonym() != null) {
            lift.add(new LiftPeople.Conversion(r.measurementPseudonym().value(), r.advertiserId(),
                    v.at().toEpochMilli(), r.valueMicros()));
        }
        StoredEvent click = credit.click();
        StoredEvent source = credit.source();
        boolean viewThrough = credit.viewThrough();
        if (source == null) {
            // Kept for audit, never credited: no advertiser unless the click is known.
            inserts.add(new StoredEvent(StoredEvent.CONVERSION, v.at(),
                    click == null ? null : click.advertiserId(), click == null ? null : click.campaignId(),
                    click == null ? null : click.creativeId(), null, null, null, null, 0, 0,
                    r.valueMicros(), r.currency(), r.event(), false, credit.reason(), r.clickId(), r.orderId(), null,
                    null, null, click == null ? null : click.channel()));
            return new ConversionOutcome(true, false, null);
        }
        String key = conversionKey(r, source);
        if (key != null && byKey.containsKey(key)) {
            return new ConversionOutcome(false, true, source.campaignId(), viewThrough);
        }

        long price = conversionCost(source.bidModel(), source.priceMicros());
        long cost = budget.charge(source.campaignId(), v.at(), price);
        StoredEvent row = new StoredEvent(StoredEvent.CONVERSION, v.at(), source.advertiserId(),
                source.campaignId(), source.creativeId(), source.slot(), source.site(), source.matchedBy(),
                source.bidModel(), source.priceMicros(), cost, r.valueMicros(), r.currency(), r.event(),
                true, null, r.clickId(), r.orderId(), key, source.pseudonym(), source.region(), source.channel());
        if (key != null) {
            byKey.put(key, row);
        }
        inserts.add(row);
        return new ConversionOutcome(true, true, source.campaignId(), viewThrough, cost < price);
    }

    /** The latest impression (of {@code advertiserId}, when given) within the view window before {@code at}. */
    private StoredEvent latestView(List<StoredEvent> impressions, String advertiserId, Instant at) {
        if (impressions == null) {
            return null;
        }
        Instant since = at.minus(attribution.viewWindow());
        StoredEvent best = null;
        for (StoredEvent s : impressions) {
            boolean inWindow = !s.at().isBefore(since) && !s.at().isAfter(at);
            boolean ours = advertiserId == null || advertiserId.equals(s.advertiserId());
            if (inWindow && ours && (best == null || s.at().isAfter(best.at()))) {
                best = s;
            }
        }
        return best;
    }

    static long impressionCost(AdServed ad) {
        return "CPM".equals(ad.bidModel()) ? ad.priceMicros() : 0;
    }

    static long clickCost(AdServed ad, boolean valid) {
        return valid && "CPC".equals(ad.bidModel()) ? ad.priceMicros() * NANOS_PER_MICRO : 0;
    }

    static long conversionCost(String bidModel, long priceMicros) {
        return "CPA".equals(bidModel) ? priceMicros * NANOS_PER_MICRO : 0;
    }

    static String impressionKey(AdServed ad) {
        return "i:" + ad.adId();
    }

    static String renderedKey(AdServed ad) {
        return "r:" + ad.adId();
    }

    static String ghostKey(AdServed ad) {
        return "g:" + ad.adId();
    }

    static String viewableKey(AdServed ad) {
        return "v:" + ad.adId();
    }

    /** A prefetch has its own key: the real click that may follow it must still count. */
    static String clickKey(AdServed ad, ClickContext context) {
        return (context.prefetch() ? "p:" : "c:") + ad.adId();
    }

    /** Hashed so any campaign and order id lengths fit the key column; length-prefixed to stay unambiguous. */
    static String orderKey(String campaignId, String orderId) {
        return hashedKey("o:", campaignId, orderId);
    }

    /**
     * The one conversion named {@code event} that the click or impression whose own key is
     * {@code sourceKey} may yield under "one" counting. The source key names the ad, so the
     * campaign is implied.
     */
    static String onceKey(String sourceKey, String event) {
        return hashedKey("n:", sourceKey, event);
    }

    private static String hashedKey(String prefix, String first, String second) {
        String joined = first.length() + ":" + first + second;
        return prefix + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(Digests.sha256(joined.getBytes(StandardCharsets.UTF_8)));
    }
}
