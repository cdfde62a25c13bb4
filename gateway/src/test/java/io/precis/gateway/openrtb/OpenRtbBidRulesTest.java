package io.precis.gateway.openrtb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.gateway.TestGateway;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exchange's rules of a bid request ({@code bcat}, {@code badv}, {@code cur},
 * {@code bidfloor}) over real HTTP: an ad that breaks one takes no part in Precis' auction, so
 * the next ad is bid and its second price is set against the next ad that may be bid too.
 */
class OpenRtbBidRulesTest {
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

    /** An untargeted 300x250 CPM campaign; {@code extra} is spliced into its JSON object. */
    private String campaign(String name, double cpm, String currency, String landing, String extra) {
        return gw.campaign(advertiser, """
                {"name": "%s", "bid": {"model": "CPM", "amount": %s, "currency": "%s"}%s,
                 "creatives": [{"id": "cr-%s", "format": "banner-300x250", "title": "%s",
                                "landingUrl": "%s"}]}""".formatted(name, cpm, currency, extra, name, name, landing));
    }

    private JsonNode bid(String rules) {
        String body = """
                {"id": "rules-1", "tmax": 5000, %s
                 "imp": [{"id": "1", "banner": {"w": 300, "h": 250}%s}],
                 "site": {"domain": "news.example", "page": "https://news.example/a", "keywords": "umbrella"}}""";
        int split = rules.indexOf('|');
        String top = split < 0 ? rules : rules.substring(0, split);
        String imp = split < 0 ? "" : rules.substring(split + 1);
        TestGateway.Resp r = gw.send(gw.builder("/openrtb2/bid", null).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.formatted(top, imp))).build());
        if (r.status() == 204) {
            return null;
        }
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    private static String winner(JsonNode response) {
        return response == null ? "no bid" : response.at("/seatbid/0/bid/0/crid").asText();
    }

    private static BigDecimal price(JsonNode response) {
        return response.at("/seatbid/0/bid/0/price").decimalValue();
    }

    @Test
    void bcatBlocksAnAdOfABlockedCategoryOrSubcategoryAndTheNextAdIsBid() {
        campaign("casino", 5, "USD", "https://casino.example/", ", \"adCategories\": [\"IAB9-7\"]");
        campaign("books", 3, "USD", "https://books.example/", ", \"adCategories\": [\"IAB1-1\"]");
        campaign("tea", 1, "USD", "https://tea.example/", "");
        assertEquals("cr-casino", winner(bid("")));
        JsonNode blocked = bid("\"bcat\": [\"IAB9\"],");
        assertEquals("cr-books", winner(blocked), "IAB9 blocks its subcategory IAB9-7");
        assertEquals("IAB1-1", blocked.at("/seatbid/0/bid/0/cat/0").asText(), "the bid names its categories");
        // Second price against the next ad that may be bid (tea, CPM 1), not the blocked casino.
        assertEquals(new BigDecimal("1.01"), price(blocked));
        assertEquals("cr-tea", winner(bid("\"bcat\": [\"IAB9-7\", \"IAB1\"],")));
        assertEquals("cr-casino", winner(bid("\"bcat\": [\"IAB9-1\"],")), "a sibling subcategory blocks nothing");
    }

    @Test
    void badvBlocksTheBestAdAndTheNextIsBidAtItsOwnSecondPrice() {
        campaign("umbrella", 5, "USD", "https://www.rain.example/u", "");
        campaign("boots", 3, "USD", "https://boots.example/b", "");
        campaign("hats", 2, "USD", "https://hats.example/h", "");
        JsonNode r = bid("\"badv\": [\"rain.example\"],");
        assertEquals("cr-boots", winner(r));
        assertEquals("boots.example", r.at("/seatbid/0/bid/0/adomain/0").asText());
        assertEquals(new BigDecimal("2.01"), price(r), "against hats, the next ad that may be bid");
        assertEquals("cr-hats", winner(bid("\"badv\": [\"rain.example\", \"BOOTS.example\"],")));
        assertEquals("no bid", winner(bid("\"badv\": [\"rain.example\", \"boots.example\", \"hats.example\"],")));
    }

    @Test
    void anAdInACurrencyTheExchangeDoesNotTakeGivesWayToTheNextAd() {
        campaign("yuan", 9, "CNY", "https://yuan.example/", "");
        campaign("dollar", 3, "USD", "https://dollar.example/", "");
        JsonNode r = bid("\"cur\": [\"USD\"],");
        assertEquals("cr-dollar", winner(r));
        assertEquals("USD", r.get("cur").asText());
        assertEquals("cr-yuan", winner(bid("\"cur\": [\"CNY\"],")));
    }

    @Test
    void anAdThatCannotReachTheFloorGivesWayAndTheWinnerPaysAtLeastTheFloor() {
        // A keyword hit makes the CPM 1.5 ad rank first (1.5 × 1.69 > 2.2), but it cannot reach 1.8.
        campaign("relevant", 1.5, "USD", "https://relevant.example/", ", \"targeting\": {\"keywords\": [\"umbrella\"]}");
        campaign("big", 2.2, "USD", "https://big.example/", "");
        campaign("mid", 2.0, "USD", "https://mid.example/", "");
        assertEquals("cr-relevant", winner(bid("")));
        JsonNode r = bid("|, \"bidfloor\": 1.8, \"bidfloorcur\": \"USD\"");
        assertEquals("cr-big", winner(r));
        assertEquals(new BigDecimal("2.01"), price(r), "second price against mid, the runner-up that reaches the floor");
        // Only big reaches 2.1: it pays the floor, not the reserve.
        assertEquals(new BigDecimal("2.1"), price(bid("|, \"bidfloor\": 2.1")).stripTrailingZeros());
        assertEquals("no bid", winner(bid("|, \"bidfloor\": 2.3")));
        assertEquals("no bid", winner(bid("|, \"bidfloor\": 1, \"bidfloorcur\": \"CNY\"")),
                "no ad is priced in the floor's currency");
    }
}
