package io.precis.matcher.index;

/** Receives the candidates of {@link CampaignIndex#visitCandidates}. */
@FunctionalInterface
public interface CandidateVisitor {
    /**
     * @param campaign the current version of a candidate campaign
     * @param facts what the {@link TargetingMask} pre-check established:
     *     {@link TargetingMask#UNKNOWN}, or facts read with
     *     {@link TargetingMask#demographicHits} and {@link TargetingMask#segmentHits} (every
     *     targeted age, gender, region and segment dimension is then certainly hit); and
     *     {@link TargetingMask#scheduleOpen} when the mask had the request's time
     * @param bidAmount {@code campaign.bidAmount()}, and
     * @param rankKey {@code campaign.rankKey()}, both read from the index's per-document arrays
     *     so that a visitor that only bounds the candidate's score need not touch its object
     */
    void visit(IndexedCampaign campaign, int facts, double bidAmount, int rankKey);
}
