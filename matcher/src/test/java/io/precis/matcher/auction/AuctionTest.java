package io.precis.matcher.auction;

import static io.precis.matcher.TestCampaigns.campaign;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.matcher.delivery.DeliveryLedger;
import io.precis.matcher.index.CampaignIndex;
import io.precis.matcher.match.AdFilter;
import io.precis.matcher.match.AdQuery;
import io.precis.matcher.match.CampaignMatcher;
import io.precis.matcher.match.MatchedAd;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuctionTest {
    private static final Instant NOW = Instant.parse("2026-11-03T04:00:00Z");

    @Test
    void winnerPaysJustEnoughToBeatTheRunnerUpNeverAboveItsBid() {
        assertEquals(new BigDecimal("8.01"), SecondPrice.price(new BigDecimal("10"), 0.010, 0.008));
        assertEquals(new BigDecimal("10"), SecondPrice.price(new BigDecimal("10"), 0.010, 0.010));
        assertEquals(new BigDecimal("10"), SecondPrice.price(new BigDecimal("10"), 0.010, 0.00999999));
    }

    @Test
    void loneAdPaysTheReserve() {
        // CPM 10 scores 0.01; the reserve 0.001 is worth a CPM of 1.
        assertEquals(new BigDecimal("1.01"), SecondPrice.price(BigDecimal.TEN, 0.01,
                SecondPrice.RESERVE_SCORE));
        // Under the reserve: pays the bid.
        assertEquals(new BigDecimal("0.5"), SecondPrice.price(new BigDecimal("0.5"), 0.0005,
                SecondPrice.RESERVE_SCORE));
    }

    @Test
    void cpcWinnerPaysPerClickByItsExpectedClickRate() throws Exception {
        try (CampaignIndex index = new CampaignIndex()) {
            InMemoryCampaignStats stats = new InMemoryCampaignStats();
            index.upsert(campaign("cpc", 1, "\"bid\": {\"model\": \"CPC\", \"amount\": 2}"));
            index.upsert(campaign("cpm", 12, ""));
            stats.seed("cpc", 9000, 290, 0); // ctr = (290 + 10) / (9000 + 1000) = 3%
            CampaignMatcher m = new CampaignMatcher(index, DeliveryLedger.none(), stats, null);
            List<MatchedAd> ads = m.match(new AdQuery(null, null, null, NOW, 1, null));
            assertEquals("cpc", ads.get(0).campaign().id());
            assertEquals(0.06, ads.get(0).score(), 1e-12); // 2 × 3%
            // Beats CPM 12 (0.012 per impression): 0.012 / 0.03 = 0.40 per click, plus a fen.
            assertEquals(new BigDecimal("0.41"), ads.get(0).price());
            assertEquals(410_000, ads.get(0).chargeMicros());
        }
    }

    @Test
    void aFilteredAdIsNeitherWinnerNorRunnerUpAndAFloorRaisesThePriceToItsCpm() throws Exception {
        try (CampaignIndex index = new CampaignIndex()) {
            index.upsert(campaign("blocked", 9, ""));
            index.upsert(campaign("cpc", 1, "\"bid\": {\"model\": \"CPC\", \"amount\": 0.5}")); // 0.005 per impression
            index.upsert(campaign("cpm", 3, ""));
            CampaignMatcher m = new CampaignMatcher(index);
            AdFilter noBlocked = c -> !c.id().equals("blocked");
            MatchedAd won = m.match(new AdQuery(null, null, null, NOW, 1, null, null, noBlocked)).get(0);
            assertEquals("cpc", won.campaign().id());
            // Against cpm (0.003 per impression) at a 1% click rate: 0.30 per click, plus a fen.
            assertEquals(new BigDecimal("0.31"), won.price());
            assertEquals(new BigDecimal("3.1000"), won.cpm());
            AdFilter floored = blockedOutFlooredAt("4.2");
            won = m.match(new AdQuery(null, null, null, NOW, 2, null, null, floored)).get(0);
            assertEquals(new BigDecimal("0.42"), won.price(), "the least price per click worth a CPM of 4.2");
            assertEquals(new BigDecimal("4.2000"), won.cpm());
            assertEquals(1, m.match(new AdQuery(null, null, null, NOW, 2, null, null, floored)).size(),
                    "cpm (CPM 3) cannot reach the floor");
        }
    }

    /** A buyer's filter that admits every campaign but "blocked", with a CPM floor of {@code floor}. */
    private static AdFilter blockedOutFlooredAt(String floor) {
        return new AdFilter() {
            @Override
            public boolean admits(io.precis.matcher.campaign.Campaign c) {
                return !c.id().equals("blocked");
            }

            @Override
            public BigDecimal floorCpm(io.precis.matcher.campaign.Campaign c) {
                return new BigDecimal(floor);
            }
        };
    }

    /**
     * eligible() (diagnostics and the oracle tests) said what may serve a request as if no
     * buyer's filter applied: a blocked advertiser, a blocked creative or a floor no bid can
     * reach still showed as eligible, though the auction would never choose them.
     */
    @Test
    void eligibleLeavesOutWhatTheRequestsFilterRulesOut() throws Exception {
        try (CampaignIndex index = new CampaignIndex()) {
            index.upsert(campaign("blocked", 9, ""));
            index.upsert(campaign("cpc", 1, "\"bid\": {\"model\": \"CPC\", \"amount\": 0.5}")); // 0.005 per impression
            index.upsert(campaign("cpm", 3, ""));
            CampaignMatcher m = new CampaignMatcher(index);
            assertEquals(java.util.Set.of("blocked", "cpc", "cpm"),
                    m.eligible(new AdQuery(null, null, null, NOW, 1, null)).keySet());
            AdFilter floored = blockedOutFlooredAt("4.2");
            assertEquals(java.util.Set.of("cpc"),
                    m.eligible(new AdQuery(null, null, null, NOW, 1, null, null, floored)).keySet(),
                    "blocked is ruled out and cpm (CPM 3) cannot reach the floor");
            AdFilter noCreatives = new AdFilter() {
                @Override
                public boolean admits(io.precis.matcher.campaign.Campaign c) {
                    return true;
                }

                @Override
                public boolean admits(io.precis.matcher.campaign.Creative creative) {
                    return false;
                }
            };
            assertEquals(java.util.Set.of(), m.eligible(new AdQuery(null, null, null, NOW, 1, null, null, noCreatives)).keySet(),
                    "a campaign none of whose creatives is admitted is ruled out");
        }
    }

    @Test
    void newCampaignsStartAtThePriorAndHistoryTakesOver() {
        InMemoryCampaignStats stats = new InMemoryCampaignStats();
        assertEquals(ExpectedRates.PRIOR_CTR, ExpectedRates.ctr(stats, "new"), 1e-12);
        assertEquals(ExpectedRates.PRIOR_CVR, ExpectedRates.cvr(stats, "new"), 1e-12);
        stats.seed("old", 100_000, 5_000, 50);
        assertTrue(Math.abs(ExpectedRates.ctr(stats, "old") - 0.05) < 0.001);
        assertTrue(Math.abs(ExpectedRates.cvr(stats, "old") - 0.01) < 0.001);
        stats.recordImpression("x");
        stats.recordClick("x");
        stats.recordConversion("x");
        assertEquals(1, stats.conversions("x"));
    }
}
