package io.precis.matcher.match;

import io.precis.matcher.campaign.Bid;
import io.precis.matcher.campaign.Goal;

/**
 * Expected value of showing an ad once, and how relevance and goal weight it. Amounts are
 * compared as numbers whatever their currency: a deployment bills in one currency (CNY).
 */
final class Ranking {
    /** CPM bids are per thousand impressions. */
    private static final double IMPRESSIONS_PER_CPM = 1000;
    /**
     * Click-through rate assumed for every ad until measured ones exist: display banners
     * typically see 0.1-1%; the upper end keeps CPC bids competitive with CPM at launch.
     */
    static final double PRIOR_CTR = 0.01;
    /** Conversions per click assumed until measured: e-commerce averages are around 2-5%. */
    static final double PRIOR_CVR = 0.05;

    private Ranking() {
    }

    /** What one impression is expected to earn under {@code bid}. */
    static double valuePerImpression(Bid bid) {
        double amount = bid.amount().doubleValue();
        return switch (bid.model()) {
            case CPM -> amount / IMPRESSIONS_PER_CPM;
            case CPC -> amount * PRIOR_CTR;
            case CPA -> amount * PRIOR_CTR * PRIOR_CVR;
        };
    }

    /**
     * 1 for a campaign without contextual targeting; 1 + ln(1 + hits) for a contextual hit: any
     * hit beats untargeted (1.69 for one hit) and more hits help with diminishing returns, so
     * keyword stuffing cannot outbid a much higher bid.
     */
    static double relevance(boolean contextual, int hits) {
        return contextual ? 1 + Math.log1p(hits) : 1;
    }

    /**
     * How much the goal favours this match. 1.0 for every goal for now: only contextual
     * targeting is matched yet, so there is nothing to trade off. The full-targeting issue
     * refines this (awareness favours contextual, reach demographic, conversion behavioural).
     */
    static double goalWeight(Goal goal) {
        return 1.0;
    }
}
