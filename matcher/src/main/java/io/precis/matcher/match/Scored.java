package io.precis.matcher.match;

import io.precis.matcher.index.IndexedCampaign;
import java.util.Comparator;

/** A campaign that fits a request, with its fit, relevance and score (value × relevance). */
record Scored(IndexedCampaign campaign, Fit fit, double relevance, double score) {
    /** Best first: higher score, then campaign id for a stable order between equal scores. */
    static final Comparator<Scored> BEST = Comparator.comparingDouble(Scored::score)
            .reversed().thenComparing(s -> s.campaign().campaign().id());

    /**
     * {@code ic} scored with {@code value}, its expected value of one impression; a caution-list
     * member's score is multiplied by the campaign's caution multiplier (at most 1, so every
     * bound of {@link Ranking#scoreBound} stays above it).
     */
    static Scored of(IndexedCampaign ic, Fit fit, double value) {
        double relevance = Ranking.relevance(fit, ic.goal());
        double score = value * relevance;
        if (fit.caution()) {
            score *= ic.campaign().targeting().audiences().cautionBidMultiplier();
        }
        return new Scored(ic, fit, relevance, score);
    }
}
