package io.precis.gateway.openrtb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.gateway.TestGateway;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A won bid billed at the exchange's clearing price: {@code burl} and the pixel in {@code adm}
 * carry OpenRTB's {@code ${AUCTION_PRICE}} macro, the impression is recorded once at the price
 * the exchange substituted, and reports show that spend.
 */
class OpenRtbBillingTest {
    private static final String MACRO = "${AUCTION_PRICE}";
    private static final Pattern PIXEL = Pattern.compile("<img src=\"([^\"]+/v1/t/imp\\?[^\"]+)\"");

    @TempDir
    Path dir;
    private TestGateway gw;
    private String advertiser;
    private String campaign;

    @BeforeEach
    void start() {
        gw = TestGateway.start(dir);
        advertiser = gw.advertiser("Shop");
        campaign = campaign("winner", 4);
        campaign("runner-up", 3); // the winner's second price: 3.01
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    private String campaign(String name, double cpm) {
        return gw.campaign(advertiser, """
                {"name": "%s", "bid": {"model": "CPM", "amount": %s, "currency": "USD"},
                 "creatives": [{"id": "cr-%s", "format": "banner-300x250", "title": "%s",
                                "landingUrl": "https://%s.example/"}]}""".formatted(name, cpm, name, name, name));
    }

    private JsonNode bid() {
        TestGateway.Resp r = gw.send(gw.builder("/openrtb2/bid", null).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"id": "bill-1", "tmax": 5000, "imp": [{"id": "1", "banner": {"w": 300, "h": 250}}],
                         "site": {"domain": "news.example", "page": "https://news.example/a"}}""")).build());
        assertEquals(200, r.status(), r.body());
        JsonNode bid = r.json().at("/seatbid/0/bid/0");
        assertEquals(0, new BigDecimal("3.01").compareTo(bid.get("price").decimalValue()), bid.toString());
        return bid;
    }

    /** A notice URL with the macro substituted as an exchange does ({@code null}: left as it is). */
    private static String notice(String url, String clearingPrice) {
        assertTrue(url.contains("price=" + MACRO), url);
        return url.replace(MACRO, clearingPrice == null ? "%24%7BAUCTION_PRICE%7D" : clearingPrice);
    }

    private static String pixel(JsonNode bid) {
        Matcher m = PIXEL.matcher(bid.get("adm").asText());
        assertTrue(m.find(), bid.get("adm").asText());
        return m.group(1).replace("&amp;", "&");
    }

    private JsonNode totals() {
        return gw.get("/v1/reports?groupBy=campaign&campaign=" + campaign, advertiser).json().get("totals");
    }

    @Test
    void theBillingNoticeRecordsTheImpressionAtTheClearingPriceOnceAndThePixelIsTheSameImpression() {
        JsonNode bid = bid();
        String burl = bid.get("burl").asText();
        assertEquals(204, gw.get(notice(burl, "2.5"), null).status());
        JsonNode totals = totals();
        assertEquals(1, totals.get("impressions").asLong());
        assertEquals(0, new BigDecimal("0.0025").compareTo(totals.get("spend").decimalValue()),
                "a CPM of 2.5 paid, not the bid's 3.01: " + totals);
        // The exchange's replay of the notice, with another price, and the markup's own pixel.
        assertEquals(204, gw.get(notice(burl, "2.9"), null).status());
        assertEquals(204, gw.get(notice(pixel(bid), "2.5"), null).status());
        assertEquals(204, gw.get(notice(pixel(bid), null), null).status());
        totals = totals();
        assertEquals(1, totals.get("impressions").asLong(), totals.toString());
        assertEquals(0, new BigDecimal("0.0025").compareTo(totals.get("spend").decimalValue()), totals.toString());
    }

    @Test
    void aNoticeWithoutTheExchangesPriceBillsAtTheBidAndABadPriceIsRefused() {
        JsonNode bid = bid();
        String burl = bid.get("burl").asText();
        for (String bad : new String[] {"abc", "-0.1", "3.02", "1e3", "NaN", ""}) {
            TestGateway.Resp r = gw.get(notice(burl, bad), null);
            assertEquals(400, r.status(), bad + ": " + r.body());
            assertEquals("price", r.json().get("field").asText());
        }
        assertEquals(0, totals().get("impressions").asLong(), "a refused notice records nothing");
        // The pixel fired first with the macro left unsubstituted: billed at the bid, the most the
        // exchange may charge; the later billing notice is the same impression.
        assertEquals(204, gw.get(notice(pixel(bid), null), null).status());
        assertEquals(204, gw.get(notice(burl, "1"), null).status());
        JsonNode totals = totals();
        assertEquals(1, totals.get("impressions").asLong());
        assertEquals(0, new BigDecimal("0.00301").compareTo(totals.get("spend").decimalValue()), totals.toString());
        // At exactly the bid, and free: both valid clearing prices.
        JsonNode second = bid();
        assertEquals(204, gw.get(notice(second.get("burl").asText(), "3.01"), null).status());
        JsonNode third = bid();
        assertEquals(204, gw.get(notice(third.get("burl").asText(), "0"), null).status());
        totals = totals();
        assertEquals(3, totals.get("impressions").asLong());
        assertEquals(0, new BigDecimal("0.00602").compareTo(totals.get("spend").decimalValue()), totals.toString());
    }
}
