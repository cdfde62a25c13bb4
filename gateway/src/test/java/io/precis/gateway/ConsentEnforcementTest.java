package io.precis.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consent end to end: without consent a user never gets a demographic or behavioural ad; after
 * {@code PUT /v1/consent} they do on the very next request; with {@code Sec-GPC: 1} they don't.
 */
class ConsentEnforcementTest {
    @TempDir
    static Path dir;
    static TestGateway gw;
    static String publisher;
    static String demographic;
    static String behavioural;
    static String contextual;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(dir);
        String advertiser = gw.advertiser("Targeting Co");
        publisher = gw.account("publisher", "News Site");
        demographic = gw.campaign(advertiser, """
                {"name": "Women 25-34", "goal": "reach", "bid": {"model": "CPM", "amount": 50},
                 "targeting": {"ageBands": ["25-34"], "genders": ["f"], "regions": ["CN-11"]},
                 "creatives": [{"id": "d", "format": "banner-300x250", "landingUrl": "https://shop.example/d"}]}
                """);
        behavioural = gw.campaign(advertiser, """
                {"name": "Appliance lovers", "goal": "conversion", "bid": {"model": "CPM", "amount": 40},
                 "targeting": {"segments": ["interest:home-appliance"]},
                 "creatives": [{"id": "b", "format": "banner-300x250", "landingUrl": "https://shop.example/b"}]}
                """);
        contextual = gw.campaign(advertiser, Campaigns.untargeted("Everyone", "CPM", 1));
        TestGateway.Resp seg = gw.post("/v1/segments", """
                {"id": "interest:home-appliance", "keywords": ["空调", "冰箱"], "minEvents": 1, "withinDays": 30}
                """, TestGateway.ADMIN_TOKEN);
        assertTrue(seg.status() == 200 || seg.status() == 201, seg.body());
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    private static List<JsonNode> ads(String userId, String... headers) {
        String body = """
                {"slot": {"id": "top", "format": "banner-300x250", "site": "news.example"},
                 "page": {"url": "https://news.example/x", "text": "今日新闻"},
                 "user": {"id": "%s", "yob": %d, "gender": "f", "region": "CN-11-0105"}, "count": 3}
                """.formatted(userId, java.time.Year.now().getValue() - 30);
        HttpRequest.Builder b = gw.builder("/v1/ad", null).header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        TestGateway.Resp r = gw.send(b.POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertEquals(200, r.status(), r.body());
        List<JsonNode> out = new ArrayList<>();
        r.json().get("ads").forEach(out::add);
        return out;
    }

    private static boolean served(List<JsonNode> ads, String campaignId) {
        return ads.stream().anyMatch(a -> a.get("campaignId").textValue().equals(campaignId));
    }

    private static void consent(String user, String purposesJson) {
        TestGateway.Resp r = gw.put("/v1/consent?user=" + user, "{\"purposes\": " + purposesJson + "}", publisher);
        assertEquals(200, r.status(), r.body());
        assertTrue(r.json().get("receipt").textValue().split("\\.").length == 3, "a compact JWS receipt");
    }

    private static int behaviour(String user) {
        TestGateway.Resp r = gw.post("/v1/behaviour", """
                {"user": "%s", "events": [{"type": "search", "ts": "%s", "query": "变频空调 推荐"},
                                          {"type": "view", "ts": "%s", "text": "双开门冰箱评测", "category": "home-appliance"}]}
                """.formatted(user, java.time.Instant.now(), java.time.Instant.now()), publisher);
        assertEquals(202, r.status(), r.body());
        return r.json().get("accepted").asInt();
    }

    @Test
    void withoutConsentNoDemographicOrBehaviouralAdThenConsentTurnsThemOnAndGpcOff() {
        String user = "reader-without-consent";
        List<JsonNode> before = ads(user);
        assertTrue(served(before, contextual));
        assertFalse(served(before, demographic));
        assertFalse(served(before, behavioural));
        assertEquals(0, behaviour(user), "behaviour without profiling consent is dropped");

        consent(user, "{\"personalisation\": true, \"profiling\": true}");
        assertEquals(2, behaviour(user));
        List<JsonNode> after = ads(user);
        assertTrue(served(after, demographic), "demographic ad on the very next request");
        assertTrue(served(after, behavioural), "behavioural ad once segments exist");
        JsonNode demo = after.stream().filter(a -> a.get("campaignId").textValue().equals(demographic)).findFirst().orElseThrow();
        assertTrue(demo.get("matchedBy").toString().contains("demographic"));

        List<JsonNode> gpc = ads(user, "Sec-GPC", "1");
        assertFalse(served(gpc, demographic));
        assertFalse(served(gpc, behavioural));
        List<JsonNode> dnt = ads(user, "DNT", "1");
        assertFalse(served(dnt, demographic));
    }

    @Test
    void withdrawingConsentStopsPersonalisedAdsOnTheNextRequest() {
        String user = "reader-who-changes-mind";
        consent(user, "{\"personalisation\": true}");
        assertTrue(served(ads(user), demographic));
        consent(user, "{\"personalisation\": false}");
        assertFalse(served(ads(user), demographic));
    }

    @Test
    void consentStateHistoryAndKeyAreServedAsApiMdSays() {
        String user = "reader-with-history";
        JsonNode initial = gw.get("/v1/consent?user=" + user, publisher).json();
        assertEquals("default", initial.get("source").textValue());
        assertFalse(initial.get("purposes").get("personalisation").asBoolean());
        consent(user, "{\"measurement\": true}");
        consent(user, "{\"profiling\": true}");
        JsonNode state = gw.get("/v1/consent?user=" + user, publisher).json();
        assertTrue(state.get("purposes").get("measurement").asBoolean(), "partial updates keep earlier choices");
        assertTrue(state.get("purposes").get("profiling").asBoolean());
        assertEquals("user", state.get("source").textValue());
        JsonNode history = gw.get("/v1/consent/history?user=" + user, publisher).json().get("history");
        assertEquals(2, history.size());
        JsonNode key = gw.get("/v1/consent/key", null).json();
        assertEquals("OKP", key.get("kty").textValue());
        assertEquals("Ed25519", key.get("crv").textValue());
        assertEquals(400, gw.put("/v1/consent?user=" + user, "{\"purposes\": {\"personalisation\": \"yes\"}}",
                publisher).status());
        assertEquals(400, gw.put("/v1/consent?user=" + user, "{\"purposes\": {\"telepathy\": true}}",
                publisher).status());
        assertEquals(401, gw.get("/v1/consent?user=" + user, "prc.bad.key").status());
    }

    @Test
    void cookieUserGetsACookieOnFirstContactAndKeepsTheirChoice() {
        TestGateway.Resp first = gw.get("/v1/consent", null);
        assertEquals(200, first.status());
        String setCookie = first.header("Set-Cookie");
        assertTrue(setCookie != null && setCookie.startsWith("precis_uid="), String.valueOf(setCookie));
        assertTrue(setCookie.toLowerCase().contains("httponly"), setCookie);
        assertTrue(setCookie.toLowerCase().contains("samesite=lax"));
        String cookie = setCookie.split(";")[0];
        TestGateway.Resp put = gw.send(gw.builder("/v1/consent", null).header("Cookie", cookie)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"purposes\": {\"measurement\": true}}")).build());
        assertEquals(200, put.status(), put.body());
        JsonNode again = gw.send(gw.builder("/v1/consent", null).header("Cookie", cookie).GET().build()).json();
        assertTrue(again.get("purposes").get("measurement").asBoolean());
    }

    @Test
    void invalidTcfStringMeansNoConsentForThatRequest() {
        String user = "reader-with-bad-tcf";
        consent(user, "{\"personalisation\": true}");
        String body = """
                {"slot": {"id": "top", "format": "banner-300x250", "site": "news.example"},
                 "user": {"id": "%s", "yob": %d, "gender": "f", "region": "CN-11"},
                 "consent": {"tcf": "not-a-tcf-string"}, "count": 3}
                """.formatted(user, java.time.Year.now().getValue() - 30);
        JsonNode r = gw.ad(body).json();
        r.get("ads").forEach(a -> assertFalse(a.get("campaignId").textValue().equals(demographic)));
    }

    private static TestGateway.Resp adWithConsent(String user, String consentJson) {
        return gw.ad("""
                {"slot": {"id": "top", "format": "banner-300x250", "site": "news.example"},
                 "user": {"id": "%s", "yob": %d, "gender": "f", "region": "CN-11"},
                 "consent": %s, "count": 3}
                """.formatted(user, java.time.Year.now().getValue() - 30, consentJson));
    }

    @Test
    void gppStringGrantingTcfPurposesPersonalisesAndAUsOptOutDoesNot() {
        String user = "reader-with-gpp";
        TestGateway.Resp granted = adWithConsent(user,
                "{\"gpp\": \"%s\", \"gppSid\": [2]}".formatted(GppStrings.fullConsent()));
        assertEquals(200, granted.status(), granted.body());
        assertTrue(served(list(granted), demographic), "the GPP string's TCF EU section grants personalisation");

        String optedOut = GppStrings.fullTcfConsentWithUsTargetingOptOut();
        TestGateway.Resp out = adWithConsent(user, "{\"gpp\": \"%s\", \"gppSid\": [2, 7]}".formatted(optedOut));
        assertEquals(200, out.status(), out.body());
        assertFalse(served(list(out), demographic), "the US national section's targeted-advertising opt-out");
        assertTrue(served(list(out), contextual));

        // gppSid decides which sections apply: with only the TCF EU one, the same string personalises.
        assertTrue(served(list(adWithConsent(user, "{\"gpp\": \"%s\", \"gppSid\": [2]}".formatted(optedOut))),
                demographic));
    }

    @Test
    void gdprAppliesWithoutAConsentStringMeansNoConsentUnlessAGppTcfSectionGivesIt() {
        String user = "reader-under-gdpr";
        consent(user, "{\"personalisation\": true}");
        assertTrue(served(list(adWithConsent(user, "{}")), demographic), "the stored choice applies");
        TestGateway.Resp none = adWithConsent(user, "{\"gdprApplies\": true}");
        assertEquals(200, none.status(), none.body());
        assertFalse(served(list(none), demographic), "GDPR applies and no consent string: nothing personal");
        assertTrue(served(list(adWithConsent(user, "{\"gdprApplies\": false}")), demographic));
        // The GPP string's TCF EU section is the consent string GDPR asks for.
        assertTrue(served(list(adWithConsent(user, "{\"gdprApplies\": true, \"gpp\": \"%s\", \"gppSid\": [2]}"
                .formatted(GppStrings.fullConsent()))), demographic));
        TestGateway.Resp bad = adWithConsent(user, "{\"gdprApplies\": 1}");
        assertEquals(400, bad.status(), bad.body());
        assertTrue(bad.json().get("message").textValue().contains("consent.gdprApplies"), bad.body());
    }

    @Test
    void invalidGppStringMeansNoConsentAndAMalformedGppSidIsA400() {
        String user = "reader-with-bad-gpp";
        consent(user, "{\"personalisation\": true}");
        TestGateway.Resp r = adWithConsent(user, "{\"gpp\": \"DBABMA~not-a-section\", \"gppSid\": [2]}");
        assertEquals(200, r.status(), r.body());
        assertFalse(served(list(r), demographic));
        TestGateway.Resp bad = adWithConsent(user, "{\"gpp\": \"DBABTA~1YNN\", \"gppSid\": \"2,6\"}");
        assertEquals(400, bad.status(), bad.body());
        assertEquals("bad_request", bad.json().get("error").textValue());
        assertTrue(bad.json().get("message").textValue().contains("consent.gppSid"), bad.body());
    }

    private static List<JsonNode> list(TestGateway.Resp r) {
        List<JsonNode> out = new ArrayList<>();
        r.json().get("ads").forEach(out::add);
        return out;
    }
}
