package io.precis.matcher.match;

import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.campaign.Creative;
import java.math.BigDecimal;

/**
 * What the buyer of one request rules out beyond targeting and delivery limits: an exchange's
 * blocked advertisers and categories, the currencies it takes and its floor. An ad it rules
 * out takes no part in the auction at all, neither as a winner nor as the runner-up that sets
 * a winner's second price, and takes no cap slot or budget; the next ad is considered instead.
 * Implementations are immutable and thread-safe; they run inside the auction, so must be cheap.
 */
public interface AdFilter {
    /** Rules nothing out. */
    AdFilter NONE = c -> true;

    /** Whether {@code c} may be bid at all (its currency, its categories, its advertiser). */
    boolean admits(Campaign c);

    /**
     * Whether {@code creative} of an admitted campaign may be shown (its landing domain, say);
     * a campaign none of whose creatives for the slot is admitted is ruled out.
     */
    default boolean admits(Creative creative) {
        return true;
    }

    /**
     * The least an ad of {@code c} may be priced at, as a CPM ({@link MatchedAd#cpm}) in the
     * campaign's currency; null for no floor. An ad whose bid cannot reach it is ruled out; a
     * winner pays at least it (and its second price when higher), never more than its bid.
     */
    default BigDecimal floorCpm(Campaign c) {
        return null;
    }
}
