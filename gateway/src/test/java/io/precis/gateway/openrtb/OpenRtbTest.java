package io.precis.gateway.openrtb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.gateway.GppStrings;
import io.precis.gateway.TcfStrings;
import io.precis.gateway.TestGateway;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /openrtb2/bid} over real HTTP, with the IAB Tech Lab's own example bid requests
 * (test resources {@code openrtb/}) and a request shaped as Prebid Server's generic adapter
 * sends it.
 */
class OpenRtbTest {
    private static final Pattern HREF = Pattern.compile("<a href=\"([^\"]+)\"");

    @TempDir
    Path dir;
    private TestGateway gw;
    private String advertiser;

    @BeforeEach
    void start() {
        gw = TestGateway.start(dir);
        advertiser = gw.advertiser("Shop");
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    private String campaign(String name, String format, String currency, String model, double amount,
                            String title, String landing) {
        return gw.campaign(advertiser, """
                {"name": "%s", "goal": "awareness", "status": "active",
                 "bid": {"model": "%s", "amount": %s, "currency": "%s"},
                 "creatives": [{"id": "cr-%s", "format": "%s", "title": "%s",
                                "imageUrl": "https://cdn.shop.example/%s.png", "landingUrl": "%s"}]}
                """.formatted(name, model, amount, currency, name, format, title, name, landing));
    }

    private TestGateway.Resp bid(String body, String... headers) {
        HttpRequest.Builder b = gw.builder("/openrtb2/bid", null).header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return gw.send(b.POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static String example(String name) {
        try (InputStream in = OpenRtbTest.class.getResourceAsStream("/openrtb/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theIabSimpleBannerGetsABidWhoseMarkupAndBillingUrlCountAndClickThrough() {
        String id = campaign("umbrella", "banner-300x250", "USD", "CPM", 2.5, "Umbrellas", "https://www.shop.example/u");
        TestGateway.Resp r = bid(example("simple-banner.json"));
        assertEquals(200, r.status(), r.body());
        JsonNode response = r.json();
        assertEquals("80ce30c53c16e6ede735f123ef6e32361bfc7b22", response.get("id").asText());
        assertEquals("USD", response.get("cur").asText());
        JsonNode bid = response.at("/seatbid/0/bid/0");
        assertEquals("1", bid.get("impid").asText());
        assertEquals(id, bid.get("cid").asText());
        assertEquals("cr-umbrella", bid.get("crid").asText());
        assertEquals("shop.example", bid.at("/adomain/0").asText());
        assertEquals(300, bid.get("w").asInt());
        assertEquals(250, bid.get("h").asInt());
        // The only campaign: the second price is the reserve, above the 0.03 floor, never above the bid.
        double price = bid.get("price").asDouble();
        assertTrue(price >= 0.03 && price <= 2.5, "price " + price);
        String adm = bid.get("adm").asText();
        assertFalse(adm.contains("<script"), adm);
        String burl = bid.get("burl").asText();
        assertTrue(burl.startsWith("http://127.0.0.1:") && burl.contains("/v1/t/imp?t="), burl);
        assertTrue(adm.contains(burl.replace("&", "&amp;")), "the markup fires the same impression URL: " + adm);
        assertEquals(204, gw.get(burl.replace("${AUCTION_PRICE}", "0.5"), null).status(),
                "the billing notice counts the impression");
        Matcher href = HREF.matcher(adm);
        assertTrue(href.find(), adm);
        String click = href.group(1).replace("&amp;", "&");
        TestGateway.Resp landed = gw.send(gw.builder(click, null).GET().build());
        assertEquals(302, landed.status(), landed.body());
        assertTrue(landed.header("Location").startsWith("https://www.shop.example/u"), landed.header("Location"));
    }

    @Test
    void theIabAppVideoAndPrivateDealExamplesAreNotBidOn() {
        campaign("umbrella", "banner-300x250", "USD", "CPM", 2.5, "Umbrellas", "https://shop.example/u");
        // The app's only impression is 728x90 and the one 728x90 campaign's domain is in badv.
        campaign("texting", "banner-728x90", "USD", "CPM", 3, "Texting", "https://go-text.me/app");
        assertEquals(204, bid(example("mobile-app.json")).status(), "badv blocks go-text.me");
        assertEquals(204, bid(example("video.json")).status(), "a video impression: no banner to serve");
        assertEquals(204, bid(example("pmp-direct-deal.json")).status(), "a private auction: Precis has no deals");
        // The same app request, once a 728x90 campaign of another domain exists, is served.
        campaign("weather", "banner-728x90", "USD", "CPM", 4, "Weather", "https://weather.example/app");
        TestGateway.Resp served = bid(example("mobile-app.json"));
        assertEquals(200, served.status(), served.body());
        assertEquals("weather.example", served.json().at("/seatbid/0/bid/0/adomain/0").asText());
        assertTrue(served.json().at("/seatbid/0/bid/0/price").asDouble() >= 0.5, "the floor is met");
    }

    @Test
    void aPrebidServerGenericAdapterRequestIsServedInItsCurrencyWithConsentFromItsSignals() {
        campaign("tea", "banner-300x250", "CNY", "CPC", 1.2, "<img src=x onerror=alert(1)>", "https://tea.example/t");
        String prebid = """
                {"id": "b5f3d2b1-6f0c-4c1e-9d39-8d2b1b0b2f6a", "tmax": 5000, "cur": ["CNY"],
                 "imp": [{"id": "div-gpt-ad-1", "banner": {"format": [{"w": 300, "h": 250}, {"w": 300, "h": 600}]},
                          "ext": {"bidder": {"placementId": 12}, "prebid": {"bidder": {"generic": {}}}}}],
                 "site": {"domain": "news.example", "page": "https://news.example/tea/1",
                          "keywords": "tea,茶叶", "cat": ["IAB8"], "publisher": {"id": "pub-1"},
                          "ext": {"amp": 0}},
                 "device": {"ua": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
                            "ip": "203.0.113.7", "geo": {"lat": 39.9, "lon": 116.4, "country": "CHN", "region": "11"}},
                 "user": {"buyeruid": "precis-reader-42", "yob": 1990, "gender": "F",
                          "ext": {"consent": "%s"}},
                 "regs": {"ext": {"gdpr": 1, "gpc": "1"}},
                 "source": {"tid": "8a7f"},
                 "ext": {"prebid": {"targeting": {}}}}
                """.formatted(TcfStrings.fullConsent());
        TestGateway.Resp r = bid(prebid);
        assertEquals(200, r.status(), r.body());
        assertEquals("CNY", r.json().get("cur").asText());
        JsonNode bid = r.json().at("/seatbid/0/bid/0");
        assertEquals("div-gpt-ad-1", bid.get("impid").asText());
        assertTrue(bid.get("price").asDouble() > 0, bid.toString());
        String adm = bid.get("adm").asText();
        assertTrue(adm.contains("alt=\"&lt;img src=x onerror=alert(1)&gt;\""), adm);
        assertFalse(adm.contains("<img src=x"), "a creative title never becomes markup: " + adm);
        assertEquals(null, r.header("Set-Cookie"), "an exchange's call sets no cookie");
        // The same request asking for US dollars only: Precis converts no currency.
        assertEquals(204, bid(prebid.replace("\"cur\": [\"CNY\"]", "\"cur\": [\"USD\"]")).status());
    }

    @Test
    void regsGppDecidesPersonalisationAsOnV1Ad() {
        gw.campaign(advertiser, """
                {"name": "beijing", "bid": {"model": "CPM", "amount": 3, "currency": "USD"},
                 "targeting": {"regions": ["CN-11"]},
                 "creatives": [{"id": "bj", "format": "banner-300x250", "title": "Beijing",
                                "landingUrl": "https://bj.example/"}]}""");
        String request = """
                {"id": "gpp-1", "tmax": 5000, "imp": [{"id": "1", "banner": {"w": 300, "h": 250}}],
                 "site": {"domain": "news.example", "page": "https://news.example/a"},
                 "device": {"geo": {"country": "CHN", "region": "11"}},
                 "user": {"buyeruid": "reader-gpp"},
                 "regs": {"gpp": "%s", "gpp_sid": %s}}""";
        TestGateway.Resp granted = bid(request.formatted(GppStrings.fullConsent(), "[2]"));
        assertEquals(200, granted.status(), "the GPP string's TCF EU section grants personalisation: " + granted.body());
        assertEquals("bj.example", granted.json().at("/seatbid/0/bid/0/adomain/0").asText());
        assertEquals(204, bid(request.formatted(GppStrings.fullTcfConsentWithUsTargetingOptOut(), "[2, 7]")).status(),
                "the US national section's targeted-advertising opt-out: no region targeting");
        // The person chose personalisation in Precis' privacy centre: with no signal in the request
        // that choice applies; where GDPR applies and the exchange sends no consent string, it does not.
        String publisher = gw.account("publisher", "News");
        assertEquals(200, gw.put("/v1/consent?user=reader-gpp", "{\"purposes\": {\"personalisation\": true}}",
                publisher).status());
        String noSignal = """
                {"id": "gpp-1", "tmax": 5000, "imp": [{"id": "1", "banner": {"w": 300, "h": 250}}],
                 "site": {"domain": "news.example", "page": "https://news.example/a"},
                 "device": {"geo": {"country": "CHN", "region": "11"}},
                 "user": {"buyeruid": "reader-gpp"}}""";
        assertEquals(200, bid(noSignal).status(), "the stored choice applies");
        assertEquals(204, bid(noSignal.replace("\"id\": \"gpp-1\"", "\"regs\": {\"gdpr\": 1}, \"id\": \"gpp-1\"")).status(),
                "GDPR applies and no consent string: nothing personal");
    }

    @Test
    void underGdprWithoutUserConsentTheGppStringsTcfSectionDecides() {
        gw.campaign(advertiser, """
                {"name": "beijing", "bid": {"model": "CPM", "amount": 3, "currency": "USD"},
                 "targeting": {"regions": ["CN-11"]},
                 "creatives": [{"id": "bj", "format": "banner-300x250", "title": "Beijing",
                                "landingUrl": "https://bj.example/"}]}""");
        String request = """
                {"id": "gdpr-1", "tmax": 5000, "imp": [{"id": "1", "banner": {"w": 300, "h": 250}}],
                 "site": {"domain": "news.example", "page": "https://news.example/a"},
                 "device": {"geo": {"country": "CHN", "region": "11"}},
                 "user": {"buyeruid": "reader-gdpr"}, "regs": {"gdpr": 1%s}}""";
        assertEquals(204, bid(request.formatted("")).status(), "GDPR applies, no consent string: nothing personal");
        TestGateway.Resp granted = bid(request.formatted(", \"gpp\": \"%s\", \"gpp_sid\": [2]"
                .formatted(GppStrings.fullConsent())));
        assertEquals(200, granted.status(), "the GPP string's TCF EU section is the consent: " + granted.body());
    }

    @Test
    void malformedBidRequestsAre400WithTheFieldNamed() {
        TestGateway.Resp noImp = bid("{\"id\": \"r1\", \"imp\": []}");
        assertEquals(400, noImp.status(), noImp.body());
        assertEquals("imp", noImp.json().get("field").asText());
        TestGateway.Resp badWidth = bid("{\"id\": \"r1\", \"imp\": [{\"id\": \"1\", \"banner\": {\"w\": \"wide\", \"h\": 250}}]}");
        assertEquals(400, badWidth.status(), badWidth.body());
        assertEquals("imp[0].banner.w", badWidth.json().get("field").asText());
        TestGateway.Resp noId = bid("{\"imp\": [{\"id\": \"1\", \"banner\": {\"w\": 300, \"h\": 250}}]}");
        assertEquals(400, noId.status());
        assertEquals("id", noId.json().get("field").asText());
        TestGateway.Resp badPage = bid("{\"id\": \"r1\", \"imp\": [{\"id\": \"1\", \"banner\": {\"w\": 300, \"h\": 250}}],"
                + " \"site\": {\"page\": \"" + "x".repeat(3000) + "\"}}");
        assertEquals(400, badPage.status(), badPage.body());
        assertEquals("site.page", badPage.json().get("field").asText());
        assertEquals(400, bid("not json").status());
        assertNotNull(bid("[]").json().get("error"));
    }
}
