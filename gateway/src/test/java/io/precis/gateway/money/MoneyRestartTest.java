package io.precis.gateway.money;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.consent.MutableClock;
import io.precis.gateway.Ads;
import io.precis.gateway.TestGateway;
import io.precis.matcher.auction.CampaignStats;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Money across a restart on the same data dir: what a campaign spent today in its own time
 * zone, and the rates it is ranked by, are exactly what they were before the restart, however
 * many times it restarts. The gateway rebuilds both from the stored events at start.
 */
class MoneyRestartTest {
    private static final double BID = 0.01;
    private static final String PAGE = "the best running shoes for a marathon";

    @TempDir
    Path dir;
    /** The store the gateways run on: the embedded one here, PostgreSQL in {@link PostgresMoneyRestartTest}. */
    java.util.function.UnaryOperator<io.precis.gateway.GatewayConfig> store = c -> c;

    private static String campaign(String zone, String budget) {
        return """
                {"name": "Shoes %s", "bid": {"model": "CPC", "amount": %s},
                 "budget": %s, "schedule": {"timezone": "%s"},
                 "targeting": {"keywords": ["running shoes"], "formats": ["banner-300x250"]},
                 "creatives": [{"id": "c1", "format": "banner-300x250", "title": "Shoes",
                                "landingUrl": "https://shop.example/shoes"}]}""".formatted(zone, BID, budget, zone);
    }

    private static JsonNode serve(TestGateway gw) {
        TestGateway.Resp r = gw.ad(io.precis.gateway.Campaigns.adRequest("news.example", PAGE));
        if (r.status() == 204) {
            return null;
        }
        assertEquals(200, r.status(), r.body());
        return r.json().get("ads").get(0);
    }

    private static BigDecimal spend(TestGateway gw, String key, String campaign) {
        JsonNode totals = gw.get("/v1/reports?from=2026-10-01&to=2026-11-30&groupBy=campaign&campaign=" + campaign,
                key).json().get("totals");
        return totals.get("spend").decimalValue();
    }

    /**
     * A campaign in {@code zone} spends its daily budget early in its local day (shortly after
     * local midnight, when the UTC date differs from the local one); after a restart it is not
     * served again that local day, and spend stays within one bid of the budget.
     */
    private void dailyBudgetHoldsAcrossARestart(String zone, Instant now) {
        MutableClock clock = new MutableClock(now);
        LocalDate utcDay = LocalDate.ofInstant(now, ZoneId.of("UTC"));
        assertTrue(!utcDay.equals(LocalDate.ofInstant(now, ZoneId.of(zone))), "the test needs another UTC day");
        String key;
        String id;
        try (TestGateway gw = TestGateway.start(dir, store, clock)) {
            key = gw.advertiser("Shoes Co");
            id = gw.campaign(key, campaign(zone, "{\"daily\": 0.03}"));
            Ads ads = new Ads(gw);
            // Pacing throttles a campaign that is ahead of pace early in its day, so ask until
            // the budget is spent (each ad served is seen and clicked, 0.01 a click).
            for (int tries = 0; spend(gw, key, id).compareTo(new BigDecimal("0.03")) < 0; tries++) {
                assertTrue(tries < 500, "the campaign spends its daily budget");
                JsonNode ad = serve(gw);
                if (ad != null) {
                    assertEquals(204, ads.impression(ad));
                    ads.click(ad);
                }
            }
            assertEquals(0, new BigDecimal("0.03").compareTo(spend(gw, key, id)));
            assertEquals(null, serve(gw), "a spent campaign is not served");
        }
        clock.advance(Duration.ofMinutes(5));
        try (TestGateway gw = TestGateway.start(dir, store, clock)) {
            Ads ads = new Ads(gw);
            for (int i = 0; i < 5; i++) {
                JsonNode ad = serve(gw);
                if (ad != null) { // a wrongly rebuilt budget: show how far it overspends
                    ads.impression(ad);
                    ads.click(ad);
                }
            }
            BigDecimal spend = spend(gw, key, id);
            assertTrue(spend.compareTo(new BigDecimal("0.03").add(BigDecimal.valueOf(BID))) <= 0,
                    "spend " + spend + " passes the daily budget by more than a bid after a restart");
            assertEquals(null, serve(gw), "a campaign that spent its day's budget is not served again that day");
        }
    }

    @Test
    void aShanghaiCampaignThatSpentItsDailyBudgetBy0730LocalIsNotServedAgainAfterARestart() {
        // 07:30 in Asia/Shanghai on 2026-11-03 is 23:30 UTC on 2026-11-02.
        dailyBudgetHoldsAcrossARestart("Asia/Shanghai", Instant.parse("2026-11-02T23:30:00Z"));
    }

    @Test
    void aLosAngelesCampaignThatSpentItsDailyBudgetLateInItsDayIsNotServedAgainAfterARestart() {
        // 22:30 in America/Los_Angeles on 2026-11-02 (PST) is 06:30 UTC on 2026-11-03.
        dailyBudgetHoldsAcrossARestart("America/Los_Angeles", Instant.parse("2026-11-03T06:30:00Z"));
    }

    @Test
    void theRatesUsedForRankingAreTheSameAfterEveryRestartAndEqualTheReportTotals() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-01T04:00:00Z"));
        String key;
        String id;
        try (TestGateway gw = TestGateway.start(dir, store, clock)) {
            key = gw.advertiser("Shoes Co");
            id = gw.campaign(key, campaign("Asia/Shanghai", "{\"total\": 1000}"));
            Ads ads = new Ads(gw);
            // Three days of history: 4, 5 and 6 impressions a day, every other one clicked,
            // every clicked one converted.
            int order = 0;
            for (int day = 0; day < 3; day++) {
                for (int i = 0; i < 4 + day; i++) {
                    JsonNode ad = serve(gw);
                    assertEquals(204, ads.impression(ad));
                    if (i % 2 == 0) {
                        assertEquals(202, ads.convert(ads.click(ad), 10, "order-" + order++));
                    }
                }
                clock.advance(Duration.ofDays(1));
            }
        }
        List<long[]> seen = new ArrayList<>();
        for (int restart = 0; restart < 5; restart++) {
            try (TestGateway gw = TestGateway.start(dir, store, clock)) {
                CampaignStats stats = gw.gateway().campaignStats();
                long[] s = {stats.impressions(id), stats.clicks(id), stats.conversions(id)};
                seen.add(s);
                JsonNode totals = gw.get("/v1/reports?from=2026-10-01&to=2026-11-30&groupBy=campaign&campaign="
                        + id, key).json().get("totals");
                assertEquals(totals.get("impressions").asLong(), s[0], "impressions after restart " + restart);
                assertEquals(totals.get("clicks").asLong(), s[1], "clicks after restart " + restart);
                assertEquals(totals.get("conversions").asLong(), s[2], "conversions after restart " + restart);
            }
        }
        assertEquals(List.of(15L, 8L, 8L), List.of(seen.get(0)[0], seen.get(0)[1], seen.get(0)[2]));
    }

    @Test
    void todaysSpendThatPacingReadsIsTheSameAfterARestart() {
        // 01:30 in Asia/Shanghai on 2026-11-03 (17:30 UTC the day before): the spend pacing
        // reads must come back exactly, on the campaign's own day, not the UTC one.
        MutableClock clock = new MutableClock(Instant.parse("2026-11-02T17:30:00Z"));
        String id;
        long before;
        LocalDate localDay = LocalDate.of(2026, 11, 3);
        try (TestGateway gw = TestGateway.start(dir, store, clock)) {
            String key = gw.advertiser("Shoes Co");
            id = gw.campaign(key, campaign("Asia/Shanghai", "{\"daily\": 1}"));
            Ads ads = new Ads(gw);
            for (int i = 0; i < 5; i++) {
                JsonNode ad = serve(gw);
                assertEquals(204, ads.impression(ad));
                ads.click(ad);
            }
            before = gw.gateway().deliveryLedger().spentMicrosOn(id, localDay);
            assertEquals(50_000, before, "five clicks at 0.01");
        }
        for (int restart = 0; restart < 3; restart++) {
            try (TestGateway gw = TestGateway.start(dir, store, clock)) {
                assertEquals(before, gw.gateway().deliveryLedger().spentMicrosOn(id, localDay),
                        "today's spend in the campaign's own day after restart " + restart);
                assertEquals(0, gw.gateway().deliveryLedger().spentMicrosOn(id, localDay.minusDays(1)),
                        "nothing was spent the local day before");
            }
        }
    }
}
