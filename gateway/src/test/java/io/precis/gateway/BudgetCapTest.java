package io.precis.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.consent.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Budgets over real HTTP: ads served while a budget is untouched may all be seen, clicked and
 * converted after it is spent. Every such event is counted, but the spend in the report stops
 * at the budget exactly (not at the budget plus a bid, nor plus everything in flight), and the
 * campaign stops being served.
 *
 * <p>Every campaign bids 0.01, the smallest price step, so the second price always equals the
 * bid and the test knows what each event would cost without the cap.
 */
class BudgetCapTest {
    /** 12:00 in Asia/Shanghai (the default campaign time zone) on 2026-11-03. */
    private static final Instant NOON = Instant.parse("2026-11-03T04:00:00Z");
    private static final String DAY = "2026-11-03";
    private static final String NEXT_DAY = "2026-11-04";
    private static final double BID = 0.01;
    private static final long BID_MICROS = 10_000;
    private static final int SERVED = 20;

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(NOON);

    private TestGateway start() {
        return TestGateway.start(dir, c -> c, clock);
    }

    /** Serves {@link #SERVED} ads of {@code campaign} before anything is measured: its budget is untouched. */
    private static List<JsonNode> serveAll(Ads ads, String campaign, String text) {
        List<JsonNode> served = new ArrayList<>();
        for (int i = 0; i < SERVED; i++) {
            JsonNode ad = ads.serve("news.example", text);
            assertEquals(campaign, ad.get("campaignId").textValue());
            assertEquals(BID_MICROS, Ads.chargedMicros(ad), "each event would cost the full bid without the cap");
            served.add(ad);
        }
        return served;
    }

    private static JsonNode row(TestGateway gw, String key, String campaign, String day) {
        JsonNode rows = gw.get("/v1/reports?from=" + day + "&to=" + day + "&groupBy=campaign&campaign=" + campaign,
                key).json().get("rows");
        assertEquals(1, rows.size(), rows.toString());
        return rows.get(0);
    }

    private static void assertSpendIsTheBudget(JsonNode row, String budget) {
        BigDecimal spend = row.get("spend").decimalValue();
        assertTrue(spend.compareTo(new BigDecimal(budget)) <= 0, "spend " + spend + " passes the budget " + budget);
        assertEquals(0, spend.compareTo(new BigDecimal(budget)), "the last charge takes what was left: " + spend);
    }

    private static boolean served(TestGateway gw, String text) {
        return gw.ad(Campaigns.adRequest("news.example", text)).status() == 200;
    }

    @Test
    void cpcClicksOnAdsServedBeforeTheBudgetRanOutCountButAreNotChargedPastIt() {
        try (TestGateway gw = start()) {
            String key = gw.advertiser("Shoes Co");
            // Three and a half clicks' worth: three clicks in full, then the half that is left.
            String id = gw.campaign(key, Campaigns.keywords("Shoes", "[\"running shoes\"]", "CPC", BID,
                    "{\"total\": 0.035}"));
            Ads ads = new Ads(gw);
            String page = "the best running shoes for a marathon";
            for (JsonNode ad : serveAll(ads, id, page)) {
                assertEquals(204, ads.impression(ad));
                ads.click(ad);
            }
            JsonNode row = row(gw, key, id, DAY);
            assertEquals(SERVED, row.get("impressions").asLong());
            assertEquals(SERVED, row.get("clicks").asLong(), "clicks past the budget still count");
            assertEquals(0, row.get("invalidClicks").asLong());
            assertSpendIsTheBudget(row, "0.035");
            assertTrue(!served(gw, page), "a spent campaign is not served");
            assertTrue(gw.get("/metrics", null).body().contains("precis_events_over_budget_total{kind=\"click\"} 17"),
                    "one partly charged click and sixteen free ones show in the metrics");
        }
    }

    @Test
    void cpaConversionsOfAdsServedBeforeTheBudgetRanOutCountButAreNotChargedPastIt() {
        try (TestGateway gw = start()) {
            String key = gw.advertiser("Aircon Co");
            String id = gw.campaign(key, Campaigns.keywords("Aircon", "[\"air conditioner cleaning\"]", "CPA", BID,
                    "{\"total\": 0.025}"));
            Ads ads = new Ads(gw);
            String page = "air conditioner cleaning before summer";
            int order = 0;
            for (JsonNode ad : serveAll(ads, id, page)) {
                assertEquals(204, ads.impression(ad));
                assertEquals(202, ads.convert(ads.click(ad), 99, "order-" + order++));
            }
            JsonNode row = row(gw, key, id, DAY);
            assertEquals(SERVED, row.get("clicks").asLong());
            assertEquals(SERVED, row.get("conversions").asLong(), "conversions past the budget still count");
            assertEquals(0, new BigDecimal("1980").compareTo(row.get("revenue").decimalValue()));
            assertSpendIsTheBudget(row, "0.025");
            assertTrue(!served(gw, page), "a spent campaign is not served");
        }
    }

    @Test
    void cpmImpressionsThatArriveAfterTheBudgetRanOutCountButAreNotChargedPastIt() {
        try (TestGateway gw = start()) {
            String key = gw.advertiser("Coffee Co");
            // CPM 0.01 is 0.00001 an impression: three and a half impressions' worth.
            String id = gw.campaign(key, Campaigns.keywords("Coffee", "[\"咖啡\"]", "CPM", BID,
                    "{\"total\": 0.000035}"));
            String page = "手冲咖啡入门指南";
            // A served CPM ad holds its price until its pixel fires (InFlightSpendTest), so only
            // three are served; a restart forgets the holds of ads in flight, and three more are.
            List<JsonNode> served = serveWhileServed(gw, page);
            gw.close();
            try (TestGateway again = start()) {
                served.addAll(serveWhileServed(again, page));
                assertEquals(6, served.size());
                Ads ads = new Ads(again);
                for (JsonNode ad : served) {
                    assertEquals(204, ads.impression(ad));
                }
                JsonNode row = row(again, key, id, DAY);
                assertEquals(6, row.get("impressions").asLong(), "impressions past the budget still count");
                assertSpendIsTheBudget(row, "0.000035");
                assertTrue(!served(again, page), "a spent campaign is not served");
            }
        }
    }

    private static List<JsonNode> serveWhileServed(TestGateway gw, String page) {
        List<JsonNode> out = new ArrayList<>();
        for (TestGateway.Resp r = gw.ad(Campaigns.adRequest("news.example", page)); r.status() == 200;
                r = gw.ad(Campaigns.adRequest("news.example", page))) {
            out.add(r.json().get("ads").get(0));
            assertTrue(out.size() <= SERVED, "the budget stops serving");
        }
        return out;
    }

    @Test
    void aDailyBudgetCapsEachDayAndTheCampaignServesAgainTheNextDay() {
        try (TestGateway gw = start()) {
            String key = gw.advertiser("Daily Co");
            String id = gw.campaign(key, Campaigns.keywords("Daily", "[\"garden tools\"]", "CPC", BID,
                    "{\"daily\": 0.025}"));
            Ads ads = new Ads(gw);
            String page = "garden tools sale";
            for (JsonNode ad : serveAll(ads, id, page)) {
                assertEquals(204, ads.impression(ad));
                ads.click(ad);
            }
            assertTrue(!served(gw, page), "the day's budget is spent");

            clock.advance(Duration.ofDays(1)); // noon of the next day in Asia/Shanghai
            JsonNode ad = ads.serve("news.example", page);
            assertEquals(204, ads.impression(ad));
            ads.click(ad);

            JsonNode first = row(gw, key, id, DAY);
            assertEquals(SERVED, first.get("clicks").asLong());
            assertSpendIsTheBudget(first, "0.025");
            JsonNode next = row(gw, key, id, NEXT_DAY);
            assertEquals(1, next.get("clicks").asLong());
            assertEquals(0, new BigDecimal("0.01").compareTo(next.get("spend").decimalValue()), "a new day, a new budget");
        }
    }
}
