package io.precis.gateway.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.gateway.TcfStrings;
import io.precis.gateway.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An advertiser runs a campaign from the dashboard alone, in real headless Chromium: creates one
 * through the form (Chinese keywords, a Beijing district), sees it serve, edits it, pauses it,
 * and sees the API's own message next to a field it got wrong.
 */
class CampaignConsoleTest {
    private static final String PAGE = "手冲咖啡入门：从咖啡豆到滤杯";

    @TempDir
    Path dir;

    private static String set(String name, String value) throws Exception {
        return "document.getElementById('campaignForm').elements[" + TestGateway.JSON.writeValueAsString(name)
                + "].value = " + TestGateway.JSON.writeValueAsString(value) + ";";
    }

    /** An ad request of a reader in Chaoyang district (CN-11-0105) who consented through a TCF string. */
    private static TestGateway.Resp ad(TestGateway gw) {
        return gw.ad("""
                {"slot": {"id": "top", "format": "banner-300x250", "site": "news.example"},
                 "page": {"url": "https://news.example/coffee", "text": "%s"},
                 "user": {"id": "reader-9", "region": "CN-11-0105"},
                 "consent": {"tcf": "%s"}}""".formatted(PAGE, TcfStrings.fullConsent()));
    }

    private static void save(HeadlessChromium browser) {
        browser.evalValue("document.body.dataset.saved = ''; document.getElementById('saveCampaign').click(); true");
        browser.waitFor("document.body.dataset.saved !== ''");
    }

    @Test
    void anAdvertiserCreatesEditsAndPausesACampaignInTheDashboard() throws Exception {
        try (TestGateway gw = TestGateway.start(dir); HeadlessChromium browser = HeadlessChromium.launch()) {
            String key = gw.advertiser("咖啡 Co");
            browser.navigate(gw.base + "/dashboard");
            browser.evalValue("document.getElementById('key').value = " + TestGateway.JSON.writeValueAsString(key)
                    + "; document.getElementById('load').click(); true");
            browser.waitFor("document.body.dataset.loaded === 'true'");

            browser.evalValue(set("name", "精品咖啡 北京朝阳") + set("bidModel", "CPC") + set("bidAmount", "-1")
                    + set("keywords", "手冲咖啡、咖啡豆") + set("regions", "CN-11-0105") + set("title", "新豆上市")
                    + set("landingUrl", "https://shop.example/coffee") + set("budgetDaily", "50") + " true");
            save(browser);
            assertEquals("error", browser.evalValue("document.body.dataset.saved").asText());
            String fieldError = browser.evalValue(
                    "document.querySelector('label[data-field=\"bid.amount\"] .err').textContent").asText();
            assertFalse(fieldError.isBlank(), "the API's message for bid.amount is shown next to the field");
            assertEquals(0, gw.get("/v1/campaigns", key).json().get("campaigns").size(), "nothing was created");

            // Before saving: would it match the page? The analyser's words for 手冲咖啡 are on it.
            browser.evalValue("const p = document.getElementById('previewForm').elements; p.text.value = "
                    + TestGateway.JSON.writeValueAsString(PAGE) + "; document.body.dataset.previewed = '';"
                    + " document.getElementById('preview').click(); true");
            browser.waitFor("document.body.dataset.previewed !== ''");
            assertEquals("true", browser.evalValue("document.body.dataset.previewed").asText());
            assertEquals("true", browser.evalValue(
                    "document.querySelector('#previewResult tr[data-keyword=\"手冲咖啡\"]').dataset.found").asText());
            assertTrue(browser.evalValue("document.getElementById('pageWords').textContent").asText().contains("咖啡"));

            browser.evalValue(set("bidAmount", "0.8") + set("sitesAllow", "news.example, blog.example")
                    + set("excludeSegments", "lifecycle:churned") + set("end", "2099-12-31T23:00") + " true");
            save(browser);
            String id = browser.evalValue("document.body.dataset.saved").asText();
            assertTrue(!id.equals("error"), browser.evalValue("document.getElementById('formMessage').textContent").asText());
            JsonNode created = gw.get("/v1/campaigns/" + id, key).json();
            assertEquals("[\"手冲咖啡\",\"咖啡豆\"]", created.get("targeting").get("keywords").toString());
            assertEquals("[\"CN-11-0105\"]", created.get("targeting").get("regions").toString());
            assertEquals(0.8, created.get("bid").get("amount").asDouble());
            assertEquals("[\"news.example\",\"blog.example\"]", created.get("targeting").get("sites").get("allow").toString());
            assertEquals("[\"lifecycle:churned\"]", created.get("targeting").get("excludeSegments").toString());
            assertTrue(created.get("schedule").get("end").asText().startsWith("2099-12-31"), created.get("schedule").toString());

            TestGateway.Resp served = ad(gw);
            assertEquals(200, served.status(), "the campaign made in the page serves: " + served.body());
            assertEquals(id, served.json().get("ads").get(0).get("campaignId").textValue());
            assertTrue(served.json().get("ads").get(0).get("matchedBy").toString().contains("demographic"));

            // A second creative added through the API survives an edit in the page (which shows the first).
            JsonNode withTwo = created.deepCopy();
            ((com.fasterxml.jackson.databind.node.ArrayNode) withTwo.get("creatives")).addObject()
                    .put("id", "c2").put("format", "banner-300x250").put("title", "第二张图")
                    .put("landingUrl", "https://shop.example/coffee2");
            assertEquals(200, gw.put("/v1/campaigns/" + id, withTwo.toString(), key).status());
            browser.evalValue("document.getElementById('load').click(); true");
            browser.waitFor("document.body.dataset.loaded === 'true'");
            browser.waitFor("!!document.querySelector('#manage tr[data-id=\"" + id + "\"]')");
            browser.evalValue("document.querySelector('#manage button[data-action=\"edit\"][data-id=\"" + id
                    + "\"]').click(); " + set("title", "新豆上市 · 第二批") + " true");
            save(browser);
            assertEquals(id, browser.evalValue("document.body.dataset.saved").asText());
            assertEquals("新豆上市 · 第二批", gw.get("/v1/campaigns/" + id, key).json()
                    .get("creatives").get(0).get("title").textValue());
            assertEquals("第二张图", gw.get("/v1/campaigns/" + id, key).json().get("creatives").get(1).get("title")
                    .textValue(), "the creative the form does not show is kept");

            browser.evalValue("document.querySelector('#manage button[data-action=\"toggle\"][data-id=\"" + id
                    + "\"]').click(); true");
            browser.waitFor("document.querySelector('#manage tr[data-id=\"" + id + "\"]').dataset.status === 'paused'");
            assertEquals("paused", gw.get("/v1/campaigns/" + id, key).json().get("status").textValue());
            assertEquals(204, ad(gw).status(), "a paused campaign does not serve");

            Path shot = Path.of("target", "screenshots", "dashboard-console.png");
            browser.screenshot(shot);
            assertTrue(Files.size(shot) > 1000);
        }
    }
}
