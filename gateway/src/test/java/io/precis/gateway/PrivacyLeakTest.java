package io.precis.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Traffic with known raw user ids, IPs, locations and TCF strings, then a scan of every file under
 * the data dir, every log line and every response for them, raw and in common encodings.
 */
class PrivacyLeakTest {
    private static final String USER_ID = "leaky-user-7f3a9c21";
    private static final String COOKIE_ID = "cookie-uid-55aa0c3e";
    private static final String IP = "198.51.100.77";
    private static final String IPV6 = "2001:db8:85a3::8a2e:370:7334";
    private static final String LAT = "39.913818";
    private static final String LON = "116.363625";
    private static final String TCF = "CPzHq4APzHq4AAHABBENDYCgAP_AAH_AAAqIHWtf";
    private static final List<String> SECRETS = List.of(USER_ID, COOKIE_ID, IP, IPV6, LAT, LON, TCF);

    @TempDir
    Path dir;

    @Test
    void noRawIdIpLocationOrTcfStringReachesDiskLogsOrResponses() throws IOException {
        List<String> responses = new ArrayList<>();
        try (LogCapture logs = new LogCapture(); TestGateway gw = TestGateway.start(dir)) {
            String key = gw.advertiser("Privacy");
            String publisher = gw.account("publisher", "Leaky Publisher");
            // Consent for everything, so ids travel as far as the code ever lets them: into
            // pseudonyms, tokens (measurement), segments (profiling) and precise geo matching.
            String all = "{\"purposes\": {\"personalisation\": true, \"profiling\": true, \"measurement\": true,"
                    + " \"precise_geo\": true}}";
            responses.add(gw.put("/v1/consent?user=" + USER_ID, all, publisher).body());
            responses.add(gw.send(gw.builder("/v1/consent", null).header("Cookie", "precis_uid=" + COOKIE_ID)
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(all)).build()).body());
            responses.add(gw.post("/v1/segments", "{\"id\": \"interest:privacy\", \"keywords\": [\"privacy\"]}",
                    TestGateway.ADMIN_TOKEN).body());
            responses.add(gw.post("/v1/behaviour", "{\"user\": \"" + USER_ID + "\", \"events\": [{\"type\": \"view\","
                    + " \"ts\": \"" + java.time.Instant.now() + "\", \"text\": \"privacy news\", \"url\": \"https://news.example/p\"}]}",
                    publisher).body());
            gw.campaign(key, """
                    {"name": "Near the office", "bid": {"model": "CPM", "amount": 30},
                     "targeting": {"geo": {"lat": 39.91, "lon": 116.36, "radiusKm": 5}, "segments": ["interest:privacy"]},
                     "creatives": [{"id": "g", "format": "banner-300x250", "landingUrl": "https://near.example/"}]}
                    """);
            // Capped, so its impressions also go to the frequency-cap history on disk.
            gw.campaign(key, Campaigns.keywords("P", "[\"privacy test\"]", "CPC", 1)
                    .replace("\"goal\"", "\"frequencyCap\": {\"impressions\": 5, \"perHours\": 24}, \"goal\""));
            gw.campaign(key, Campaigns.untargeted("fallback", "CPM", 1));
            Ads ads = new Ads(gw);
            for (String ip : List.of(IP, IPV6)) {
                String body = """
                        {"slot": {"id": "top", "format": "banner-300x250", "site": "news.example"},
                         "page": {"url": "https://news.example/p", "text": "a privacy test page"},
                         "user": {"id": "%s", "yob": 1990, "gender": "f", "region": "CN-11-0115",
                                  "geo": {"lat": %s, "lon": %s}},
                         "device": {"ip": "%s", "ua": "Mozilla/5.0"}, "consent": {"tcf": "%s"}, "count": 2}
                        """.formatted(USER_ID, LAT, LON, ip, TCF);
                TestGateway.Resp r = gw.send(gw.builder("/v1/ad", null)
                        .header("Content-Type", "application/json")
                        .header("Cookie", "precis_uid=" + COOKIE_ID)
                        .header("X-Forwarded-For", ip)
                        .header("Sec-GPC", "1")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
                assertEquals(200, r.status(), r.body());
                responses.add(r.body());
                JsonNode ad = r.json().get("ads").get(0);
                ads.impression(ad);
                String clickId = ads.click(ad);
                TestGateway.Resp conv = gw.post("/v1/t/conversion",
                        "{\"click\":\"" + clickId + "\",\"value\":10,\"id\":\"o-" + ip.length() + "\"}", null);
                responses.add(conv.body());
            }
            // Invalid input carrying personal data must not echo it either.
            TestGateway.Resp bad = gw.ad("{\"user\": {\"id\": \"" + USER_ID + "\", \"yob\": \"" + IP + "\"}}");
            assertEquals(400, bad.status());
            responses.add(bad.body());
            TestGateway.Resp malformed = gw.ad("{\"user\": {\"id\": \"" + USER_ID + "\"");
            responses.add(malformed.body());
            responses.add(gw.get("/metrics", null).body());
            TestGateway.Resp me = gw.get("/v1/me?user=" + USER_ID, publisher);
            // The capped campaign's impressions went through the frequency-cap history (stored).
            assertTrue(me.json().path("adsServed").size() > 0, me.body());
            responses.add(me.body());
            responses.add(gw.get("/v1/consent/history?user=" + USER_ID, publisher).body());
            responses.add(gw.send(gw.builder("/v1/me", null).header("Cookie", "precis_uid=" + COOKIE_ID).GET().build()).body());
            // A view-through conversion from the cookie user (measurement consent given).
            responses.add(gw.send(gw.builder("/v1/t/conversion", null).header("Cookie", "precis_uid=" + COOKIE_ID)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"value\": 5, \"id\": \"vt-1\"}")).build()).body());
            responses.add(gw.get("/v1/reports?groupBy=campaign,creative,day", key).body());
            responses.add(gw.get("/v1/campaigns", key).body());
            gw.close();

            List<String> findings = new ArrayList<>();
            for (String response : responses) {
                scan("response", response.getBytes(StandardCharsets.UTF_8), findings);
            }
            for (String line : logs.lines()) {
                // Name the logger, not the line: the line holds the very data we must not print.
                scan("log line from " + line.substring(0, line.indexOf(']') + 1), line.getBytes(StandardCharsets.UTF_8),
                        findings);
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    scan(dir.relativize(f).toString(), Files.readAllBytes(f), findings);
                }
            }
            assertTrue(findings.isEmpty(), "personal data found: " + findings);
            assertTrue(logs.text().length() > 0, "the log capture must have seen the gateway's log");
        }
    }

    private static void scan(String where, byte[] content, List<String> findings) {
        for (String secret : SECRETS) {
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
