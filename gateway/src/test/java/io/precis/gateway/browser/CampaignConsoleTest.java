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
 * An advertiser runs a campaign from the dashboard alone, in real headless Chromium, in Chinese:
 * creates one through the form (Chinese keywords, a Beijing district picked by name, two
 * creatives), sees it serve, edits it, pauses it, and sees what is wrong with a field next to it,
 * in Chinese.
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

    /** Opens the dashboard as a Chinese browser and loads it with {@code key}. */
    private static void openDashboard(HeadlessChromium browser, TestGateway gw, String key) throws Exception {
        browser.call("Network.enable", TestGateway.JSON.createObjectNode());
        browser.call("Network.setUserAgentOverride", TestGateway.JSON.createObjectNode()
                .put("userAgent", TestGateway.BROWSER_UA).put("acceptLanguage", "zh-CN,zh;q=0.9"));
        browser.navigate(gw.base + "/dashboard");
        browser.evalValue("document.getElementById('key').value = " + TestGateway.JSON.writeValueAsString(key)
                + "; document.getElementById('load').click(); true");
        browser.waitFor("document.body.dataset.loaded === 'true'");
    }

    private static void save(HeadlessChromium browser) {
        browser.evalValue("document.body.dataset.saved = ''; document.getElementById('saveCampaign').click(); true");
        browser.waitFor("document.body.dataset.saved !== ''");
    }

    @Test
    void anAdvertiserCreatesEditsAndPausesACampaignInTheDashboard() throws Exception {
        try (TestGateway gw = TestGateway.start(dir); HeadlessChromium browser = HeadlessChromium.launch()) {
            String key = gw.advertiser("咖啡 Co");
            openDashboard(browser, gw, key);

            // The district is picked by name: 北京市, then 朝阳区 (GB/T 2260 110105, CN-11-0105).
            browser.waitFor("Number(document.body.dataset.regions) >= 31");
            browser.evalValue("const pr = document.getElementById('province'); pr.value = '11';"
                    + " pr.dispatchEvent(new Event('change')); document.getElementById('district').value = '0105';"
                    + " document.getElementById('addRegion').click(); true");
            assertEquals("CN-11-0105", browser.evalValue(
                    "document.getElementById('campaignForm').elements.regions.value").asText());
            assertTrue(browser.evalValue("document.getElementById('regionNames').textContent").asText().contains("朝阳区"));

            browser.evalValue(set("name", "精品咖啡 北京朝阳") + set("bidModel", "CPC") + set("bidAmount", "-1")
                    + set("keywords", "手冲咖啡、咖啡豆") + set("title", "新豆上市")
                    + set("landingUrl", "https://shop.example/coffee") + set("budgetDaily", "50") + " true");
            // A second creative, in the form too; its landing page is wrong at first.
            browser.evalValue("document.getElementById('addCreative').click();"
                    + " const row = document.querySelector('#moreCreatives fieldset');"
                    + " row.querySelector('input[data-k=\"title\"]').value = '第二张图';"
                    + " row.querySelector('input[data-k=\"landingUrl\"]').value = 'shop.example/coffee2'; true");
            save(browser);
            assertEquals("error", browser.evalValue("document.body.dataset.saved").asText());
            String fieldError = browser.evalValue(
                    "document.querySelector('label[data-field=\"bid.amount\"] .err').textContent").asText();
            assertEquals("必须大于 0", fieldError, "the API's message for bid.amount, in Chinese, next to the field");
            assertEquals(0, gw.get("/v1/campaigns", key).json().get("campaigns").size(), "nothing was created");
            browser.evalValue(set("bidAmount", "0.8") + " true");
            save(browser);
            assertEquals("必须是以 http:// 或 https:// 开头的完整网址", browser.evalValue(
                    "document.querySelector('label[data-field=\"creatives[1].landingUrl\"] .err').textContent").asText(),
                    "the second creative's error is next to its own field");
            browser.evalValue("document.querySelector('#moreCreatives input[data-k=\"landingUrl\"]').value ="
                    + " 'https://shop.example/coffee2'; true");

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
            assertEquals(2, created.get("creatives").size(), created.get("creatives").toString());
            assertEquals("第二张图", created.get("creatives").get(1).get("title").textValue());

            TestGateway.Resp served = ad(gw);
            assertEquals(200, served.status(), "the campaign made in the page serves: " + served.body());
            assertEquals(id, served.json().get("ads").get(0).get("campaignId").textValue());
            assertTrue(served.json().get("ads").get(0).get("matchedBy").toString().contains("demographic"));

            // A third creative added through the API: the form shows all three and edits any of them.
            JsonNode withThree = created.deepCopy();
            ((com.fasterxml.jackson.databind.node.ArrayNode) withThree.get("creatives")).addObject()
                    .put("id", "api-3").put("format", "banner-300x250").put("title", "第三张图")
                    .put("landingUrl", "https://shop.example/coffee3").putArray("audience").add("interest:coffee");
            // And fields the form does not show: an edit in the page must keep them.
            ((com.fasterxml.jackson.databind.node.ObjectNode) withThree).putArray("adCategories").add("IAB8-5");
            ((com.fasterxml.jackson.databind.node.ObjectNode) withThree.get("targeting")).putObject("trigger")
                    .put("withinMinutes", 60).putArray("events").add("cart");
            assertEquals(200, gw.put("/v1/campaigns/" + id, withThree.toString(), key).status());
            browser.evalValue("document.getElementById('load').click(); true");
            browser.waitFor("document.body.dataset.loaded === 'true'");
            browser.waitFor("!!document.querySelector('#manage tr[data-id=\"" + id + "\"]')");
            browser.evalValue("document.querySelector('#manage button[data-action=\"edit\"][data-id=\"" + id
                    + "\"]').click(); " + set("title", "新豆上市 · 第二批")
                    + " document.querySelectorAll('#moreCreatives input[data-k=\"title\"]')[1].value = '第三张图 · 新'; true");
            assertEquals("CN-11-0105 北京市 朝阳区",
                    browser.evalValue("document.getElementById('regionNames').textContent").asText());
            save(browser);
            assertEquals(id, browser.evalValue("document.body.dataset.saved").asText());
            JsonNode edited = gw.get("/v1/campaigns/" + id, key).json().get("creatives");
            assertEquals("新豆上市 · 第二批", edited.get(0).get("title").textValue());
            assertEquals("第二张图", edited.get(1).get("title").textValue());
            assertEquals("api-3", edited.get(2).get("id").textValue(), "creative ids are kept");
            assertEquals("第三张图 · 新", edited.get(2).get("title").textValue());
            JsonNode whole = gw.get("/v1/campaigns/" + id, key).json();
            assertEquals("[\"interest:coffee\"]", edited.get(2).get("audience").toString(), "a creative's audience is kept");
            assertEquals("[\"IAB8-5\"]", whole.get("adCategories").toString(), "fields the form does not show are kept");
            assertEquals(60, whole.get("targeting").get("trigger").get("withinMinutes").asInt(), whole.toString());
            assertEquals("[\"手冲咖啡\",\"咖啡豆\"]", whole.get("targeting").get("keywords").toString());

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

    /**
     * The dashboard shows, per campaign, the ads stop after conversion did not show and the ads
     * the contact policy suppressed, as GET /v1/reports/contact counts them; and its form sets
     * and keeps a campaign's stop after conversion, conversion group and channels.
     */
    @Test
    void theDashboardShowsWhatStopAfterConversionAndTheContactPolicyHeldBack() throws Exception {
        io.precis.reports.invalid.InvalidClickPolicy d = io.precis.reports.invalid.InvalidClickPolicy.DEFAULTS;
        try (TestGateway gw = TestGateway.start(dir, c -> c
                .withContact(io.precis.gateway.contact.ContactSettings.DEFAULTS.withPerDay(2))
                .withClickPolicy(new io.precis.reports.invalid.InvalidClickPolicy(java.time.Duration.ZERO,
                        d.maxClicksPerUserPerHour(), d.maxClicksPerIpPrefixPerHour())));
             HeadlessChromium browser = HeadlessChromium.launch()) {
            String key = gw.advertiser("咖啡 Co");
            String publisher = gw.account("publisher", "News");
            String beans = gw.campaign(key, """
                    {"name": "咖啡豆", "bid": {"model": "CPM", "amount": 9}, "stopAfterConversion": true,
                     "targeting": {"keywords": ["手冲咖啡"], "formats": ["banner-300x250"]},
                     "creatives": [{"id": "c1", "format": "banner-300x250", "title": "新豆",
                                    "landingUrl": "https://shop.example/beans"}]}""");
            String cups = gw.campaign(key, """
                    {"name": "滤杯", "bid": {"model": "CPM", "amount": 5},
                     "targeting": {"keywords": ["手冲咖啡"], "formats": ["banner-300x250"]},
                     "creatives": [{"id": "c1", "format": "banner-300x250", "title": "滤杯",
                                    "landingUrl": "https://shop.example/cups"}]}""");
            assertEquals(200, gw.put("/v1/consent?user=reader-9", "{\"purposes\": {\"measurement\": true}}",
                    publisher).status());
            String request = """
                    {"slot": {"id": "top", "format": "banner-300x250", "site": "news.example"},
                     "page": {"url": "https://news.example/coffee", "text": "%s"}, "user": {"id": "reader-9"}}"""
                    .formatted(PAGE);
            JsonNode ad = gw.ad(request).json().get("ads").get(0);
            assertEquals(beans, ad.get("campaignId").textValue());
            io.precis.gateway.Ads ads = new io.precis.gateway.Ads(gw);
            ads.impression(ad);
            assertEquals(202, gw.post("/v1/t/conversion", "{\"click\": \"" + ads.click(ad)
                    + "\", \"event\": \"purchase\"}", null).status());
            assertEquals(cups, gw.ad(request).json().get("ads").get(0).get("campaignId").textValue(),
                    "bought: the beans campaign is held back (1 not shown)");
            assertEquals(204, gw.ad(request).status(), "two a day: the cups campaign is suppressed (1)");

            openDashboard(browser, gw, key);
            String cell = "document.querySelector('#contact td[data-metric=\"%s\"][data-key=\"%s\"]').dataset.value";
            assertEquals("2", browser.evalValue(cell.formatted("adsNotShown", beans)).asText(),
                    "held back in both auctions after the purchase");
            assertEquals("0", browser.evalValue(cell.formatted("adsSuppressed", beans)).asText());
            assertEquals("1", browser.evalValue(cell.formatted("adsSuppressed", cups)).asText());
            assertEquals("0", browser.evalValue(cell.formatted("adsNotShown", cups)).asText());
            assertTrue(browser.evalValue("document.getElementById('contact').textContent").asText().contains("未展示（已购买）"));

            // Edited in the form, the campaign keeps its rules and gains a group and the email channel.
            browser.evalValue("document.querySelector('#manage button[data-action=\"edit\"][data-id=\"" + beans
                    + "\"]').click(); true");
            assertEquals(true, browser.evalValue(
                    "document.getElementById('campaignForm').elements.stopAfterConversion.checked").asBoolean());
            browser.evalValue(set("conversionGroup", "coffee")
                    + " document.querySelector('#campaignForm input[name=\"channels\"][value=\"email\"]').checked = true;"
                    + set("text", "新豆到货，手冲正当时") + " true");
            save(browser);
            assertEquals(beans, browser.evalValue("document.body.dataset.saved").asText());
            JsonNode edited = gw.get("/v1/campaigns/" + beans, key).json();
            assertTrue(edited.get("stopAfterConversion").asBoolean(), edited.toString());
            assertEquals("coffee", edited.get("conversionGroup").textValue());
            assertEquals("[\"email\",\"web\"]", edited.get("channels").toString());
            assertEquals("新豆到货，手冲正当时", edited.get("creatives").get(0).get("text").textValue());

            // A group without stop after conversion: the API's message, in Chinese, by the field.
            browser.evalValue("document.querySelector('#manage button[data-action=\"edit\"][data-id=\"" + cups
                    + "\"]').click();" + set("conversionGroup", "coffee") + " true");
            save(browser);
            assertEquals("需要同时开启“转化后停投”", browser.evalValue(
                    "document.querySelector('label[data-field=\"conversionGroup\"] .err').textContent").asText());
        }
    }

    /**
     * Every problem the campaign API can name (each literal "must …" of the campaign model's
     * validation and of the shared field readers, with 5 for a number it adds) reads in Chinese
     * on the Chinese page: a new message without a translation fails here.
     */
    @Test
    void everyCampaignValidationMessageHasAChineseText() throws Exception {
        java.util.Set<String> problems = new java.util.TreeSet<>();
        java.util.regex.Pattern literal = java.util.regex.Pattern.compile(
                "\"\\s?((?:must|is required|duplicates)[^\"]*)\"(?:\\s*\\+\\s*[\\w.()]+\\s*\\+\\s*\"([^\"]*)\")?");
        Path root = Path.of("..").toAbsolutePath().normalize();
        for (Path dir : new Path[] {root.resolve("matcher/src/main/java/io/precis/matcher/campaign"),
                root.resolve("gateway/src/main/java/io/precis/gateway/http")}) {
            try (var files = Files.list(dir)) {
                for (Path f : files.filter(x -> x.toString().endsWith(".java")).toList()) {
                    var m = literal.matcher(Files.readString(f));
                    while (m.find()) {
                        String text = m.group(2) != null ? m.group(1) + "5" + m.group(2) : m.group(1);
                        problems.add(text.endsWith(" ") ? text + "5" : text);
                    }
                }
            }
        }
        assertTrue(problems.size() > 30, "the scan found the messages: " + problems);
        try (TestGateway gw = TestGateway.start(dir); HeadlessChromium browser = HeadlessChromium.launch()) {
            browser.navigate(gw.base + "/dashboard");
            browser.evalValue("const s = document.getElementById('lang'); s.value = 'zh'; s.dispatchEvent(new Event('change')); true");
            java.util.List<String> untranslated = new java.util.ArrayList<>();
            for (String problem : problems) {
                String message = "targeting.keywords: " + problem;
                String zh = browser.evalValue("problemText(" + TestGateway.JSON.writeValueAsString(message)
                        + ", 'targeting.keywords')").asText();
                if (zh.equals(message) || zh.matches(".*[A-Za-z]{4,}.*") && !zh.matches(".*[\\u4e00-\\u9fff].*")) {
                    untranslated.add(problem);
                }
            }
            assertEquals(java.util.List.of(), untranslated, "messages without a Chinese text in dashboard.html's PROBLEMS_ZH");
        }
    }
}
