package io.precis.gateway.ad;

import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.campaign.Creative;
import io.precis.matcher.match.AdFilter;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;

/**
 * An OpenRTB impression's bid rules as the matcher's {@link AdFilter}, so that an ad breaking
 * one takes no part in the auction and the next ad is bid at a second price set among the ads
 * that may be bid: the campaign's currency is one the request takes ({@code cur}; Precis
 * converts none) and, with a floor, the floor's ({@code bidfloorcur}); none of its
 * {@code adCategories} is blocked ({@code bcat}, a tier-1 category blocking its tier-2 ones);
 * the creative's landing domain is not blocked nor under a blocked one ({@code badv}); its CPM
 * reaches {@code bidfloor}, and is above zero in any case. Immutable.
 *
 * @param currencies upper case
 * @param blockedDomains lower case
 * @param floor the least CPM, at least {@link #LEAST_CPM}
 * @param floorCurrency the floor's currency, upper case; null when the impression has no floor
 */
record OpenRtbRules(Set<String> currencies, List<String> blockedDomains, List<String> blockedCategories,
                    BigDecimal floor, String floorCurrency) implements AdFilter {
    /** The least CPM bid: OpenRTB's {@code price} is a CPM, and {@link io.precis.matcher.match.MatchedAd#cpm} has 4 decimals. */
    static final BigDecimal LEAST_CPM = new BigDecimal("0.0001");

    OpenRtbRules {
        currencies = Set.copyOf(currencies);
        blockedDomains = List.copyOf(blockedDomains);
        blockedCategories = List.copyOf(blockedCategories);
        floor = floor == null || floor.compareTo(LEAST_CPM) < 0 ? LEAST_CPM : floor;
    }

    /** These rules taking only {@code currency} (a response has one currency for all its bids). */
    OpenRtbRules onlyIn(String currency) {
        return new OpenRtbRules(currencies.contains(currency) ? Set.of(currency) : Set.of(), blockedDomains,
                blockedCategories, floor, floorCurrency);
    }

    @Override
    public boolean admits(Campaign c) {
        String currency = c.bid().currency();
        if (!currencies.contains(currency) || floorCurrency != null && !floorCurrency.equals(currency)) {
            return false;
        }
        for (String category : c.adCategories()) {
            for (String blocked : blockedCategories) {
                if (category.equals(blocked) || category.startsWith(blocked + "-")) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public boolean admits(Creative creative) {
        String domain = OpenRtbMapping.landingDomain(creative.landingUrl());
        return domain == null || blockedDomains.stream().noneMatch(b -> domain.equals(b) || domain.endsWith("." + b));
    }

    @Override
    public BigDecimal floorCpm(Campaign c) {
        return floor;
    }
}
