package io.precis.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A known sequence of events, and every report figure checked against values computed by hand
 * with API.md's formulas (ratios rounded to 4 decimals, null on a zero denominator).
 */
class ReportNumbersTest {
    @TempDir
    Path dir;

    @Test
    void reportFiguresEqualHandComputedValues() {
        try (TestGateway gw = TestGateway.start(dir)) {
            String key = gw.advertiser("Numbers");
            String cpm = gw.campaign(key, Campaigns.keywords("CPM", "[\"咖啡\"]", "CPM", 12.5));
            String cpc = gw.campaign(key, Campaigns.keywords("CPC", "[\"running shoes\"]", "CPC", 0.8));
            String cpa = gw.campaign(key, Campaigns.keywords("CPA", "[\"air conditioner cleaning\"]", "CPA", 30));
            String bot = gw.campaign(key, Campaigns.keywords("Clicks only", "[\"garden tools\"]", "CPM", 3));
            Ads ads = new Ads(gw);

            // CPM: 4 impressions (one replayed), 2 clicks, 1 conversion worth 100.
            JsonNode firstCpm = null;
            for (int i = 0; i < 4; i++) {
                JsonNode ad = ads.serve("news.example", "手冲咖啡入门");
                ads.impression(ad);
                if (i == 0) {
                    firstCpm = ad;
                    ads.impression(ad);
                }
                if (i < 2) {
                    String click = ads.click(ad);
                    if (i == 0) {
                        ads.convert(click, 100, "cpm-order");
                    }
                }
            }
            // CPC: 3 impressions, 2 valid clicks, and 1 click on an ad never shown (invalid).
            for (int i = 0; i < 3; i++) {
                JsonNode ad = ads.serve("news.example", "best running shoes of the year");
                ads.impression(ad);
                if (i < 2) {
                    ads.click(ad);
                }
            }
            ads.click(ads.serve("news.example", "best running shoes of the year"));
            // CPA: 2 impressions, 1 click, 1 conversion worth 199 reported twice with one order id.
            JsonNode cpaAd = ads.serve("news.example", "air conditioner cleaning near me");
            ads.impression(cpaAd);
            ads.impression(ads.serve("news.example", "air conditioner cleaning near me"));
            String cpaClick = ads.click(cpaAd);
            ads.convert(cpaClick, 199, "order-7");
            ads.convert(cpaClick, 199, "order-7");
            // Only an invalid click: every ratio has a zero denominator.
            ads.click(ads.serve("news.example", "garden tools sale"));
            // A conversion for a click that never happened is not credited.
            ads.convert("no-such-click", 500, null);
            assertTrue(firstCpm != null);

            String today = LocalDate.now(ZoneOffset.UTC).toString();
            JsonNode report = gw.get("/v1/reports?from=" + today + "&to=" + today + "&groupBy=campaign", key).json();
            Map<String, JsonNode> rows = new HashMap<>();
            report.get("rows").forEach(r -> rows.put(r.get("campaign").textValue(), r));
            assertEquals(4, rows.size());

            expect(rows.get(cpm), 4, 2, 0, 1, 0.05, 100, 0.5, 0.5, 0.025, 0.05, 12.5, 2000.0, 1999.0);
            expect(rows.get(cpc), 3, 2, 1, 0, 1.6, 0, 0.6667, 0.0, 0.8, null, 533.3333, 0.0, -1.0);
            expect(rows.get(cpa), 2, 1, 0, 1, 30, 199, 0.5, 1.0, 30.0, 30.0, 15000.0, 6.6333, 5.6333);
            expect(rows.get(bot), 0, 0, 1, 0, 0, 0, null, null, null, null, null, null, null);
            expect(report.get("totals"), 9, 5, 2, 2, 31.65, 299, 0.5556, 0.4, 6.33, 15.825, 3516.6667, 9.4471, 8.4471);

            JsonNode byDay = gw.get("/v1/reports?groupBy=day", key).json().get("rows");
            assertEquals(1, byDay.size());
            assertEquals(today, byDay.get(0).get("day").textValue());
            assertEquals(9, byDay.get(0).get("impressions").asLong());

            JsonNode byCreative = gw.get("/v1/reports?groupBy=creative&campaign=" + cpm, key).json().get("rows");
            assertEquals(1, byCreative.size());
            assertEquals("c1", byCreative.get(0).get("creative").textValue());
            assertEquals(4, byCreative.get(0).get("impressions").asLong());
        }
    }

    private static void expect(JsonNode row, long impressions, long clicks, long invalidClicks, long conversions,
                               double spend, double revenue, Double ctr, Double cvr, Double cpc, Double cpa,
                               Double ecpm, Double roas, Double roi) {
        assertEquals(impressions, row.get("impressions").asLong(), "impressions");
        assertEquals(clicks, row.get("clicks").asLong(), "clicks");
        assertEquals(invalidClicks, row.get("invalidClicks").asLong(), "invalidClicks");
        assertEquals(conversions, row.get("conversions").asLong(), "conversions");
        assertEquals(spend, row.get("spend").asDouble(), 1e-9, "spend");
        assertEquals(revenue, row.get("revenue").asDouble(), 1e-9, "revenue");
        ratio(row, "ctr", ctr);
        ratio(row, "cvr", cvr);
        ratio(row, "cpc", cpc);
        ratio(row, "cpa", cpa);
        ratio(row, "ecpm", ecpm);
        ratio(row, "roas", roas);
        ratio(row, "roi", roi);
    }

    private static void ratio(JsonNode row, String name, Double expected) {
        JsonNode v = row.get(name);
        if (expected == null) {
            assertTrue(v != null && v.isNull(), name + " must be null, was " + v);
        } else {
            assertEquals(expected, v.asDouble(), 1e-9, name);
        }
    }
}
