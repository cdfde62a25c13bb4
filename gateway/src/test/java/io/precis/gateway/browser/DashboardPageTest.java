package io.precis.gateway.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.gateway.Ads;
import io.precis.gateway.Campaigns;
import io.precis.gateway.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The advertisers' dashboard in a real headless Chromium shows exactly the API's numbers. */
class DashboardPageTest {
    @TempDir
    Path dir;

    @Test
    void dashboardShowsTheSameNumbersAsTheReportApi() throws Exception {
        try (TestGateway gw = TestGateway.start(dir); HeadlessChromium browser = HeadlessChromium.launch()) {
            String key = gw.advertiser("Dashboard Co");
            String coffee = gw.campaign(key, Campaigns.keywords("咖啡 campaign", "[\"咖啡\"]", "CPC", 0.5));
            String shoes = gw.campaign(key, Campaigns.keywords("Shoes campaign", "[\"running shoes\"]", "CPM", 20));
            Ads ads = new Ads(gw);
            for (int i = 0; i < 6; i++) {
                JsonNode ad = ads.serve("news.example", "手冲咖啡的做法");
                ads.impression(ad);
                if (i < 3) {
                    String click = ads.click(ad);
                    if (i == 0) {
                        ads.convert(click, 88, "order-" + i);
                    }
                }
            }
            for (int i = 0; i < 4; i++) {
                ads.impression(ads.serve("news.example", "new running shoes reviewed"));
            }

            browser.navigate(gw.base + "/dashboard");
            browser.evalValue("document.getElementById('key').value = " + TestGateway.JSON.writeValueAsString(key)
                    + "; document.getElementById('load').click(); true");
            browser.waitFor("document.body.dataset.loaded === 'true'");

            JsonNode api = gw.get("/v1/reports?groupBy=campaign", key).json();
            for (JsonNode row : api.get("rows")) {
                String id = row.get("campaign").textValue();
                for (String metric : new String[] {"impressions", "clicks", "conversions", "spend", "revenue", "ctr",
                        "cpa", "roas", "roi", "uniqueUsers", "frequency"}) {
                    assertTrue(browser.evalValue("!!document.querySelector('#campaigns td[data-key=\"" + id
                            + "\"][data-metric=\"" + metric + "\"]')").asBoolean(), metric + " shown for " + id);
                    JsonNode shown = browser.evalValue("(document.querySelector('#campaigns td[data-key=\"" + id
                            + "\"][data-metric=\"" + metric + "\"]') || {dataset: {}}).dataset.value");
                    String expected = row.get(metric).isNull() ? "null" : row.get(metric).asText();
                    assertEquals(expected, shown.asText(), metric + " of " + id);
                }
            }
            String shownSpend = browser.evalValue("document.querySelector('[data-total=\"spend\"]').dataset.value").asText();
            assertEquals(api.get("totals").get("spend").asDouble(), Double.parseDouble(shownSpend), 1e-9);
            assertEquals("咖啡 campaign", browser.evalValue(
                    "document.querySelector('#campaigns tr[data-key=\"" + coffee + "\"] td').textContent").asText());
            assertTrue(browser.evalValue("document.querySelectorAll('#daily circle').length").asInt() >= 2);
            assertTrue(browser.evalValue("!!document.querySelector('#campaigns tr[data-key=\"" + shoes + "\"]')")
                    .asBoolean());

            Path shot = Path.of("target", "screenshots", "dashboard.png");
            browser.screenshot(shot);
            assertTrue(Files.size(shot) > 1000);
        }
    }
}
