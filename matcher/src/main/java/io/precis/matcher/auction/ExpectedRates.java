package io.precis.matcher.auction;

/**
 * Expected click-through and conversion rates of a campaign, smoothed towards a prior (a beta
 * prior, i.e. pseudo-counts): rate = (events + prior × weight) / (trials + weight). A new
 * campaign starts at the prior, so it competes fairly; its own history takes over as it grows
 * (at {@code weight} trials it counts half).
 */
public final class ExpectedRates {
    /**
     * Click-through rate before any history: display banners typically see 0.1-1%; the upper
     * end keeps CPC bids competitive with CPM at launch.
     */
    public static final double PRIOR_CTR = 0.01;
    /** Weight of the CTR prior in impressions: 1,000 impressions (10 expected clicks). */
    public static final double PRIOR_IMPRESSIONS = 1000;
    /** Conversions per click before any history: e-commerce averages are around 2-5%. */
    public static final double PRIOR_CVR = 0.05;
    /** Weight of the CVR prior in clicks: 100 clicks (5 expected conversions). */
    public static final double PRIOR_CLICKS = 100;

    private ExpectedRates() {
    }

    /** Smoothed clicks per impression of {@code campaignId}. */
    public static double ctr(CampaignStats stats, String campaignId) {
        return ctr(stats.counts(campaignId));
    }

    /** Smoothed conversions per click of {@code campaignId}. */
    public static double cvr(CampaignStats stats, String campaignId) {
        return cvr(stats.counts(campaignId));
    }

    /** Smoothed clicks per impression of a campaign with these counts. */
    public static double ctr(CampaignStats.Counts c) {
        return smooth(c.clicks(), c.impressions(), PRIOR_CTR, PRIOR_IMPRESSIONS);
    }

    /** Smoothed conversions per click of a campaign with these counts. */
    public static double cvr(CampaignStats.Counts c) {
        return smooth(c.conversions(), c.clicks(), PRIOR_CVR, PRIOR_CLICKS);
    }

    static double smooth(long events, long trials, double prior, double weight) {
        double rate = (Math.max(0, events) + prior * weight) / (Math.max(0, trials) + weight);
        return Math.min(1, rate);
    }
}
