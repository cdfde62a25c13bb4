package io.precis.matcher.match;

import io.precis.matcher.auction.CampaignStats;
import io.precis.matcher.auction.ExpectedRates;
import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.campaign.Goal;

/**
 * What ads are ranked by: expected value of one impression × relevance, where relevance weighs
 * the fit of each targeting kind by the campaign's goal. Amounts are compared as numbers
 * whatever their currency: a deployment bills in one currency (CNY).
 *
 * <pre>
 * value     = CPM: bid / 1000 | CPC: bid × ctr | CPA: bid × ctr × cvr   (rates: {@link ExpectedRates})
 * relevance = contextualFit^wc × demographicFit^wd × behaviouralFit^wb
 * score     = value × relevance
 * </pre>
 */
final class Ranking {
    /** CPM bids are per thousand impressions. */
    private static final double IMPRESSIONS_PER_CPM = 1000;
    /**
     * Each matched demographic dimension (age, gender, region) and a matched geofence adds this
     * to the demographic fit: a campaign fitting all four is twice as relevant as an untargeted
     * one, about what one contextual hit is worth (1 + ln 2 = 1.69).
     */
    static final double DEMOGRAPHIC_STEP = 0.25;
    /** The weight of the kinds a goal does not favour: they count, at square root strength. */
    static final double SECONDARY_WEIGHT = 0.5;
    /** The weight of the kind a goal favours. */
    static final double PRIMARY_WEIGHT = 1.0;

    private Ranking() {
    }

    /** What one impression of {@code c} is expected to earn. */
    static double valuePerImpression(Campaign c, CampaignStats stats) {
        double amount = c.bid().amount().doubleValue();
        return switch (c.bid().model()) {
            case CPM -> amount / IMPRESSIONS_PER_CPM;
            case CPC -> amount * ExpectedRates.ctr(stats, c.id());
            case CPA -> amount * ExpectedRates.ctr(stats, c.id()) * ExpectedRates.cvr(stats, c.id());
        };
    }

    /**
     * The fits, each 1 when the kind is untargeted: contextual 1 + ln(1 + hits) (any hit beats
     * untargeted, more hits help with diminishing returns, so keyword stuffing cannot outbid a
     * much higher bid); demographic 1 + {@link #DEMOGRAPHIC_STEP} × (matched dimensions + geo);
     * behavioural 1 + ln(1 + matched segments). Goal weights (exponents wc, wd, wb): awareness
     * favours contextual relevance (1, ½, ½), reach favours demographic fit (½, 1, ½),
     * conversion favours behavioural fit (½, ½, 1).
     */
    static double relevance(Fit fit, Goal goal) {
        double contextual = 1 + Math.log1p(fit.contextualHits());
        double demographic = 1 + DEMOGRAPHIC_STEP * (fit.demographicHits() + (fit.geo() ? 1 : 0));
        double behavioural = 1 + Math.log1p(fit.segmentHits());
        return Math.pow(contextual, weight(goal, Goal.AWARENESS))
                * Math.pow(demographic, weight(goal, Goal.REACH))
                * Math.pow(behavioural, weight(goal, Goal.CONVERSION));
    }

    private static double weight(Goal goal, Goal favouring) {
        return goal == favouring ? PRIMARY_WEIGHT : SECONDARY_WEIGHT;
    }
}
