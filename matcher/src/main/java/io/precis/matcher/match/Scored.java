package io.precis.matcher.match;

import io.precis.matcher.index.IndexedCampaign;
import java.util.Comparator;

/** A campaign that fits a request, with its fit, relevance and score (value × relevance). */
record Scored(IndexedCampaign campaign, Fit fit, double relevance, double score) {
    /** Best first: higher score, then campaign id for a stable order between equal scores. */
    static final Comparator<Scored> BEST = Comparator.comparingDouble(Scored::score)
            .reversed().thenComparing(s -> s.campaign().campaign().id());

    /** {@code ic} scored with {@code value}, its expected value of one impression. */
    static Scored of(IndexedCampaign ic, Fit fit, double value) {
        double relevance = Ranking.relevance(fit, ic.goal());
        return new Scored(ic, fit, relevance, value * relevance);
    }
}
