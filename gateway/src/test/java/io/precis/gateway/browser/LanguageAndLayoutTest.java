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

/**
 * The privacy centre and the dashboard in real headless Chromium speak the browser's language
 * (Chinese or English, from Accept-Language), switch on request and remember the choice; the
 * dashboard marks undefined or meaningless ratios with "—", explains "(other)" rows, and stays
 * readable at 800 px.
 */
class LanguageAndLayoutTest {
    @TempDir
    Path dir;

    private static void acceptLanguage(HeadlessChromium browser, String languages) {
        browser.call("Network.enable", TestGateway.JSON.createObjectNode());
        browser.call("Network.setUserAgentOverride", TestGateway.JSON.createObjectNode()
                .put("userAgent", TestGateway.BROWSER_UA).put("acceptLanguage", languages));
    }

    private static String text(HeadlessChromium browser, String selector) {
        return browser.evalValue("document.querySelector('" + selector + "').textContent").asText();
    }

    @Test
    void thePrivacyCentreSpeaksChineseToAChineseBrowserAndRemembersASwitchToEnglish() throws Exception {
        try (TestGateway gw = TestGateway.start(dir); HeadlessChromium browser = HeadlessChromium.launch()) {
            assertEquals(200, gw.get("/privacy", null).status());
            acceptLanguage(browser, "zh-CN,zh;q=0.9,en;q=0.5");
            browser.navigate(gw.base + "/privacy");
            browser.waitFor("document.body.dataset.loaded === 'true'");
            assertEquals("zh-CN", browser.evalValue("document.documentElement.lang").asText());
            assertEquals("您的隐私选择", text(browser, "h1"));
            assertEquals("保存我的选择", text(browser, "#save"));
            assertTrue(text(browser, "#meta").startsWith("当前设置来自默认设置"), text(browser, "#meta"));
            browser.screenshot(Path.of("target", "screenshots", "privacy-zh.png"));

            browser.evalValue("const s = document.getElementById('lang'); s.value = 'en';"
                    + " s.dispatchEvent(new Event('change')); true");
            assertEquals("Your privacy choices", text(browser, "h1"));
            browser.reload();
            browser.waitFor("document.body.dataset.loaded === 'true'");
            assertEquals("Your privacy choices", text(browser, "h1"), "the switch is remembered");
            assertTrue(text(browser, "#meta").startsWith("Current settings come from the defaults"));
        }
    }

    @Test
    void theDashboardInChineseMarksMeaninglessRatiosAndStaysReadableAt800Pixels() throws Exception {
        try (TestGateway gw = TestGateway.start(dir); HeadlessChromium browser = HeadlessChromium.launch()) {
            String key = gw.advertiser("看板 Co");
            String coffee = gw.campaign(key, Campaigns.keywords("咖啡推广", "[\"咖啡\"]", "CPC", 0.5));
            Ads ads = new Ads(gw);
            for (int i = 0; i < 5; i++) {
                JsonNode ad = ads.serve("news.example", "手冲咖啡的做法");
                ads.impression(ad);
                if (i == 0) {
                    ads.click(ad);
                }
                if (i == 1) { // a robot's click: invalid, with its reason on the dashboard
                    gw.send(gw.builder(ad.get("clickUrl").textValue(), null).setHeader("User-Agent", "curl/8.5.0").GET().build());
                }
            }
            acceptLanguage(browser, "zh-CN,zh;q=0.9");
            browser.call("Emulation.setDeviceMetricsOverride", TestGateway.JSON.createObjectNode()
                    .put("width", 800).put("height", 1000).put("deviceScaleFactor", 1).put("mobile", false));
            browser.navigate(gw.base + "/dashboard");
            browser.evalValue("document.getElementById('key').value = " + TestGateway.JSON.writeValueAsString(key)
                    + "; document.getElementById('load').click(); true");
            browser.waitFor("document.body.dataset.loaded === 'true'");

            assertEquals("推广活动", text(browser, "#campaigns th"));
            String ctr = "#campaigns td[data-key=\"" + coffee + "\"][data-metric=\"ctr\"]";
            assertEquals("—", text(browser, ctr), "a CTR of 5 impressions means nothing yet");
            assertEquals("0.2", browser.evalValue("document.querySelector('" + ctr.replace("'", "\\'")
                    + "').dataset.value").asText(), "the exact figure stays with the cell");
            assertEquals("—", text(browser, "#campaigns td[data-key=\"" + coffee + "\"][data-metric=\"cpa\"]"),
                    "no conversions: no CPA");
            assertEquals("机器人 1", browser.evalValue("document.querySelector('#campaigns td[data-key=\"" + coffee
                    + "\"][data-metric=\"invalidClicks\"]').dataset.reasons").asText(), "why the click was invalid");
            JsonNode regions = gw.get("/v1/reports?groupBy=region", key).json().get("rows");
            boolean other = false;
            for (JsonNode row : regions) {
                other |= "(other)".equals(row.get("region").asText());
            }
            assertEquals(other, browser.evalValue("!!document.querySelector('#regions .other-note')").asBoolean(),
                    "an (other) row is explained where it appears: " + regions);
            if (other) {
                assertEquals("（其他）", text(browser, "#regions tr[data-key=\"(other)\"] td"));
            }
            assertTrue(browser.evalValue("document.documentElement.scrollWidth").asInt() <= 800,
                    "the page fits 800 px; wide tables scroll inside their box");
            Path shot = Path.of("target", "screenshots", "dashboard-zh-800.png");
            browser.screenshot(shot);
            assertTrue(Files.size(shot) > 1000);
        }
    }

    @Test
    void theAdminPageSpeaksChineseToAChineseBrowser() throws Exception {
        try (TestGateway gw = TestGateway.start(dir); HeadlessChromium browser = HeadlessChromium.launch()) {
            String account = gw.account("publisher", "新闻网");
            acceptLanguage(browser, "zh-CN,zh;q=0.9");
            browser.navigate(gw.base + "/admin");
            assertEquals("Precis · 账户", text(browser, "h1"));
            browser.evalValue("document.getElementById('token').value = "
                    + TestGateway.JSON.writeValueAsString(TestGateway.ADMIN_TOKEN)
                    + "; document.getElementById('load').click(); true");
            browser.waitFor("document.body.dataset.loaded === 'true'");
            assertTrue(browser.evalValue("[...document.querySelectorAll('#accounts button')].some(b => b.textContent === '吊销密钥')")
                    .asBoolean(), "the account's buttons speak Chinese");
            assertEquals("媒体", browser.evalValue("document.querySelector('#accounts td[data-field=\"type\"]').textContent")
                    .asText());
            assertTrue(account != null);
        }
    }
}
