package io.precis.matcher.match;

import io.precis.matcher.auction.CampaignStats;
import io.precis.matcher.auction.ExpectedRates;
import io.precis.matcher.campaign.BidModel;
import io.precis.matcher.campaign.Goal;
import io.precis.matcher.index.IndexedCampaign;
import io.precis.matcher.index.TargetingMask;

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
    /**
     * {@code 1 + ln(1 + n)} for the hit counts that occur (a campaign has at most a few dozen
     * keywords and segments): {@link Math#log1p} is not intrinsified and took ~8% of a match.
     */
    private static final double[] LOG_FIT = new double[64];

    /**
     * Per goal (by ordinal) and hit count below {@link #FACTOR_TABLE}: the weighted contextual,
     * demographic and behavioural factors of {@link #relevance}, so bounding each candidate
     * computes no square root.
     */
    private static final int FACTOR_TABLE = 64;
    private static final double[][] CONTEXTUAL_FACTOR = new double[Goal.values().length][FACTOR_TABLE];
    private static final double[][] DEMOGRAPHIC_FACTOR = new double[Goal.values().length][FACTOR_TABLE];
    private static final double[][] BEHAVIOURAL_FACTOR = new double[Goal.values().length][FACTOR_TABLE];

    static {
        for (int n = 0; n < LOG_FIT.length; n++) {
            LOG_FIT[n] = 1 + Math.log1p(n);
        }
        for (Goal goal : Goal.values()) {
            for (int n = 0; n < FACTOR_TABLE; n++) {
                CONTEXTUAL_FACTOR[goal.ordinal()][n] = weighted(logFit(n), goal, Goal.AWARENESS);
                DEMOGRAPHIC_FACTOR[goal.ordinal()][n] = weighted(1 + DEMOGRAPHIC_STEP * n, goal, Goal.REACH);
                BEHAVIOURAL_FACTOR[goal.ordinal()][n] = weighted(logFit(n), goal, Goal.CONVERSION);
            }
        }
    }

    private Ranking() {
    }

    /** What one impression of {@code c} is expected to earn. */
    static double valuePerImpression(IndexedCampaign ic, CampaignStats stats) {
        double amount = ic.bidAmount();
        return switch (ic.bidModel()) {
            case CPM -> amount / IMPRESSIONS_PER_CPM;
            case CPC -> amount * ExpectedRates.ctr(stats.counts(ic.id()));
            case CPA -> {
                CampaignStats.Counts counts = stats.counts(ic.id()); // one look-up for both rates
                yield amount * ExpectedRates.ctr(counts) * ExpectedRates.cvr(counts);
            }
        };
    }

    /**
     * An upper bound of the score of candidate {@code ic} (bid {@code bidAmount}, the rest in
     * {@code rankKey}: {@link IndexedCampaign#rankKey}) for a request whose
     * {@link TargetingMask} pre-check gave {@code facts}: {@link #valueBound} ×
     * {@link #maxRelevance}. Reads {@code ic} only when {@code facts} are unknown (a campaign
     * changed since the index reader opened); otherwise two numbers from the index's arrays and
     * tables of the relevance factors, computed as {@link #relevance} computes them, so the
     * bound of a candidate that hits everything equals its score to the last bit.
     */
    static double scoreBound(IndexedCampaign ic, int facts, double bidAmount, int rankKey,
                             double ctrBound, double cvrBound) {
        double value = valueBound(bidAmount, IndexedCampaign.bidModelOf(rankKey), ctrBound, cvrBound);
        if (facts == TargetingMask.UNKNOWN) {
            return value * maxRelevance(ic, facts);
        }
        int contextual = IndexedCampaign.contextualTargetsOf(rankKey);
        int demographic = TargetingMask.demographicHits(facts)
                + (!TargetingMask.simple(facts) && IndexedCampaign.geofencedOf(rankKey) ? 1 : 0);
        int segments = TargetingMask.segmentHits(facts);
        Goal goal = IndexedCampaign.goalOf(rankKey);
        if (contextual >= FACTOR_TABLE || demographic >= FACTOR_TABLE || segments >= FACTOR_TABLE) {
            return value * relevance(contextual, demographic, segments, goal);
        }
        int g = goal.ordinal();
        return value * (CONTEXTUAL_FACTOR[g][contextual] * DEMOGRAPHIC_FACTOR[g][demographic]
                * BEHAVIOURAL_FACTOR[g][segments]);
    }

    /**
     * An upper bound of {@link #valuePerImpression} without looking up the campaign's history:
     * exact for CPM, the bid × the highest CTR (and CVR) any campaign has for CPC (and CPA).
     * Computed the same way as the value, so rounding keeps it above.
     */
    static double valueBound(double amount, BidModel model, double ctrBound, double cvrBound) {
        return switch (model) {
            case CPM -> amount / IMPRESSIONS_PER_CPM;
            case CPC -> amount * ctrBound;
            case CPA -> amount * ctrBound * cvrBound;
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
        return relevance(fit.contextualHits(), fit.demographicHits() + (fit.geo() ? 1 : 0),
                fit.segmentHits(), goal);
    }

    /**
     * An upper bound of {@link #relevance} of {@code ic} for a request whose
     * {@link TargetingMask} pre-check gave {@code facts}: every keyword and category hit, every
     * targeted demographic dimension (exact from known facts) and its geofence, every segment
     * (exact from known facts). Computed the same way as the relevance itself, and each factor
     * only grows with its hits (rounding is monotone too), so no fit can exceed it.
     */
    static double maxRelevance(IndexedCampaign ic, int facts) {
        int contextual = ic.contextualTargets();
        int demographic;
        int segments;
        boolean geo;
        if (facts == TargetingMask.UNKNOWN) {
            demographic = ic.demographicTargets();
            segments = ic.segments().size();
            geo = ic.geofenced();
        } else {
            demographic = TargetingMask.demographicHits(facts);
            segments = TargetingMask.segmentHits(facts);
            // Simple facts say there is no geofence.
            geo = !TargetingMask.simple(facts) && ic.geofenced();
        }
        return relevance(contextual, demographic + (geo ? 1 : 0), segments, ic.goal());
    }

    /** The relevance of these hits ({@code demographic} counts a geofence hit as one more). */
    private static double relevance(int contextualHits, int demographicHits, int segmentHits, Goal goal) {
        double contextual = logFit(contextualHits);
        double demographic = 1 + DEMOGRAPHIC_STEP * demographicHits;
        double behavioural = logFit(segmentHits);
        return weighted(contextual, goal, Goal.AWARENESS)
                * weighted(demographic, goal, Goal.REACH)
                * weighted(behavioural, goal, Goal.CONVERSION);
    }

    /** {@code 1 + ln(1 + hits)}. */
    private static double logFit(int hits) {
        return hits < LOG_FIT.length ? LOG_FIT[hits] : 1 + Math.log1p(hits);
    }

    /**
     * {@code fit} to the power of the goal's weight for this kind; the weights 1 and ½ skip
     * {@code Math.pow} (whose result for them is exactly {@code fit} and its square root).
     */
    private static double weighted(double fit, Goal goal, Goal favouring) {
        double w = goal == favouring ? PRIMARY_WEIGHT : SECONDARY_WEIGHT;
        return w == 1 ? fit : w == 0.5 ? Math.sqrt(fit) : Math.pow(fit, w);
    }
}
