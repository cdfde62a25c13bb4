package io.precis.matcher.auction;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link CampaignStats} counted in memory: the gateway feeds it as measurement events are
 * accepted (and may seed it from stored aggregates at start-up). Thread-safe.
 *
 * <p>Each campaign's counts are one immutable {@link Counts}, replaced atomically per event: ranking
 * reads them for every candidate of every request (one map look-up and one small object), far
 * more often than events change them. The highest rate any campaign has had is kept as
 * {@link #ctrBound} and {@link #cvrBound} (raised as events come, never lowered: a bound may be
 * loose, never too low).
 */
public final class InMemoryCampaignStats implements CampaignStats {
    private static final Counts IMPRESSION = new Counts(1, 0, 0);
    private static final Counts CLICK = new Counts(0, 1, 0);
    private static final Counts CONVERSION = new Counts(0, 0, 1);

    private final ConcurrentHashMap<String, Counts> counts = new ConcurrentHashMap<>();
    /** Bits of the highest CTR and CVR so far; a campaign without counts has the priors. */
    private final AtomicLong ctrBound = new AtomicLong(Double.doubleToLongBits(ExpectedRates.PRIOR_CTR));
    private final AtomicLong cvrBound = new AtomicLong(Double.doubleToLongBits(ExpectedRates.PRIOR_CVR));

    /** Counts one impression of {@code campaignId}. */
    public void recordImpression(String campaignId) {
        raise(counts.merge(campaignId, IMPRESSION, InMemoryCampaignStats::sum));
    }

    /** Counts one valid click on {@code campaignId}. */
    public void recordClick(String campaignId) {
        raise(counts.merge(campaignId, CLICK, InMemoryCampaignStats::sum));
    }

    /** Counts one conversion attributed to {@code campaignId}. */
    public void recordConversion(String campaignId) {
        raise(counts.merge(campaignId, CONVERSION, InMemoryCampaignStats::sum));
    }

    /**
     * Sets {@code campaignId}'s counts to stored totals (start-up seeding), replacing whatever
     * was counted before: seeding twice with the same totals leaves the same counts. Events
     * counted concurrently for the same campaign may be lost; seed before serving.
     */
    public void seed(String campaignId, long impressions, long clicks, long conversions) {
        Counts c = new Counts(impressions, clicks, conversions);
        counts.put(campaignId, c);
        raise(c);
    }

    @Override
    public long impressions(String campaignId) {
        return counts(campaignId).impressions();
    }

    @Override
    public long clicks(String campaignId) {
        return counts(campaignId).clicks();
    }

    @Override
    public long conversions(String campaignId) {
        return counts(campaignId).conversions();
    }

    @Override
    public Counts counts(String campaignId) {
        return counts.getOrDefault(campaignId, Counts.NONE);
    }

    @Override
    public double ctrBound() {
        return Double.longBitsToDouble(ctrBound.get());
    }

    @Override
    public double cvrBound() {
        return Double.longBitsToDouble(cvrBound.get());
    }

    /** Raises the bounds to {@code c}'s rates where they are higher (rates are never negative). */
    private void raise(Counts c) {
        raise(ctrBound, ExpectedRates.ctr(c));
        raise(cvrBound, ExpectedRates.cvr(c));
    }

    private static void raise(AtomicLong bound, double rate) {
        long bits = Double.doubleToLongBits(rate);
        // Non-negative doubles order as their bits do.
        if (bits > bound.get()) {
            bound.accumulateAndGet(bits, Math::max);
        }
    }

    private static Counts sum(Counts a, Counts b) {
        return new Counts(a.impressions() + b.impressions(), a.clicks() + b.clicks(),
                a.conversions() + b.conversions());
    }
}
