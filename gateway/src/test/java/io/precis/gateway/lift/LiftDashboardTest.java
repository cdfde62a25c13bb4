package io.precis.gateway.lift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.gateway.TestGateway;
import io.precis.gateway.browser.HeadlessChromium;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard, in real headless Chromium and in Chinese, shows each lift test as its absolute
 * lift on its 95% interval (the report's own numbers), says a small test's figures are withheld,
 * and explains a bad hold-out share in Chinese next to the field.
 */
class LiftDashboardTest {
    @TempDir
    Path dir;

    private static String set(String name, String value) throws Exception {
        return "document.getElementById('campaignForm').elements[" + TestGateway.JSON.writeValueAsString(name)
                + "].value = " + TestGateway.JSON.writeValueAsString(value) + ";";
    }

    @Test
    void theDashboardChartsEachLiftWithItsIntervalInChinese() throws Exception {
        try (TestGateway gw = TestGateway.start(dir); HeadlessChromium browser = HeadlessChromium.launch()) {
            LiftWorld w = new LiftWorld(gw, 0.25);
            w.run(120);
            // A second test too young to show: nobody held out yet.
            String young = gw.campaign(w.key, io.precis.gateway.Campaigns.keywords("Y", "[\"tea\"]", "CPM", 50)
                    .replaceFirst("\\{", "{\"holdout\": 0.5, "));
            for (int i = 0; i < 3; i++) {
                String cookie = gw.get("/v1/consent", null).header("Set-Cookie").split(";")[0];
                w.send(cookie, "PUT", "/v1/consent", LiftWorld.ALL);
                TestGateway.Resp r = w.send(cookie, "POST", "/v1/ad", io.precis.gateway.Campaigns.adRequest("news.example",
                        "tea time"));
                if (r.status() == 200) { // 204 when held out: nothing else fits the page
                    gw.get(r.json().get("ads").get(0).get("impressionUrl").textValue(), null);
                }
            }
            JsonNode lift = gw.get("/v1/reports", w.key).json().get("lift");
            JsonNode main = null;
            for (JsonNode l : lift) {
                main = w.lift.equals(l.get("campaign").textValue()) ? l : main;
            }
            assertTrue(main != null && !main.get("withheld").asBoolean(), lift.toString());

            browser.call("Network.enable", TestGateway.JSON.createObjectNode());
            browser.call("Network.setUserAgentOverride", TestGateway.JSON.createObjectNode()
                    .put("userAgent", TestGateway.BROWSER_UA).put("acceptLanguage", "zh-CN,zh;q=0.9"));
            browser.navigate(gw.base + "/dashboard");
            browser.evalValue("document.getElementById('key').value = " + TestGateway.JSON.writeValueAsString(w.key)
                    + "; document.getElementById('load').click(); true");
            browser.waitFor("document.body.dataset.loaded === 'true'");

            String row = "document.querySelector('#lift .lift[data-campaign=\"" + w.lift + "\"]')";
            assertEquals("false", browser.evalValue(row + ".dataset.withheld").asText());
            assertEquals(main.get("absoluteLiftLow").asDouble(),
                    browser.evalValue("Number(" + row + ".querySelector('[data-interval]').dataset.low)").asDouble(), 1e-12);
            assertEquals(main.get("absoluteLiftHigh").asDouble(),
                    browser.evalValue("Number(" + row + ".querySelector('[data-interval]').dataset.high)").asDouble(), 1e-12);
            assertEquals(main.get("absoluteLift").asDouble(),
                    browser.evalValue("Number(" + row + ".querySelector('circle').dataset.lift)").asDouble(), 1e-12);
            // The dot sits between the interval's ends, drawn to scale.
            assertTrue(browser.evalValue("const r = " + row + "; const i = r.querySelector('[data-interval]');"
                    + " const c = Number(r.querySelector('circle').getAttribute('cx'));"
                    + " Number(i.getAttribute('x1')) < c && c < Number(i.getAttribute('x2'))").asBoolean());
            String figures = browser.evalValue(row + ".querySelector('.figures').textContent").asText();
            assertTrue(figures.contains("对照组 " + main.get("heldOutPeople").asLong() + " 人"), figures);
            assertTrue(figures.contains(main.get("significant").asBoolean() ? "显著" : "不显著"), figures);
            assertTrue(figures.contains("增量转化"), figures);
            assertEquals("true", browser.evalValue("document.querySelector('#lift .lift[data-campaign=\"" + young
                    + "\"]').dataset.withheld").asText(), "a test under the threshold is withheld");

            // A hold-out share of 1 or more is refused; the API's reason is shown in Chinese.
            browser.evalValue(set("name", "对照测试") + set("bidModel", "CPM") + set("bidAmount", "10")
                    + set("keywords", "咖啡") + set("title", "新豆") + set("landingUrl", "https://shop.example/c")
                    + set("holdout", "1.5") + " true");
            browser.evalValue("document.body.dataset.saved = ''; document.getElementById('saveCampaign').click(); true");
            browser.waitFor("document.body.dataset.saved !== ''");
            assertEquals("error", browser.evalValue("document.body.dataset.saved").asText());
            assertEquals("必须不小于 0 且小于 1，如 0.1", browser.evalValue(
                    "document.querySelector('label[data-field=\"holdout\"] .err').textContent").asText());
            browser.evalValue(set("holdout", "0.2") + " document.body.dataset.saved = '';"
                    + " document.getElementById('saveCampaign').click(); true");
            browser.waitFor("document.body.dataset.saved !== ''");
            String saved = browser.evalValue("document.body.dataset.saved").asText();
            assertEquals(0.2, gw.get("/v1/campaigns/" + saved, w.key).json().get("holdout").asDouble());
        }
    }
}
