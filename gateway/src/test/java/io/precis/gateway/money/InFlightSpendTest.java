package io.precis.gateway.money;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.consent.MutableClock;
import io.precis.gateway.Ads;
import io.precis.gateway.Campaigns;
import io.precis.gateway.TestGateway;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CPM ad's impression price is held against its campaign's budget from the moment it is
 * served: the campaign is served only as many ads as its budget can pay for, even when no
 * pixel has fired yet and requests arrive in parallel, instead of serving until the first
 * pixels arrive and giving the rest away.
 */
class InFlightSpendTest {
    private static final String PAGE = "手冲咖啡入门指南";
    /** CPM 0.01 is 0.00001 an impression: the budget pays for three and a half. */
    private static final String CAMPAIGN = Campaigns.keywords("Coffee", "[\"咖啡\"]", "CPM", 0.01,
            "{\"total\": 0.000035}");

    @TempDir
    Path dir;

    private static JsonNode serve(TestGateway gw) {
        TestGateway.Resp r = gw.ad(Campaigns.adRequest("news.example", PAGE));
        return r.status() == 200 ? r.json().get("ads").get(0) : null;
    }

    @Test
    void adsInFlightHoldTheirPriceSoTheBudgetServesOnlyWhatItCanPayFor() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-03T04:00:00Z"));
        try (TestGateway gw = TestGateway.start(dir, c -> c, clock)) {
            String key = gw.advertiser("Coffee Co");
            String id = gw.campaign(key, CAMPAIGN);
            List<JsonNode> served = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                JsonNode ad = serve(gw);
                if (ad != null) {
                    served.add(ad);
                }
            }
            assertEquals(3, served.size(), "three impressions' worth is held by three ads in flight");

            Ads ads = new Ads(gw);
            for (JsonNode ad : served) {
                assertEquals(204, ads.impression(ad));
            }
            JsonNode totals = gw.get("/v1/reports?groupBy=campaign&campaign=" + id, key).json().get("totals");
            assertEquals(3, totals.get("impressions").asLong());
            assertEquals(0, new BigDecimal("0.00003").compareTo(totals.get("spend").decimalValue()),
                    "every served ad was paid for: " + totals);
            assertEquals(null, serve(gw), "half an impression's worth is left");
        }
    }

    @Test
    void anAdNeverSeenStopsHoldingWhenItsTokenExpires() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-03T04:00:00Z"));
        try (TestGateway gw = TestGateway.start(dir, c -> c, clock)) {
            String key = gw.advertiser("Coffee Co");
            gw.campaign(key, CAMPAIGN);
            for (int i = 0; i < 3; i++) {
                assertTrue(serve(gw) != null);
            }
            assertEquals(null, serve(gw), "the budget is held by three unseen ads");
            clock.advance(Duration.ofHours(1).plusMinutes(1)); // their impression tokens have expired
            assertTrue(serve(gw) != null, "ads never seen no longer hold the budget");
        }
    }

    @Test
    void parallelRequestsNeverHoldMoreThanTheBudget() throws Exception {
        try (TestGateway gw = TestGateway.start(dir)) {
            String key = gw.advertiser("Coffee Co");
            gw.campaign(key, CAMPAIGN);
            List<Integer> statuses = MoneyConcurrencyTest.inParallel(32,
                    i -> gw.ad(Campaigns.adRequest("news.example", PAGE)).status());
            assertEquals(3, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
        }
    }
}
