package io.precis.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * API.md: knowing a person's id is never enough to reach their data. A {@code precis_uid} cookie
 * counts only if this deployment issued it; a forged one (a publisher's user id, a guessed or
 * tampered value) is ignored and replaced, and reads or changes nothing of anyone else.
 */
class IssuedCookieTest {
    /** A user id a publisher uses, which anyone may learn (it appears in the publisher's pages). */
    private static final String VICTIM = "reader-1";
    private static final String ALL = "{\"purposes\": {\"personalisation\": true, \"profiling\": true,"
            + " \"measurement\": true, \"precise_geo\": true}}";

    @TempDir
    Path dir;
    private TestGateway gw;
    private String publisher;
    private String behavioural;

    @BeforeEach
    void victimHasConsentBehaviourAndMeasurementThroughThePublisher() {
        gw = TestGateway.start(dir);
        String advertiser = gw.advertiser("Tea Co");
        publisher = gw.account("publisher", "News");
        behavioural = gw.campaign(advertiser, """
                {"name": "Tea lovers", "bid": {"model": "CPM", "amount": 30},
                 "targeting": {"segments": ["interest:tea"]},
                 "creatives": [{"id": "t", "format": "banner-300x250", "landingUrl": "https://tea.example/"}]}
                """);
        gw.campaign(advertiser, Campaigns.untargeted("fallback", "CPM", 1));
        assertEquals(201, gw.post("/v1/segments", "{\"id\": \"interest:tea\", \"keywords\": [\"green tea\"]}",
                TestGateway.ADMIN_TOKEN).status());
        assertEquals(200, gw.put("/v1/consent?user=" + VICTIM, ALL, publisher).status());
        assertEquals(202, gw.post("/v1/behaviour", "{\"user\": \"" + VICTIM + "\", \"events\": [{\"type\": \"search\","
                + " \"ts\": \"" + java.time.Instant.now() + "\", \"query\": \"best green tea\"}]}", publisher).status());
        TestGateway.Resp served = gw.ad(adRequest("\"user\": {\"id\": \"" + VICTIM + "\"},"));
        assertEquals(200, served.status(), served.body());
        JsonNode ad = served.json().get("ads").get(0);
        assertEquals(behavioural, ad.get("campaignId").textValue(), "the victim's segment targets them");
        assertEquals(204, new Ads(gw).impression(ad));
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    @Test
    void aForgedCookieNamingAPublishersUserReadsNothingOfTheirs() {
        JsonNode before = victim();
        assertEquals(1, before.get("behaviour").size(), before.toString());
        assertTrue(before.get("events").size() >= 1, before.toString());

        TestGateway.Resp me = withCookie("precis_uid=" + VICTIM, "GET", "/v1/me", null);
        assertEquals(200, me.status(), me.body());
        assertFalse(me.body().contains("green tea"), me.body());
        assertFalse(me.body().contains("interest:tea"), me.body());
        assertEquals(0, me.json().path("behaviour").size(), me.body());
        assertEquals(0, me.json().path("events").size(), me.body());
        assertFalse(me.json().get("consent").get("purposes").get("measurement").asBoolean(), me.body());
        assertFreshIssuedCookie(me);

        TestGateway.Resp consent = withCookie("precis_uid=" + VICTIM, "GET", "/v1/consent", null);
        assertEquals("default", consent.json().get("source").textValue(), consent.body());
        assertFreshIssuedCookie(consent);
        TestGateway.Resp history = withCookie("precis_uid=" + VICTIM, "GET", "/v1/consent/history", null);
        assertEquals(0, history.json().get("history").size(), history.body());
        assertFreshIssuedCookie(history);
    }

    @Test
    void aForgedCookieNamingAPublishersUserChangesNothingOfTheirs() {
        JsonNode before = victim();

        TestGateway.Resp put = withCookie("precis_uid=" + VICTIM, "PUT", "/v1/consent",
                "{\"purposes\": {\"personalisation\": false, \"profiling\": false, \"measurement\": false}}");
        assertEquals(200, put.status(), put.body());
        TestGateway.Resp erase = withCookie("precis_uid=" + VICTIM, "DELETE", "/v1/me", null);
        assertEquals(204, erase.status(), erase.body());
        // A view-through conversion is the cookie's person's: a forged cookie names nobody, so
        // without a click there is nothing to attribute it to (before, it joined the victim's events).
        TestGateway.Resp conversion = withCookie("precis_uid=" + VICTIM, "POST", "/v1/t/conversion",
                "{\"value\": 5, \"id\": \"vt-forged\"}");
        assertEquals(400, conversion.status(), conversion.body());

        JsonNode after = victim();
        assertFalse(after.get("erased").asBoolean(), after.toString());
        assertEquals(before.get("consent"), after.get("consent"), "the victim's consent is unchanged");
        assertEquals(before.get("consentHistory").size(), after.get("consentHistory").size());
        assertEquals(before.get("behaviour"), after.get("behaviour"));
        assertEquals(before.get("segments"), after.get("segments"));
        assertEquals(before.get("events").size(), after.get("events").size(), after.toString());
        assertFreshIssuedCookie(put);
        assertFreshIssuedCookie(erase);
    }

    @Test
    void aForgedCookieInAnAdRequestDoesNotTargetThePublishersUser() {
        TestGateway.Resp r = gw.send(gw.builder("/v1/ad", null).header("Content-Type", "application/json")
                .header("Cookie", "precis_uid=" + VICTIM)
                .POST(HttpRequest.BodyPublishers.ofString(adRequest(""))).build());
        assertEquals(200, r.status(), r.body());
        assertNotEquals(behavioural, r.json().get("ads").get(0).get("campaignId").textValue(),
                "the victim's segments must not reach an ad asked for with their id as a cookie");
        assertFalse(r.body().contains("behavioural"), r.body());
        assertNull(r.header("Set-Cookie"), "the forged cookie is ignored, and without consent to a purpose"
                + " that needs one no identifier is set (ReaderCookieTest)");
    }

    @Test
    void anIssuedCookieWorksEndToEnd() {
        String cookie = issuedCookie();
        TestGateway.Resp put = withCookie(cookie, "PUT", "/v1/consent", ALL);
        assertEquals(200, put.status(), put.body());
        assertNull(put.header("Set-Cookie"), "an issued cookie is kept, not replaced");
        assertTrue(withCookie(cookie, "GET", "/v1/consent", null).json().get("purposes").get("measurement").asBoolean());

        TestGateway.Resp served = gw.send(gw.builder("/v1/ad", null).header("Content-Type", "application/json")
                .header("Cookie", cookie).POST(HttpRequest.BodyPublishers.ofString(adRequest(""))).build());
        assertEquals(200, served.status(), served.body());
        assertNull(served.header("Set-Cookie"));
        assertEquals(204, new Ads(gw).impression(served.json().get("ads").get(0)));

        JsonNode me = withCookie(cookie, "GET", "/v1/me", null).json();
        assertEquals(1, me.get("events").size(), "the impression is linked to the cookie's person: " + me);
        assertEquals(1, withCookie(cookie, "GET", "/v1/consent/history", null).json().get("history").size());
        assertEquals(204, withCookie(cookie, "DELETE", "/v1/me", null).status());
        assertTrue(withCookie(cookie, "GET", "/v1/me", null).json().get("erased").asBoolean());
        assertFalse(victim().get("erased").asBoolean(), "erasing one person leaves the other alone");
    }

    @Test
    void aTamperedMacIsIgnoredAndReplaced() {
        String cookie = issuedCookie();
        assertEquals(200, withCookie(cookie, "PUT", "/v1/consent", ALL).status());
        String value = cookie.substring("precis_uid=".length());
        int dot = value.indexOf('.');
        for (String tampered : new String[] {
                flipAt(value, dot + 5), // the MAC
                flipAt(value, 5), // the id under the same MAC
                value.substring(0, dot), // the id alone
                value.substring(0, dot) + "." + value.substring(0, dot), // the id as its own MAC
                value + "A", value.substring(0, value.length() - 2)}) {
            TestGateway.Resp r = withCookie("precis_uid=" + tampered, "GET", "/v1/consent", null);
            assertEquals(200, r.status(), r.body());
            assertEquals("default", r.json().get("source").textValue(), tampered);
            assertFreshIssuedCookie(r);
        }
        assertTrue(withCookie(cookie, "GET", "/v1/consent", null).json().get("purposes").get("measurement").asBoolean(),
                "the real cookie still names its person");
    }

    @Test
    void aCookieIssuedByAnotherDeploymentIsNotHonoured(@TempDir Path other) {
        String foreign;
        try (TestGateway elsewhere = TestGateway.start(other)) {
            foreign = elsewhere.get("/v1/consent", null).header("Set-Cookie").split(";")[0];
            assertEquals(200, elsewhere.send(elsewhere.builder("/v1/consent", null).header("Cookie", foreign)
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(ALL)).build()).status());
        }
        TestGateway.Resp r = withCookie(foreign, "GET", "/v1/consent", null);
        assertEquals("default", r.json().get("source").textValue());
        assertFreshIssuedCookie(r);
    }

    /** A cookie as a browser gets it on first contact (the privacy centre). */
    private String issuedCookie() {
        TestGateway.Resp page = gw.get("/privacy", null);
        assertEquals(200, page.status());
        String setCookie = page.header("Set-Cookie");
        assertNotNull(setCookie);
        return setCookie.split(";")[0];
    }

    private void assertFreshIssuedCookie(TestGateway.Resp r) {
        String setCookie = r.header("Set-Cookie");
        assertNotNull(setCookie, "a cookie this deployment did not issue is replaced");
        String value = setCookie.split(";")[0].substring("precis_uid=".length());
        assertNotEquals(VICTIM, value);
        assertTrue(value.matches("[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{22}"), "an issued value: id.mac, " + value);
        assertEquals(200, withCookie("precis_uid=" + value, "GET", "/v1/consent", null).status());
        assertNull(withCookie("precis_uid=" + value, "GET", "/v1/consent", null).header("Set-Cookie"),
                "the replacement is honoured");
    }

    private JsonNode victim() {
        TestGateway.Resp r = gw.get("/v1/me?user=" + VICTIM, publisher);
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    private TestGateway.Resp withCookie(String cookie, String method, String path, String body) {
        HttpRequest.Builder b = gw.builder(path, null).header("Cookie", cookie);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return gw.send(b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static String adRequest(String user) {
        return """
                {"slot": {"id": "top", "format": "banner-300x250", "site": "news.example"}, %s
                 "page": {"url": "https://news.example/a", "text": "a page about weather"}}""".formatted(user);
    }

    /** {@code s} with one character changed (one the decoder reads in full, not a padding bit). */
    private static String flipAt(String s, int i) {
        return s.substring(0, i) + (s.charAt(i) == 'A' ? 'B' : 'A') + s.substring(i + 1);
    }
}
