package io.precis.matcher.auction;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@link CampaignStats} counted in memory: the gateway feeds it as measurement events are
 * accepted (and may seed it from stored aggregates at start-up). Thread-safe.
 */
public final class InMemoryCampaignStats implements CampaignStats {
    private final ConcurrentHashMap<String, Counts> counts = new ConcurrentHashMap<>();

    /** Counts one impression of {@code campaignId}. */
    public void recordImpression(String campaignId) {
        of(campaignId).impressions.increment();
    }

    /** Counts one valid click on {@code campaignId}. */
    public void recordClick(String campaignId) {
        of(campaignId).clicks.increment();
    }

    /** Counts one conversion attributed to {@code campaignId}. */
    public void recordConversion(String campaignId) {
        of(campaignId).conversions.increment();
    }

    /**
     * Sets {@code campaignId}'s counts to stored totals (start-up seeding), replacing whatever
     * was counted before: seeding twice with the same totals leaves the same counts. Not atomic
     * with concurrent {@code record*} calls of the same campaign; seed before serving.
     */
    public void seed(String campaignId, long impressions, long clicks, long conversions) {
        Counts c = of(campaignId);
        c.impressions.reset();
        c.impressions.add(impressions);
        c.clicks.reset();
        c.clicks.add(clicks);
        c.conversions.reset();
        c.conversions.add(conversions);
    }

    @Override
    public long impressions(String campaignId) {
        Counts c = counts.get(campaignId);
        return c == null ? 0 : c.impressions.sum();
    }

    @Override
    public long clicks(String campaignId) {
        Counts c = counts.get(campaignId);
        return c == null ? 0 : c.clicks.sum();
    }

    @Override
    public long conversions(String campaignId) {
        Counts c = counts.get(campaignId);
        return c == null ? 0 : c.conversions.sum();
    }

    private Counts of(String campaignId) {
        return counts.computeIfAbsent(campaignId, k -> new Counts());
    }

    private static final class Counts {
        final LongAdder impressions = new LongAdder();
        final LongAdder clicks = new LongAdder();
        final LongAdder conversions = new LongAdder();
    }
}
