package io.precis.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.iabtcf.decoder.TCString;
import io.precis.consent.Purposes;
import io.precis.consent.signals.TcfSignal;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Traffic with known raw user ids, IPs, locations and TCF strings, then a scan of every file under
 * the data dir (access and audit logs included), every log line, every exported trace span and
 * every response for them, raw and in common encodings. Uploaded customer-list ids too: the list
 * is proven to match the person before the scan. A lift test holds the people out, so its ghost
 * impressions and the test's people are stored and scanned too.
 *
 * <p>The scan proves something only if the data really travelled: the consented half runs with a
 * TCF string that decodes to full consent and no GPC or DNT, and the test checks that its ads were
 * personalised (demographic, behavioural and precise-geo matching) and that its measurement was
 * linked to the users (events in {@code /v1/me}) before it looks for leaks.
 */
public class PrivacyLeakTest {
    private static final String USER_ID = "leaky-user-7f3a9c21";
    /** A cookie value the gateway never issued: ignored, and it must not leak either. */
    private static final String FORGED_COOKIE = "cookie-uid-55aa0c3e";
    /** A customer id only an advertiser's uploaded list carries (never an ad request). */
    private static final String LIST_ONLY_ID = "list-only-customer-4d1e9b";
    private static final String IP = "198.51.100.77";
    private static final String IPV6 = "2001:db8:85a3::8a2e:370:7334";
    private static final String LAT = "39.913818";
    private static final String LON = "116.363625";
    /** Full consent, built with the IAB's own encoder: purposes 1-10 and special feature 1. */
    private static final String TCF = fullConsentTcf();
    /** Full TCF consent again, as the TCF EU section of a GPP string (the IAB's own encoder). */
    private static final String GPP = GppStrings.fullConsent();
    private static final String ALL = "{\"purposes\": {\"personalisation\": true, \"profiling\": true,"
            + " \"measurement\": true, \"precise_geo\": true}}";

    @TempDir
    Path dir;

    @Test
    void theTcfStringGrantsEveryPurpose() {
        TCString decoded = TCString.decode(TCF);
        for (int purpose = 1; purpose <= 10; purpose++) {
            assertTrue(decoded.getPurposesConsent().contains(purpose), "purpose " + purpose);
        }
        assertTrue(decoded.getSpecialFeatureOptIns().contains(1));
        assertEquals(Purposes.ALL, TcfSignal.purposes(TCF), "the gateway reads it as full consent");
    }

    @Test
    void noRawIdIpLocationTcfOrGppStringReachesDiskLogsOrResponses() throws Exception {
        List<String> responses = new ArrayList<>();
        List<String> secrets = new ArrayList<>(List.of(USER_ID, LIST_ONLY_ID, FORGED_COOKIE, IP, IPV6, LAT, LON, TCF, GPP));
        SpanCollector spans = new SpanCollector();
        try (LogCapture logs = new LogCapture(); TestGateway gw = TestGateway.traced(dir, c -> c, spans)) {
            String key = gw.advertiser("Privacy");
            String publisher = gw.account("publisher", "Leaky Publisher");
            // A browser's issued cookie is a raw id too: its value must not leak, nor its id part.
            TestGateway.Resp first = gw.get("/v1/consent", null);
            responses.add(first.body());
            String cookie = first.header("Set-Cookie").split(";")[0];
            String cookieValue = cookie.substring("precis_uid=".length());
            secrets.add(cookieValue);
            secrets.add(cookieValue.substring(0, cookieValue.indexOf('.')));

            // Consent for everything, so ids travel as far as the code ever lets them: into
            // pseudonyms, tokens (measurement), segments (profiling) and precise geo matching.
            responses.add(gw.put("/v1/consent?user=" + USER_ID, ALL, publisher).body());
            responses.add(withCookie(gw, cookie, "PUT", "/v1/consent", ALL).body());
            responses.add(gw.post("/v1/segments", "{\"id\": \"interest:privacy\", \"keywords\": [\"privacy\"]}",
                    TestGateway.ADMIN_TOKEN).body());
            // A place around the user: the behaviour's location becomes a visit to it, and only that.
            TestGateway.Resp place = gw.post("/v1/places", "{\"name\": \"Office mall\", \"category\": \"mall\","
                    + " \"latitude\": 39.9145, \"longitude\": 116.3645, \"radius\": 300}", key);
            assertEquals(201, place.status(), place.body());
            String placeId = place.json().get("id").textValue();
            responses.add(place.body());
            responses.add(gw.post("/v1/behaviour", "{\"user\": \"" + USER_ID + "\", \"events\": [{\"type\": \"view\","
                    + " \"ts\": \"" + Instant.now() + "\", \"text\": \"privacy news\", \"url\": \"https://news.example/p\","
                    + " \"location\": {\"lat\": " + LAT + ", \"lon\": " + LON + "}}]}",
                    publisher).body());
            // Every kind of personal targeting at once, and a radius (300 m, about 100 m from the
            // user) that only the precise location reaches: rounded to 0.01 degree it is ~600 m off.
            String near = gw.campaign(key, """
                    {"name": "Near the office", "bid": {"model": "CPM", "amount": 30},
                     "targeting": {"geo": {"lat": 39.9145, "lon": 116.3645, "radiusKm": 0.3},
                                   "segments": ["interest:privacy"], "regions": ["CN-11"], "genders": ["f"]},
                     "creatives": [{"id": "g", "format": "banner-300x250", "landingUrl": "https://near.example/"}]}
                    """);
            // Capped, so its impressions also go to the frequency-cap history on disk.
            gw.campaign(key, Campaigns.keywords("P", "[\"privacy test\"]", "CPC", 1)
                    .replace("\"goal\"", "\"frequencyCap\": {\"impressions\": 5, \"perHours\": 24}, \"goal\""));
            gw.campaign(key, Campaigns.untargeted("fallback", "CPM", 1));
            // A lift test holding out (all but) everyone: the people below are held out of it, so
            // its ghost impressions and the test's people are stored too (a 1 in 10,000 chance
            // that one is not held out would only show its ad instead).
            String liftTest = gw.campaign(key, Campaigns.keywords("Lift", "[\"privacy test\"]", "CPM", 100)
                    .replaceFirst("\\{", "{\"holdout\": 0.9999, "));
            // A customer list with the user's raw id in it, uploaded as CSV and as JSON, and a
            // campaign for its members only: the consented requests below must be matched by it.
            TestGateway.Resp list = gw.post("/v1/audiences", "{\"name\": \"customers\"}", key);
            responses.add(list.body());
            String audience = list.json().get("id").textValue();
            responses.add(gw.send(gw.builder("/v1/audiences/" + audience + "/members", key)
                    .header("Content-Type", "text/csv")
                    .PUT(HttpRequest.BodyPublishers.ofString(USER_ID + "\n" + LIST_ONLY_ID + "\n")).build()).body());
            responses.add(gw.put("/v1/audiences/" + audience + "/members",
                    "{\"ids\": [\"" + LIST_ONLY_ID + "\", \"" + USER_ID + "\"]}", key).body());
            TestGateway.Resp badList = gw.put("/v1/audiences/" + audience + "/members",
                    "{\"ids\": [\"" + LIST_ONLY_ID + "\", " + "\"" + LIST_ONLY_ID.repeat(12) + "\"]}", key);
            assertEquals(400, badList.status(), badList.body());
            responses.add(badList.body());
            responses.add(gw.get("/v1/audiences/" + audience, key).body());
            responses.add(gw.get("/v1/audiences", key).body());
            String customers = gw.campaign(key, """
                    {"name": "Customers only", "bid": {"model": "CPM", "amount": 20},
                     "targeting": {"audiences": {"include": ["%s"]}},
                     "creatives": [{"id": "l", "format": "banner-300x250", "landingUrl": "https://list.example/"}]}
                    """.formatted(audience));
            Ads ads = new Ads(gw);

            // The consented half: full-consent TCF, no GPC, no DNT.
            for (String ip : List.of(IP, IPV6)) {
                TestGateway.Resp r = gw.send(gw.builder("/v1/ad", null)
                        .header("Content-Type", "application/json")
                        .header("X-Forwarded-For", ip)
                        .POST(HttpRequest.BodyPublishers.ofString(adRequest("\"id\": \"" + USER_ID + "\",", ip)))
                        .build());
                assertEquals(200, r.status(), r.body());
                responses.add(r.body());
                JsonNode ad = adOf(r.json(), near);
                for (String kind : List.of("demographic", "behavioural", "geo")) {
                    assertTrue(matchedBy(ad).contains(kind), "personalised with consent: " + r.body());
                }
                assertTrue(matchedBy(adOf(r.json(), customers)).contains("audience"),
                        "the uploaded list really matched the person: " + r.body());
                for (JsonNode each : r.json().get("ads")) {
                    assertEquals(204, ads.impression(each));
                }
                String clickId = ads.click(ad);
                TestGateway.Resp conv = gw.post("/v1/t/conversion",
                        "{\"click\":\"" + clickId + "\",\"value\":10,\"id\":\"o-" + ip.length() + "\"}", null);
                assertEquals(202, conv.status(), conv.body());
                responses.add(conv.body());
            }
            // The browser known by its issued cookie: an ad, its pixel, a view-through conversion.
            TestGateway.Resp cookieAd = gw.send(gw.builder("/v1/ad", null).header("Content-Type", "application/json")
                    .header("Cookie", cookie).header("X-Forwarded-For", IP)
                    .POST(HttpRequest.BodyPublishers.ofString(adRequest("", IP))).build());
            assertEquals(200, cookieAd.status(), cookieAd.body());
            responses.add(cookieAd.body());
            assertEquals(204, ads.impression(cookieAd.json().get("ads").get(0)));
            TestGateway.Resp viewThrough = withCookie(gw, cookie, "POST", "/v1/t/conversion", "{\"value\": 5, \"id\": \"vt-1\"}");
            assertEquals(202, viewThrough.status(), viewThrough.body());
            responses.add(viewThrough.body());

            // The other half: GPC and DNT switch personal targeting off whatever the TCF says; a
            // forged cookie rides along.
            TestGateway.Resp gpc = gw.send(gw.builder("/v1/ad", null).header("Content-Type", "application/json")
                    .header("X-Forwarded-For", IP).header("Sec-GPC", "1").header("DNT", "1")
                    .header("Cookie", "precis_uid=" + FORGED_COOKIE)
                    .POST(HttpRequest.BodyPublishers.ofString(adRequest("\"id\": \"" + USER_ID + "\",", IP))).build());
            assertEquals(200, gpc.status(), gpc.body());
            responses.add(gpc.body());
            for (JsonNode ad : gpc.json().get("ads")) {
                assertNotEquals(near, ad.get("campaignId").textValue(), gpc.body());
                assertNotEquals(customers, ad.get("campaignId").textValue(), "include lists need personalisation");
                assertFalse(matchedBy(ad).contains("behavioural") || matchedBy(ad).contains("demographic"), gpc.body());
            }

            // Invalid input carrying personal data must not echo it either.
            TestGateway.Resp bad = gw.ad("{\"user\": {\"id\": \"" + USER_ID + "\", \"yob\": \"" + IP + "\"}}");
            assertEquals(400, bad.status());
            responses.add(bad.body());
            TestGateway.Resp malformed = gw.ad("{\"user\": {\"id\": \"" + USER_ID + "\"");
            responses.add(malformed.body());
            responses.add(gw.get("/metrics", null).body());

            // The data really is linked to the people: segments, behaviour, measurement events.
            TestGateway.Resp me = gw.get("/v1/me?user=" + USER_ID, publisher);
            JsonNode mine = me.json();
            assertTrue(mine.path("segments").toString().contains("interest:privacy"), me.body());
            // The location travelled as far as it may: a visit-day to the place, and its segment.
            assertTrue(mine.path("segments").toString().contains("place:" + placeId + ":occasional"), me.body());
            assertEquals(2, mine.path("behaviour").size(), "the view and the visit it made: " + me.body());
            // The lift test's ghost impressions, linked like any measurement event.
            assertTrue(count(mine.path("events"), liftTest) >= 2, "ghosts of the lift test: " + me.body());
            // Two impressions and a click of the ad that matched on everything, and the conversions.
            assertTrue(count(mine.path("events"), near) >= 4, me.body());
            // The capped campaign's impressions went through the frequency-cap history (stored).
            assertTrue(mine.path("adsServed").size() > 0, me.body());
            responses.add(me.body());
            responses.add(gw.get("/v1/consent/history?user=" + USER_ID, publisher).body());
            TestGateway.Resp cookieMe = withCookie(gw, cookie, "GET", "/v1/me", null);
            assertTrue(cookieMe.json().path("events").size() >= 2, "impression and view-through: " + cookieMe.body());
            responses.add(cookieMe.body());
            responses.add(withCookie(gw, "precis_uid=" + FORGED_COOKIE, "GET", "/v1/me", null).body());
            responses.add(gw.get("/v1/reports?groupBy=campaign,creative,day", key).body());
            assertTrue(gw.get("/v1/reports", key).json().get("lift").size() > 0, "the lift test has people");
            responses.add(gw.get("/v1/campaigns", key).body());
            gw.close();
            // The behaviour made an interest profile, stored (sealed): the scan below covers it.
            assertEquals(1, storedProfiles(dir), () -> "the consented behaviour's interest profile is stored; log: "
                    + logs.lines().stream().filter(l -> l.contains("rofile") || l.contains("SEVERE") || l.contains("WARN")).toList());

            List<String> findings = new ArrayList<>();
            for (String response : responses) {
                scan("response", response.getBytes(StandardCharsets.UTF_8), secrets, findings);
            }
            for (String line : logs.lines()) {
                // Name the logger, not the line: the line holds the very data we must not print.
                scan("log line from " + line.substring(0, line.indexOf(']') + 1), line.getBytes(StandardCharsets.UTF_8),
                        secrets, findings);
            }
            // Spans as an OTLP collector receives them: the requests with ?user= were traced.
            List<SpanData> exported = spans.spans();
            assertTrue(exported.stream().anyMatch(s -> s.getName().equals("GET /v1/me")), "the /v1/me?user= reads were traced: " + exported.stream().map(SpanData::getName).distinct().toList());
            assertTrue(exported.stream().anyMatch(s -> s.getName().equals("consent")), "ad requests were traced");
            for (SpanData s : exported) {
                scan("span " + s.getName(), SpanCollector.text(s).getBytes(StandardCharsets.UTF_8), secrets, findings);
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    scan(dir.relativize(f).toString(), Files.readAllBytes(f), secrets, findings);
                }
            }
            assertTrue(findings.isEmpty(), "personal data found: " + findings);
            assertTrue(logs.text().length() > 0, "the log capture must have seen the gateway's log");
        }
    }

    /** A TCF v2 string granting purposes 1 to 10 and special feature 1 (full consent). */
    static String fullConsentTcf() {
        return TcfStrings.fullConsent();
    }

    /** An ad request from a user in Beijing's Xicheng district at the office's exact location. */
    private static String adRequest(String idField, String ip) {
        return """
                {"slot": {"id": "top", "format": "banner-300x250", "site": "news.example"},
                 "page": {"url": "https://news.example/p", "text": "a privacy test page"},
                 "user": {%s "yob": 1990, "gender": "f", "region": "CN-11-0102",
                          "geo": {"lat": %s, "lon": %s}},
                 "device": {"ip": "%s", "ua": "Mozilla/5.0"}, "consent": {"tcf": "%s", "gpp": "%s", "gppSid": [2]}, "count": 3}
                """.formatted(idField, LAT, LON, ip, TCF, GPP);
    }

    private static JsonNode adOf(JsonNode response, String campaignId) {
        for (JsonNode ad : response.get("ads")) {
            if (ad.get("campaignId").textValue().equals(campaignId)) {
                return ad;
            }
        }
        throw new AssertionError("campaign " + campaignId + " was not served: " + response);
    }

    private static List<String> matchedBy(JsonNode ad) {
        List<String> kinds = new ArrayList<>();
        ad.get("matchedBy").forEach(k -> kinds.add(k.textValue()));
        return kinds;
    }

    private static long count(JsonNode events, String campaignId) {
        long n = 0;
        for (JsonNode e : events) {
            n += campaignId.equals(e.path("campaign").textValue()) ? 1 : 0;
        }
        return n;
    }

    private static TestGateway.Resp withCookie(TestGateway gw, String cookie, String method, String path, String body) {
        HttpRequest.Builder b = gw.builder(path, null).header("Cookie", cookie);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return gw.send(b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** Rows of the lookalikes' stored interest profiles in the embedded database of {@code dataDir} (the gateway closed). */
    public static long storedProfiles(Path dataDir) throws java.sql.SQLException {
        try (io.precis.gateway.storage.Database db = io.precis.gateway.storage.Database.open(dataDir);
             java.sql.Connection c = db.dataSource().getConnection();
             java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM profiles")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Adds to {@code findings} where {@code content} holds any encoding of any of {@code secrets}. */
    public static void scan(String where, byte[] content, List<String> secrets, List<String> findings) {
        for (String secret : secrets) {
            for (byte[] needle : encodings(secret)) {
                if (indexOf(content, needle) >= 0) {
                    findings.add(where + " contains an encoding of " + secret);
                    break;
                }
            }
        }
    }

    private static List<byte[]> encodings(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        return List.of(utf8,
                s.getBytes(StandardCharsets.UTF_16LE),
                s.getBytes(StandardCharsets.UTF_16BE),
                URLEncoder.encode(s, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8),
                Base64.getEncoder().withoutPadding().encodeToString(utf8).getBytes(StandardCharsets.US_ASCII),
                Base64.getUrlEncoder().withoutPadding().encodeToString(utf8).getBytes(StandardCharsets.US_ASCII),
                HexFormat.of().formatHex(utf8).getBytes(StandardCharsets.US_ASCII));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
