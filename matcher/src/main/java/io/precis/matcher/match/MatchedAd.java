package io.precis.matcher.match;

import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.campaign.Creative;
import java.math.BigDecimal;
import java.util.List;

/**
 * One ad chosen for a request.
 *
 * @param creative one of the campaign's creatives that fits the slot
 * @param matchedBy the targeting kinds the ad matched on; empty for an untargeted campaign
 * @param relevance 1 for untargeted, higher the more the page matches
 * @param score what ads are ranked by (value per impression × relevance × goal weight)
 * @param price what the advertiser pays per unit of its bid model (first price for now)
 */
public record MatchedAd(Campaign campaign, Creative creative, List<TargetingKind> matchedBy,
                        double relevance, double score, BigDecimal price) {
    public MatchedAd {
        matchedBy = List.copyOf(matchedBy);
    }
}
