package io.precis.gateway.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.precis.gateway.GppStrings;
import io.precis.gateway.TcfStrings;
import io.precis.gateway.TestGateway;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ad tag ({@code GET /precis.js}) on a publisher's page in real headless Chromium. The page
 * is served by a server of its own ({@code http://localhost:P}), a different origin from the
 * gateway ({@code http://127.0.0.1:G}), so the tag's request crosses origins as on a real site.
 * Three slots, one below the fold: all render from one request; an impression counts only once
 * its ad was at least half in view for a second (the one below the fold only after scrolling to
 * it); a click lands on the landing page with {@code precis_click}; a creative title made of
 * HTML shows as text.
 */
class AdTagBrowserTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String XSS_TITLE = "<img src=x onerror=\\\"window.__pwned=1\\\">";

    @TempDir
    Path dir;

    @Test
    void threeSlotsRenderFromOneRequestAndEachImpressionCountsOnlyOnceViewable() throws Exception {
        HttpServer publisher = HttpServer.create(new InetSocketAddress(0), 0);
        try (TestGateway gw = TestGateway.start(dir); HeadlessChromium browser = HeadlessChromium.launch()) {
            String site = "http://localhost:" + publisher.getAddress().getPort();
            String tcf = TcfStrings.fullConsent();
            String gpp = GppStrings.fullConsent(); // each call encodes the time of the call
            serve(publisher, "/article", articlePage(gw.base, tcf, gpp));
            serve(publisher, "/landing", "<!doctype html><title>landed</title><p>Thanks for visiting.</p>");
            publisher.start();

            String key = gw.advertiser("Tag Co");
            String umbrella = gw.campaign(key, campaign("Umbrellas", "banner-300x250", "Umbrellas for rainy days",
                    site + "/landing?from=ad"));
            String xss = gw.campaign(key, campaign("Script", "banner-160x600", XSS_TITLE, site + "/landing"));
            String below = gw.campaign(key, campaign("Below", "banner-728x90", "Seen at last", site + "/landing"));

            browser.navigate(site + "/article?reader=someone%40mail.example#comments");
            browser.waitFor(state("home-top") + " === 'viewable' && " + state("side") + " === 'viewable'");
            assertTrue(browser.evalValue(state("below") + " === 'rendered'").asBoolean(),
                    "the ad below the fold is rendered but not viewable");
            assertEquals(1, browser.evalValue("performance.getEntriesByType('resource')"
                    + ".filter(e => e.name.endsWith('/v1/ad')).length").asInt(), "one ad request for the page");

            // What the tag sent: the page's context (no query, no fragment) and both CMPs' strings.
            JsonNode sent = TestGateway.JSON.readTree(browser.evalValue("JSON.stringify(window.__sent)").asText());
            assertEquals(1, sent.size());
            JsonNode body = sent.get(0);
            assertEquals("[{\"id\":\"home-top\",\"format\":\"banner-300x250\"},{\"id\":\"side\",\"format\":"
                    + "\"banner-160x600\"},{\"id\":\"below\",\"format\":\"banner-728x90\"}]", body.get("slots").toString());
            assertEquals(site + "/article", body.get("page").get("url").asText());
            assertEquals("Rain all week", body.get("page").get("title").asText());
            assertEquals("[\"weather\",\"rain\"]", body.get("page").get("keywords").toString());
            assertEquals("en", body.get("page").get("lang").asText());
            String text = body.get("page").get("text").asText();
            assertTrue(text.startsWith("The forecast for the week Rain all week Bring an umbrella"), text);
            assertTrue(text.length() <= 2000, "a bounded excerpt: " + text.length());
            assertEquals(tcf, body.get("consent").get("tcf").asText());
            assertEquals(gpp, body.get("consent").get("gpp").asText());
            assertEquals("[2]", body.get("consent").get("gppSid").toString());

            // The two ads in view are counted; the one below the fold is measured only.
            JsonNode rows = awaitReport(gw, key, r -> imps(r, umbrella) == 1 && imps(r, xss) == 1
                    && field(r, below, "measuredImpressions") == 1);
            assertEquals(0, imps(rows, below));
            assertEquals(0, field(rows, below, "viewableImpressions"));
            assertEquals(1, field(rows, umbrella, "viewableImpressions"));
            assertEquals("rendered", browser.evalValue(state("below")).asText());

            // A title of HTML stays text: no element made of it, no script run.
            assertEquals(XSS_TITLE.replace("\\\"", "\""), browser.evalValue(
                    "document.querySelector('[data-precis-slot=side] .precis-title').textContent").asText());
            assertEquals(0, browser.evalValue("document.querySelectorAll('[data-precis-slot=side] img').length").asInt());
            assertEquals(0, browser.evalValue("document.querySelectorAll('img[src=\"x\"]').length").asInt());
            assertTrue(browser.evalValue("window.__pwned === undefined").asBoolean(), "the onerror never ran");

            // Scrolled into view: not viewable at once (same task), counted after a continuous second.
            assertEquals("rendered", browser.evalValue("(() => { document.querySelector('[data-precis-slot=below]')"
                    + ".scrollIntoView(); return " + state("below") + "; })()").asText());
            browser.waitFor(state("below") + " === 'viewable'");
            rows = awaitReport(gw, key, r -> imps(r, below) == 1);
            assertEquals(1, field(rows, below, "viewableImpressions"));
            assertEquals(1, field(rows, below, "measuredImpressions"));

            browser.evalValue("document.querySelector('[data-precis-slot=home-top] a.precis-ad').click(); true");
            browser.waitFor("location.pathname === '/landing' && new URLSearchParams(location.search).get('from') === 'ad'"
                    + " && /^[A-Za-z0-9_-]{22}$/.test(new URLSearchParams(location.search).get('precis_click'))");
            rows = awaitReport(gw, key, r -> field(r, umbrella, "clicks") + field(r, umbrella, "invalidClicks") == 1);
            assertEquals(1, imps(rows, umbrella), "the click counts no second impression");
        } finally {
            publisher.stop(0);
        }
    }

    /** A publisher's article: two slots at the top, one far below the fold, the tag last. */
    private static String articlePage(String gateway, String tcf, String gpp) {
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>Rain all week</title>
                <meta name="description" content="The forecast for the week">
                <meta name="keywords" content="weather, rain">
                <script>
                  // The page's CMPs (TCF answers a little later, as a real one does), and a
                  // recorder of what the tag asks /v1/ad, the request passed on unchanged.
                  window.__tcfapi = function (cmd, version, cb) {
                    if (cmd === 'addEventListener') setTimeout(function () {
                      cb({eventStatus: 'tcloaded', tcString: '%s', listenerId: 7}, true);
                    }, 20);
                  };
                  window.__gpp = function (cmd, cb) {
                    if (cmd === 'ping') cb({gppString: '%s', applicableSections: [2]}, true);
                  };
                  window.__sent = [];
                  const realFetch = window.fetch;
                  window.fetch = function (url, options) {
                    if (String(url).endsWith('/v1/ad')) window.__sent.push(JSON.parse(options.body));
                    return realFetch.apply(this, arguments);
                  };
                </script></head>
                <body><article><h1>Rain all week</h1><p>Bring an umbrella: showers until Sunday.</p>
                <div data-precis-slot="home-top" data-format="banner-300x250"></div>
                <div data-precis-slot="side" data-format="banner-160x600"></div>
                <div style="height: 4000px">More news further down.</div>
                <div data-precis-slot="below" data-format="banner-728x90"></div>
                </article>
                <script src="%s/precis.js" async></script>
                </body></html>
                """.formatted(tcf, gpp, gateway);
    }

    private static String campaign(String name, String format, String title, String landing) {
        return """
                {"name": "%s", "bid": {"model": "CPM", "amount": 5},
                 "targeting": {"formats": ["%s"]},
                 "creatives": [{"id": "c1", "format": "%s", "title": "%s", "landingUrl": "%s"}]}
                """.formatted(name, format, format, title, landing);
    }

    private static void serve(HttpServer server, String path, String html) {
        byte[] body = html.getBytes(StandardCharsets.UTF_8);
        server.createContext(path, exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
    }

    private static String state(String slot) {
        return "document.querySelector('[data-precis-slot=" + slot + "]').getAttribute('data-precis-state')";
    }

    /** The campaign report's rows once {@code until} holds; fails after the deadline. */
    private static JsonNode awaitReport(TestGateway gw, String key, Predicate<JsonNode> until) throws InterruptedException {
        Instant deadline = Instant.now().plus(DEADLINE);
        JsonNode rows = null;
        while (Instant.now().isBefore(deadline)) {
            rows = gw.get("/v1/reports?groupBy=campaign", key).json().get("rows");
            if (until.test(rows)) {
                return rows;
            }
            Thread.sleep(50); // between polls, not a wait for anything in particular
        }
        throw new AssertionError("the report never reached the expected counts: " + rows);
    }

    private static long imps(JsonNode rows, String campaign) {
        return field(rows, campaign, "impressions");
    }

    private static long field(JsonNode rows, String campaign, String name) {
        for (JsonNode r : rows) {
            if (campaign.equals(r.get("campaign").asText())) {
                return r.get(name).asLong();
            }
        }
        return 0;
    }
}
