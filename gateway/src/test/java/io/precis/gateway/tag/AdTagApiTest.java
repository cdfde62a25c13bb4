package io.precis.gateway.tag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.gateway.Campaigns;
import io.precis.gateway.TestGateway;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ad tag's server side over real HTTP: the script's caching headers, CORS for a page on
 * another origin, the multi-slot form of {@code /v1/ad}, and the viewability signal on the
 * impression pixel as the reports count it. The browser side is {@code browser/AdTagBrowserTest}.
 */
class AdTagApiTest {
    private static final String PAGE_ORIGIN = "https://news.example";

    @TempDir
    Path dir;

    @Test
    void theScriptIsSmallCacheableRevalidatedByItsEtagAndLoadableFromAnyPage() throws Exception {
        try (TestGateway gw = TestGateway.start(dir)) {
            TestGateway.Resp r = gw.get("/precis.js", null);
            assertEquals(200, r.status());
            assertEquals("text/javascript; charset=utf-8", r.header("Content-Type"));
            assertEquals("public, max-age=3600", r.header("Cache-Control"));
            assertEquals("*", r.header("Access-Control-Allow-Origin"));
            String etag = r.header("ETag");
            assertTrue(etag != null && etag.matches("\"[A-Za-z0-9_-]{22}\""), etag);
            // Without comments and indentation (what a minifier removes first) it is well under 6 KB.
            String stripped = r.body().replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)^\\s+|\\s*//[^'\\n]*$", "");
            assertTrue(stripped.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 6 * 1024, "" + stripped.length());
            assertTrue(!r.body().contains("eval(") && !r.body().contains("innerHTML")
                    && !r.body().contains("new Function"), "no code from strings, no HTML from data");

            TestGateway.Resp again = gw.send(gw.builder("/precis.js", null).header("If-None-Match", etag).GET().build());
            assertEquals(304, again.status());
            assertEquals("", again.body());
            assertEquals(etag, again.header("ETag"));
        }
    }

    @Test
    void aPageOnAnotherOriginMayAskForAdsWithCredentialsAfterAPreflight() {
        try (TestGateway gw = TestGateway.start(dir)) {
            String key = gw.advertiser("Tag Co");
            gw.campaign(key, Campaigns.keywords("Coffee", "[\"coffee\"]", "CPM", 10));
            TestGateway.Resp pre = gw.send(gw.builder("/v1/ad", null).header("Origin", PAGE_ORIGIN)
                    .header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "content-type")
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
            assertEquals(204, pre.status());
            assertEquals(PAGE_ORIGIN, pre.header("Access-Control-Allow-Origin"));
            assertEquals("true", pre.header("Access-Control-Allow-Credentials"));
            assertTrue(pre.header("Access-Control-Allow-Methods").contains("POST"));
            assertTrue(pre.header("Access-Control-Allow-Headers").toLowerCase().contains("content-type"));
            assertEquals("Origin", pre.header("Vary"));

            TestGateway.Resp ad = gw.send(gw.builder("/v1/ad", null).header("Origin", PAGE_ORIGIN)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Campaigns.adRequest("news.example", "fresh coffee")))
                    .build());
            assertEquals(200, ad.status());
            assertEquals(PAGE_ORIGIN, ad.header("Access-Control-Allow-Origin"));
            assertEquals("true", ad.header("Access-Control-Allow-Credentials"));

            // Not an http(s) origin: no access granted; no Origin at all: as before.
            TestGateway.Resp odd = gw.send(gw.builder("/v1/ad", null).header("Origin", "null")
                    .POST(HttpRequest.BodyPublishers.ofString(Campaigns.adRequest("news.example", "fresh coffee")))
                    .build());
            assertNull(odd.header("Access-Control-Allow-Origin"));
            assertNull(gw.ad(Campaigns.adRequest("news.example", "fresh coffee")).header("Access-Control-Allow-Origin"));
            // The person's own data stays unreadable from other origins.
            TestGateway.Resp me = gw.send(gw.builder("/v1/consent", null).header("Origin", PAGE_ORIGIN).GET().build());
            assertNull(me.header("Access-Control-Allow-Origin"));
        }
    }

    @Test
    void oneRequestFillsEverySlotOfAPageEachAdNamingItsSlot() {
        try (TestGateway gw = TestGateway.start(dir)) {
            String key = gw.advertiser("Tag Co");
            gw.campaign(key, formatCampaign("Wide", "banner-728x90"));
            gw.campaign(key, formatCampaign("Box", "banner-300x250"));
            TestGateway.Resp r = gw.ad("""
                    {"slots": [{"id": "top", "format": "banner-728x90"}, {"id": "side", "format": "banner-300x250"},
                               {"id": "none", "format": "banner-1x1"}],
                     "page": {"url": "https://news.example/a/1", "text": "tea and coffee"}}""");
            assertEquals(200, r.status());
            JsonNode ads = r.json().get("ads");
            assertEquals(2, ads.size(), ads.toString());
            assertEquals("top", ads.get(0).get("slot").asText());
            assertEquals("banner-728x90", ads.get(0).get("format").asText());
            assertEquals("side", ads.get(1).get("slot").asText());
            assertEquals("banner-300x250", ads.get(1).get("format").asText());
            assertEquals("news.example", TestGateway.openToken(ads.get(1).get("impressionUrl").asText()).ad().site());
            assertEquals("side", TestGateway.openToken(ads.get(1).get("impressionUrl").asText()).ad().slot());

            assertEquals(204, gw.ad("{\"slots\": [{\"id\": \"x\", \"format\": \"banner-1x1\"}]}").status());
            assertBad(gw.ad("{\"slot\": {\"id\": \"a\"}, \"slots\": [{\"id\": \"b\"}]}"), "slots");
            assertBad(gw.ad("{\"slots\": []}"), "slots");
            assertBad(gw.ad("{\"slots\": [{}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}]}"), "slots");
            assertBad(gw.ad("{\"slots\": [{\"id\": \"a\"}, 7]}"), "slots[1]");
            assertBad(gw.ad("{\"slots\": [{\"id\": \"a\"}, {\"id\": \"b\", \"site\": \"not a host\"}]}"), "slots[1].site");
            assertBad(gw.ad("{\"slots\": [{\"id\": \"a\"}], \"count\": 11}"), "count");
        }
    }

    @Test
    void aRenderedSignalMeasuresTheAdAndOnlyTheViewableOneCountsItsImpressionOnce() {
        try (TestGateway gw = TestGateway.start(dir)) {
            String key = gw.advertiser("Tag Co");
            gw.campaign(key, Campaigns.keywords("Coffee", "[\"coffee\"]", "CPM", 10));
            String seen = impressionUrl(gw);
            String unseen = impressionUrl(gw);
            assertEquals(204, gw.get(seen + "&view=rendered", null).status());
            assertEquals(204, gw.get(unseen + "&view=rendered", null).status());
            assertEquals(204, gw.get(unseen + "&view=rendered", null).status());
            JsonNode t = totals(gw, key);
            assertEquals(0, t.get("impressions").asInt());
            assertEquals(2, t.get("measuredImpressions").asInt());
            assertEquals(0, t.get("spend").asDouble());

            for (int i = 0; i < 3; i++) { // a replayed viewable signal counts once
                assertEquals(204, gw.get(seen + "&view=viewable", null).status());
            }
            assertEquals(204, gw.get(seen, null).status()); // and so does the plain pixel of the same ad
            t = totals(gw, key);
            assertEquals(1, t.get("impressions").asInt());
            assertEquals(2, t.get("measuredImpressions").asInt());
            assertEquals(1, t.get("viewableImpressions").asInt());
            assertEquals(0.5, t.get("viewabilityRate").asDouble());
            double spend = t.get("spend").asDouble(); // one impression at the auction's price, at most 10 / 1000
            assertTrue(spend > 0 && spend <= 0.01, "" + spend);
            assertEquals(spend * 1000, t.get("vcpm").asDouble(), 1e-9);

            // A bad view or token counts nothing.
            assertBad(gw.get(seen + "&view=maybe", null), "view");
            String forged = seen.substring(0, seen.length() - 4) + (seen.endsWith("AAAA") ? "BBBB" : "AAAA");
            assertBad(gw.get(forged + "&view=viewable", null), "t");
            assertBad(gw.get("/v1/t/imp?view=viewable", null), "t");
            assertEquals(1, totals(gw, key).get("impressions").asInt());
        }
    }

    private static String impressionUrl(TestGateway gw) {
        TestGateway.Resp r = gw.ad(Campaigns.adRequest("news.example", "fresh coffee"));
        assertEquals(200, r.status(), r.body());
        return r.json().get("ads").get(0).get("impressionUrl").asText();
    }

    private static JsonNode totals(TestGateway gw, String key) {
        return gw.get("/v1/reports", key).json().get("totals");
    }

    private static void assertBad(TestGateway.Resp r, String field) {
        assertEquals(400, r.status(), r.body());
        assertEquals("bad_request", r.json().get("error").asText());
        assertEquals(field, r.json().get("field").asText(), r.body());
    }

    static String formatCampaign(String name, String format) {
        return """
                {"name": "%s", "bid": {"model": "CPM", "amount": 5},
                 "targeting": {"formats": ["%s"]},
                 "creatives": [{"id": "c1", "format": "%s", "title": "%s",
                                "landingUrl": "https://shop.example/%s"}]}
                """.formatted(name, format, format, name, name);
    }

}
