package io.precis.matcher.match;

import io.precis.matcher.campaign.Bid;
import io.precis.matcher.campaign.BidModel;
import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.campaign.Creative;
import io.precis.matcher.delivery.Money;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * One ad chosen for a request.
 *
 * @param adId a fresh random id for this one ad (its tokens carry it; a capped campaign's
 *     reservation in the delivery ledger is under it)
 * @param creative one of the campaign's creatives that fits the slot
 * @param matchedBy the targeting kinds the ad matched on; empty for an untargeted campaign
 * @param relevance 1 for untargeted, higher the better the fit (weighted by the goal)
 * @param score what ads are ranked by (expected value per impression × relevance)
 * @param price the second price charged, in the unit of the campaign's bid model (per thousand
 *     impressions for CPM, per click for CPC, per conversion for CPA); never above the bid
 */
public record MatchedAd(String adId, Campaign campaign, Creative creative, List<TargetingKind> matchedBy,
                        double relevance, double score, BigDecimal price) {
    public MatchedAd {
        matchedBy = List.copyOf(matchedBy);
    }

    /**
     * What one billable event of this ad costs, in micros (1 unit = 1,000,000): the impression
     * for CPM (price / 1000), the click for CPC, the conversion for CPA. Record it with the
     * impression, and as spend when the billable event happens.
     */
    public long chargeMicros() {
        return Money.chargeMicros(campaign.bid(), price);
    }

    /**
     * What this ad is worth per thousand impressions at its price, in its campaign's currency:
     * the price itself for CPM; for CPC and CPA the price × the expected events per impression
     * its ranking used (value per impression / bid), × 1,000. Rounded down to 4 decimals, so
     * never above what the price is worth. What an exchange is bid, and what a floor is met by.
     */
    public BigDecimal cpm() {
        return cpm(campaign.bid(), price, score / relevance);
    }

    /** {@link #cpm()} of an ad of {@code bid} priced {@code price}, whose impression is worth {@code value} at its bid. */
    static BigDecimal cpm(Bid bid, BigDecimal price, double value) {
        if (bid.model() == BidModel.CPM) {
            return price.setScale(4, RoundingMode.DOWN);
        }
        double rate = value / bid.amount().doubleValue();
        return price.multiply(BigDecimal.valueOf(rate * 1000)).setScale(4, RoundingMode.DOWN);
    }
}
