package io.precis.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import io.precis.gateway.ReportOracle.Expected;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A known sequence of events, and every report figure checked against values computed here,
 * independently, with API.md's formulas (ratios rounded to 4 decimals, null on a zero
 * denominator). Spend uses the second price the auction charged, read from the signed tokens.
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
            LocalDate started = LocalDate.now(ZoneOffset.UTC); // the events' days lie from here to the report's

            // CPM: 4 impressions (one replayed), 2 clicks, 1 conversion worth 100.
            long cpmSpend = 0;
            for (int i = 0; i < 4; i++) {
                JsonNode ad = ads.serve("news.example", "手冲咖啡入门");
                ads.impression(ad);
                cpmSpend += Ads.chargedMicros(ad) / 1000; // a thousandth of the CPM price per impression
                if (i == 0) {
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
            long cpcSpend = 0;
            for (int i = 0; i < 3; i++) {
                JsonNode ad = ads.serve("news.example", "best running shoes of the year");
                ads.impression(ad);
                if (i < 2) {
                    ads.click(ad);
                    cpcSpend += Ads.chargedMicros(ad);
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
            long cpaSpend = Ads.chargedMicros(cpaAd);
            // Only an invalid click: every ratio has a zero denominator.
            ads.click(ads.serve("news.example", "garden tools sale"));
            // A conversion for a click that never happened is not credited.
            ads.convert("no-such-click", 500, null);

            Expected eCpm = new Expected(4, 2, 0, 1, cpmSpend, 100_000_000);
            Expected eCpc = new Expected(3, 2, 1, 0, cpcSpend, 0);
            Expected eCpa = new Expected(2, 1, 0, 1, cpaSpend, 199_000_000);
            Expected eBot = new Expected(0, 0, 1, 0, 0, 0);
            assertTrue(cpmSpend > 0 && cpcSpend > 0 && cpaSpend > 0, "every billable event costs something");
            assertTrue(cpcSpend <= 2 * 800_000 && cpaSpend <= 30_000_000, "second price never exceeds the bid");

            JsonNode report = gw.get("/v1/reports?" + TestGateway.aroundToday() + "&groupBy=campaign", key).json();
            Map<String, JsonNode> rows = new HashMap<>();
            report.get("rows").forEach(r -> rows.put(r.get("campaign").textValue(), r));
            assertEquals(4, rows.size());
            ReportOracle.expect(rows.get(cpm), eCpm);
            ReportOracle.expect(rows.get(cpc), eCpc);
            ReportOracle.expect(rows.get(cpa), eCpa);
            ReportOracle.expect(rows.get(bot), eBot);
            ReportOracle.expect(report.get("totals"), eCpm.plus(eCpc).plus(eCpa).plus(eBot));
            // The null cases, spelled out.
            assertTrue(rows.get(bot).get("ctr").isNull() && rows.get(bot).get("roas").isNull());
            assertTrue(rows.get(cpc).get("cpa").isNull());
            assertEquals(-1.0, rows.get(cpc).get("roi").asDouble(), 1e-12);

            JsonNode byDay = gw.get("/v1/reports?groupBy=day", key).json().get("rows");
            LocalDate ended = LocalDate.now(ZoneOffset.UTC);
            long impressions = 0;
            for (JsonNode day : byDay) { // one day, or two when the test ran across midnight UTC
                LocalDate d = LocalDate.parse(day.get("day").textValue());
                assertTrue(!d.isBefore(started) && !d.isAfter(ended), "a day of this test: " + d);
                impressions += day.get("impressions").asLong();
            }
            assertEquals(started.equals(ended) ? 1 : 2, byDay.size());
            assertEquals(9, impressions);

            JsonNode byCreative = gw.get("/v1/reports?groupBy=creative&campaign=" + cpm, key).json().get("rows");
            assertEquals(1, byCreative.size());
            assertEquals("c1", byCreative.get(0).get("creative").textValue());
            assertEquals(4, byCreative.get(0).get("impressions").asLong());
        }
    }

}
