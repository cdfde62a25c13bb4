package io.precis.gateway.contact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.consent.MutableClock;
import io.precis.gateway.Ads;
import io.precis.gateway.TestGateway;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stop after conversion over real HTTP and real storage: a person who bought through a click of
 * one campaign of a conversion group sees no campaign of the group again, on the web or through
 * {@code /v1/decide}, for the suppression period, across a restart; without measurement
 * consent nothing links the purchase to the person, so nothing is stopped.
 */
class StopAfterConversionTest {
    /** 12:00 in Asia/Shanghai on 2026-11-03. */
    static final Instant NOON = Instant.parse("2026-11-03T04:00:00Z");
    static final String PAGE = "the best running shoes for a marathon";

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(NOON);

    /** A CPM campaign for the shoes page on the web and by email; {@code rules} adds fields. */
    static String campaign(String name, double bid, String rules) {
        return """
                {"name": "%s", "bid": {"model": "CPM", "amount": %s}, %s
                 "channels": ["web", "email"],
                 "targeting": {"keywords": ["running shoes"], "formats": ["banner-300x250"]},
                 "creatives": [{"id": "c1", "format": "banner-300x250", "title": "%s",
                                "text": "Our %s, delivered tomorrow", "landingUrl": "https://shop.example/%s"}]}"""
                .formatted(name, bid, rules, name, name, name.toLowerCase().replace(' ', '-'));
    }

    static String adRequest(String user) {
        return """
                {"slot": {"id": "top", "format": "banner-300x250", "site": "news.example"},
                 "page": {"url": "https://news.example/article/1", "text": "%s"},
                 "user": {"id": "%s"}}""".formatted(PAGE, user);
    }

    /** The campaign id of the ad served to {@code user}, or null when none (204). */
    static String served(TestGateway gw, String user) {
        TestGateway.Resp r = gw.ad(adRequest(user));
        if (r.status() == 204) {
            return null;
        }
        assertEquals(200, r.status(), r.body());
        return r.json().get("ads").get(0).get("campaignId").textValue();
    }

    /** The offer of {@code /v1/decide} for {@code user} by email, or null when none (204). */
    static JsonNode decided(TestGateway gw, String key, String user) {
        TestGateway.Resp r = gw.post("/v1/decide", """
                {"channel": "email", "user": {"id": "%s"}, "page": {"text": "%s"}}""".formatted(user, PAGE), key);
        if (r.status() == 204) {
            return null;
        }
        assertEquals(200, r.status(), r.body());
        return r.json().get("offer");
    }

    private static void consent(TestGateway gw, String publisher, String user, String purposes) {
        TestGateway.Resp r = gw.put("/v1/consent?user=" + user, "{\"purposes\": " + purposes + "}", publisher);
        assertEquals(200, r.status(), r.body());
    }

    /** Serves {@code user} an ad, sees and clicks it, and buys: the click id. */
    private String buy(TestGateway gw, String user) {
        TestGateway.Resp r = gw.ad(adRequest(user));
        assertEquals(200, r.status(), r.body());
        JsonNode ad = r.json().get("ads").get(0);
        Ads ads = new Ads(gw);
        assertEquals(204, ads.impression(ad));
        clock.advance(Duration.ofSeconds(20));
        String clickId = ads.click(ad);
        TestGateway.Resp conversion = gw.post("/v1/t/conversion",
                "{\"click\": \"" + clickId + "\", \"event\": \"purchase\", \"value\": 399}", null);
        assertEquals(202, conversion.status(), conversion.body());
        return clickId;
    }

    @Test
    void aBuyerSeesNoCampaignOfTheGroupOnAnyChannelForThePeriodEvenAfterARestart() {
        String key;
        String publisher;
        String marathon;
        String trail;
        String socks;
        try (TestGateway gw = TestGateway.start(dir, c -> c, clock)) {
            key = gw.advertiser("Shoes Co");
            publisher = gw.account("publisher", "News");
            String group = "\"stopAfterConversion\": true, \"conversionGroup\": \"shoes\",";
            marathon = gw.campaign(key, campaign("Marathon", 9, group));
            trail = gw.campaign(key, campaign("Trail", 7, group));
            socks = gw.campaign(key, campaign("Socks", 5, ""));
            JsonNode stored = gw.get("/v1/campaigns/" + marathon, key).json();
            assertTrue(stored.get("stopAfterConversion").booleanValue(), stored.toString());
            assertEquals("shoes", stored.get("conversionGroup").textValue());
            assertEquals("[\"email\",\"web\"]", stored.get("channels").toString());

            consent(gw, publisher, "buyer", "{\"measurement\": true}");
            assertEquals(marathon, served(gw, "buyer"));
            assertEquals(marathon, decided(gw, publisher, "buyer").get("campaignId").textValue());
            buy(gw, "buyer");

            assertEquals(socks, served(gw, "buyer"), "neither campaign of the group: the next best");
            JsonNode offer = decided(gw, publisher, "buyer");
            assertEquals(socks, offer.get("campaignId").textValue(), "nor by email");
            assertEquals("Our Socks, delivered tomorrow", offer.get("text").textValue());
            assertEquals("https://shop.example/socks", offer.get("landingUrl").textValue());
            assertTrue(offer.get("clickUrl").textValue().startsWith("/v1/t/click?t="), offer.toString());
            assertEquals(marathon, served(gw, "someone-else"), "only the buyer is stopped");

            JsonNode effects = gw.get("/v1/reports/contact?from=2026-11-03&to=2026-11-03", key).json();
            assertEquals(2, notShown(effects, marathon), effects.toString());
            assertEquals(2, notShown(effects, trail), "the runner-up of the group is held back too: " + effects);
            assertEquals(0, notShown(effects, socks));
            String metrics = gw.get("/metrics", null).body();
            assertTrue(metrics.contains("precis_contact_not_shown_total 4"), metrics);
        }
        clock.advance(Duration.ofDays(29));
        try (TestGateway gw = TestGateway.start(dir, c -> c, clock)) {
            assertEquals(socks, served(gw, "buyer"), "the suppression holds across a restart");
            JsonNode effects = gw.get("/v1/reports/contact?from=2026-11-03&to=2026-12-02", key).json();
            assertEquals(3, notShown(effects, marathon), "counts before the restart are kept: " + effects);
        }
        clock.advance(Duration.ofDays(1).plusMinutes(1)); // 30 days, the default period, have passed
        try (TestGateway gw = TestGateway.start(dir, c -> c, clock)) {
            assertEquals(marathon, served(gw, "buyer"), "after the period the group serves again");
        }
    }

    @Test
    void withoutMeasurementConsentAPurchaseIsNotLinkedAndNothingStops() {
        try (TestGateway gw = TestGateway.start(dir, c -> c, clock)) {
            String key = gw.advertiser("Shoes Co");
            String publisher = gw.account("publisher", "News");
            String marathon = gw.campaign(key, campaign("Marathon", 9,
                    "\"stopAfterConversion\": true, \"conversionGroup\": \"shoes\","));
            consent(gw, publisher, "private-buyer", "{\"personalisation\": true, \"measurement\": false}");
            TestGateway.Resp r = gw.ad(adRequest("private-buyer"));
            JsonNode ad = r.json().get("ads").get(0);
            assertNull(TestGateway.openToken(ad.get("clickUrl").textValue()).ad().conversionLink(),
                    "no link in the click token without measurement");
            buy(gw, "private-buyer");
            assertEquals(marathon, served(gw, "private-buyer"), "not linked, so not stopped");

            consent(gw, publisher, "buyer", "{\"measurement\": true}");
            JsonNode linked = gw.ad(adRequest("buyer")).json().get("ads").get(0);
            assertNotNull(TestGateway.openToken(linked.get("clickUrl").textValue()).ad().conversionLink(),
                    "with measurement the click token carries the link, sealed");
            assertNull(TestGateway.openToken(linked.get("impressionUrl").textValue()).ad().conversionLink(),
                    "the impression token never does");
        }
    }

    @Test
    void offersDecidedForAChannelAreReportedByChannel() {
        try (TestGateway gw = TestGateway.start(dir, c -> c, clock)) {
            String key = gw.advertiser("Shoes Co");
            String publisher = gw.account("publisher", "News");
            String marathon = gw.campaign(key, campaign("Marathon", 9, ""));
            Ads ads = new Ads(gw);
            JsonNode web = gw.ad(adRequest("reader")).json().get("ads").get(0);
            assertEquals(204, ads.impression(web));
            for (String user : new String[] {"crm-1", "crm-2"}) {
                JsonNode offer = decided(gw, key, user); // the advertiser's own CRM asks
                assertEquals(marathon, offer.get("campaignId").textValue());
                assertEquals(204, ads.impression(offer), "the email was sent: its impression counts");
            }
            JsonNode newsletter = decided(gw, publisher, "crm-3"); // the publisher's newsletter asks
            assertEquals(204, ads.impression(newsletter));
            clock.advance(Duration.ofSeconds(20));
            ads.click(newsletter);
            JsonNode report = gw.get("/v1/reports?groupBy=channel&from=2026-11-03&to=2026-11-03", key).json();
            assertEquals(2, report.get("rows").size(), report.toString());
            JsonNode email = report.get("rows").get(0);
            assertEquals("email", email.get("channel").textValue(), report.toString());
            assertEquals(3, email.get("impressions").asLong());
            assertEquals(1, email.get("clicks").asLong(), "a click on the email's link");
            assertEquals("web", report.get("rows").get(1).get("channel").textValue());
            assertEquals(1, report.get("rows").get(1).get("impressions").asLong());
            TestGateway.Resp bad = gw.get("/v1/reports?groupBy=channel,region", key);
            assertEquals(400, bad.status(), bad.body());
            assertEquals("groupBy", bad.json().get("field").textValue());
        }
    }

    @Test
    void badContactFieldsAndDecisionsAre400WithAnErrorBody() {
        try (TestGateway gw = TestGateway.start(dir, c -> c, clock)) {
            String key = gw.advertiser("Shoes Co");
            String publisher = gw.account("publisher", "News");
            for (String[] bad : new String[][] {
                    {"\"channels\": [\"fax\"],", "channels[0]"},
                    {"\"channels\": [],", "channels"},
                    {"\"channels\": \"email\",", "channels"},
                    {"\"stopAfterConversion\": \"yes\",", "stopAfterConversion"},
                    {"\"conversionGroup\": \"shoes\",", "conversionGroup"},
                    {"\"stopAfterConversion\": true, \"conversionGroup\": \"  \",", "conversionGroup"}}) {
                String body = campaign("Bad", 5, bad[0]).replace("\"channels\": [\"web\", \"email\"],", "");
                TestGateway.Resp r = gw.post("/v1/campaigns", body, key);
                assertEquals(400, r.status(), bad[0] + " " + r.body());
                assertEquals(bad[1], r.json().get("field").textValue(), r.body());
            }
            for (String[] bad : new String[][] {
                    {"{\"channel\": \"fax\", \"user\": {\"id\": \"u\"}}", "channel"},
                    {"{\"channel\": \"web\", \"user\": {\"id\": \"u\"}}", "channel"},
                    {"{\"user\": {\"id\": \"u\"}}", "channel"},
                    {"{\"channel\": 3, \"user\": {\"id\": \"u\"}}", "channel"},
                    {"{\"channel\": \"sms\"}", "user.id"},
                    {"{\"channel\": \"sms\", \"user\": {\"id\": 7}}", "user.id"},
                    {"{\"channel\": \"sms\", \"user\": {\"id\": \"u\"}, \"page\": []}", "page"}}) {
                TestGateway.Resp r = gw.post("/v1/decide", bad[0], publisher);
                assertEquals(400, r.status(), bad[0] + " " + r.body());
                assertEquals("bad_request", r.json().get("error").textValue(), r.body());
                assertEquals(bad[1], r.json().get("field").textValue(), r.body());
            }
            assertEquals(400, gw.post("/v1/decide", "not json", publisher).status());
            assertEquals(401, gw.post("/v1/decide", "{\"channel\": \"sms\", \"user\": {\"id\": \"u\"}}", null).status());
            assertEquals(204, gw.post("/v1/decide", "{\"channel\": \"sms\", \"user\": {\"id\": \"u\"}}", key).status(),
                    "no campaign offers itself by SMS");
        }
    }

    static long notShown(JsonNode effects, String campaignId) {
        return field(effects, campaignId, "adsNotShown");
    }

    static long field(JsonNode effects, String campaignId, String name) {
        for (JsonNode row : effects.get("rows")) {
            if (row.get("campaign").textValue().equals(campaignId)) {
                return row.get(name).asLong();
            }
        }
        throw new AssertionError("no row of " + campaignId + " in " + effects);
    }
}
