package io.precis.gateway.contact;

import static io.precis.gateway.contact.StopAfterConversionTest.PAGE;
import static io.precis.gateway.contact.StopAfterConversionTest.campaign;
import static io.precis.gateway.contact.StopAfterConversionTest.decided;
import static io.precis.gateway.contact.StopAfterConversionTest.field;
import static io.precis.gateway.contact.StopAfterConversionTest.served;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.consent.MutableClock;
import io.precis.gateway.TestGateway;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;
import io.precis.gateway.GatewayConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contact policy over real HTTP and real storage: the operator's limit of ads a day per
 * person holds across every campaign and advertiser, on the web and through {@code /v1/decide},
 * across a restart, until the next day; an advertiser's own limit lets the auction pick the best
 * ad of the others once its own are used up.
 */
class ContactPolicyTest {
    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(StopAfterConversionTest.NOON);
    private static final UnaryOperator<GatewayConfig> TWO_A_DAY =
            c -> c.withContact(ContactSettings.DEFAULTS.withPerDay(2));

    @Test
    void theGatewayLimitCapsAPersonsAdsADayAcrossCampaignsChannelsAndARestart() {
        String shoes;
        String socks;
        String publisher;
        try (TestGateway gw = TestGateway.start(dir, TWO_A_DAY, clock)) {
            String shoesCo = gw.advertiser("Shoes Co");
            String sockCo = gw.advertiser("Sock Co");
            publisher = gw.account("publisher", "News");
            shoes = gw.campaign(shoesCo, campaign("Marathon", 9, ""));
            socks = gw.campaign(sockCo, campaign("Socks", 5, ""));
            assertEquals(shoes, served(gw, "reader"));
            assertEquals(shoes, decided(gw, publisher, "reader").get("campaignId").textValue(),
                    "a decision counts against the same policy");
            assertNull(served(gw, "reader"), "two a day, whatever the campaign or channel");
            assertNull(decided(gw, publisher, "reader"));
            assertEquals(shoes, served(gw, "another-reader"), "the limit is per person");
            JsonNode effects = gw.get("/v1/reports/contact?from=2026-11-03&to=2026-11-03", shoesCo).json();
            assertEquals(2, field(effects, shoes, "adsSuppressed"), effects.toString());
            assertEquals(0, field(effects, shoes, "adsNotShown"));
            JsonNode sockEffects = gw.get("/v1/reports/contact?from=2026-11-03&to=2026-11-03", sockCo).json();
            assertEquals(2, field(sockEffects, socks, "adsSuppressed"), "the runner-up too: " + sockEffects);
            assertEquals(1, sockEffects.get("rows").size(), "an advertiser sees its own campaigns only");
            String metrics = gw.get("/metrics", null).body();
            assertTrue(metrics.contains("precis_contact_suppressed_total 4"), metrics);
        }
        clock.advance(Duration.ofHours(6));
        try (TestGateway gw = TestGateway.start(dir, TWO_A_DAY, clock)) {
            assertNull(served(gw, "reader"), "the day's count holds across a restart");
            assertEquals(shoes, served(gw, "another-reader"));
            assertNull(served(gw, "another-reader"), "one before the restart and one after");
            assertEquals(204, gw.delete("/v1/me?user=reader", publisher).status());
            assertEquals(shoes, served(gw, "reader"), "erasure forgets the person's contacts");
        }
        clock.advance(Duration.ofHours(12)); // past midnight in Asia/Shanghai
        try (TestGateway gw = TestGateway.start(dir, TWO_A_DAY, clock)) {
            assertEquals(shoes, served(gw, "another-reader"), "a new day, a new count");
        }
    }

    /**
     * The counts are kept by the days of the contact zone (Asia/Shanghai), so the default range
     * ends today there: at 17:00 UTC it is already tomorrow in Beijing, and a range ending today
     * in UTC missed every count of the day (CampaignConsoleTest failed from 16:00 UTC on).
     */
    @Test
    void theDefaultRangeEndsTodayInTheContactZone() {
        clock.set(Instant.parse("2026-11-03T17:00:00Z")); // 2026-11-04 01:00 in Beijing
        try (TestGateway gw = TestGateway.start(dir, TWO_A_DAY, clock)) {
            String shoesCo = gw.advertiser("Shoes Co");
            String shoes = gw.campaign(shoesCo, campaign("Marathon", 9, ""));
            assertEquals(shoes, served(gw, "reader"));
            assertEquals(shoes, served(gw, "reader"));
            assertNull(served(gw, "reader"));
            JsonNode effects = gw.get("/v1/reports/contact", shoesCo).json();
            assertEquals("2026-11-04", effects.get("to").textValue(), effects.toString());
            assertEquals(1, field(effects, shoes, "adsSuppressed"), effects.toString());
        }
    }

    @Test
    void anAdvertisersOwnLimitLetsTheBestAdOfTheOthersWin() {
        try (TestGateway gw = TestGateway.start(dir, c -> c, clock)) {
            String shoesCo = gw.advertiser("Shoes Co");
            String sockCo = gw.advertiser("Sock Co");
            String publisher = gw.account("publisher", "News");
            String marathon = gw.campaign(shoesCo, campaign("Marathon", 9, ""));
            String trail = gw.campaign(shoesCo, campaign("Trail", 8, ""));
            String socks = gw.campaign(sockCo, campaign("Socks", 5, ""));
            String laces = gw.campaign(sockCo, campaign("Laces", 4, ""));
            assertEquals("{\"perDay\":null,\"gatewayPerDay\":null,\"suppressionDays\":30,\"timezone\":\"Asia/Shanghai\"}",
                    gw.get("/v1/contact-policy", shoesCo).body());
            TestGateway.Resp set = gw.put("/v1/contact-policy", "{\"perDay\": 1}", shoesCo);
            assertEquals(200, set.status(), set.body());
            assertEquals(1, set.json().get("perDay").asInt());

            assertEquals(marathon, served(gw, "reader"));
            assertEquals(socks, served(gw, "reader"), "Shoes Co's one a day is used: the best of the others wins,"
                    + " not Shoes Co's second campaign");
            assertEquals(socks, served(gw, "reader"), "Sock Co has no limit of its own");
            assertEquals(marathon, served(gw, "other"));

            TestGateway.Resp multi = gw.ad("""
                    {"slot": {"id": "top", "format": "banner-300x250", "site": "news.example"}, "count": 3,
                     "page": {"url": "https://news.example/article/1", "text": "%s"},
                     "user": {"id": "third"}}""".formatted(PAGE));
            assertEquals(200, multi.status(), multi.body());
            JsonNode ads = multi.json().get("ads");
            assertEquals(3, ads.size(), multi.body());
            assertEquals(marathon, ads.get(0).get("campaignId").textValue());
            assertEquals(socks, ads.get(1).get("campaignId").textValue(), "one ad of Shoes Co per request too");
            assertEquals(laces, ads.get(2).get("campaignId").textValue());

            assertEquals(200, gw.put("/v1/contact-policy", "{\"perDay\": null}", shoesCo).status());
            JsonNode two = gw.ad("""
                    {"slot": {"id": "top", "format": "banner-300x250", "site": "news.example"}, "count": 2,
                     "page": {"url": "https://news.example/article/1", "text": "%s"},
                     "user": {"id": "third"}}""".formatted(PAGE)).json().get("ads");
            assertEquals(trail, two.get(1).get("campaignId").textValue(),
                    "without its limit, Shoes Co's two campaigns serve a person side by side again: " + two);
        }
    }

    @Test
    void badPoliciesAre400AndOnlyAdvertisersSetThem() {
        try (TestGateway gw = TestGateway.start(dir, c -> c, clock)) {
            String key = gw.advertiser("Shoes Co");
            String publisher = gw.account("publisher", "News");
            for (String bad : new String[] {"{}", "{\"perDay\": 0}", "{\"perDay\": -1}", "{\"perDay\": 1.5}",
                    "{\"perDay\": \"3\"}", "{\"perDay\": 1001}", "{\"perDay\": 99999999999}", "[]"}) {
                TestGateway.Resp r = gw.put("/v1/contact-policy", bad, key);
                assertEquals(400, r.status(), bad + " " + r.body());
                assertEquals("bad_request", r.json().get("error").textValue(), r.body());
            }
            assertEquals(403, gw.put("/v1/contact-policy", "{\"perDay\": 3}", publisher).status());
            assertEquals(401, gw.get("/v1/contact-policy", null).status());
            assertEquals(400, gw.get("/v1/reports/contact?from=yesterday", key).status());
        }
    }
}
