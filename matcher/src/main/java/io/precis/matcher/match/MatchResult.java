package io.precis.matcher.match;

import java.util.List;

/**
 * What {@link CampaignMatcher#matchResult} chose, with how much work it took.
 *
 * @param ads up to the query's count, best score first (as {@link CampaignMatcher#match})
 * @param candidates campaigns that passed the contextual index query and the packed-bit
 *     pre-check of their targeting: the ones that might fit
 * @param evaluated candidates whose targeting was fully checked and scored; the others could
 *     not have entered the auction (the winners and the runner-up), by their score's upper
 *     bound, so they were skipped
 * @param heldOut the ads that would have been among {@code ads} but whose campaign holds this
 *     person out of its lift test ({@link io.precis.matcher.lift.HoldOut}): never served, no
 *     cap slot or budget taken, price zero; the next ads took their places. Each has its own
 *     fresh ad id, for the "would have served" (ghost) impression recorded in its stead
 */
public record MatchResult(List<MatchedAd> ads, int candidates, int evaluated, List<MatchedAd> heldOut) {
    /** Nothing asked for, nothing looked at. */
    static final MatchResult NONE = new MatchResult(List.of(), 0, 0);

    public MatchResult {
        ads = List.copyOf(ads);
        heldOut = List.copyOf(heldOut);
    }

    /** A result that held nobody out. */
    public MatchResult(List<MatchedAd> ads, int candidates, int evaluated) {
        this(ads, candidates, evaluated, List.of());
    }
}
