package io.precis.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.consent.crypto.KeyFiles;
import io.precis.reports.token.AdServed;
import io.precis.reports.token.TokenKind;
import io.precis.reports.token.TokenSigner;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Forged, altered, expired and replayed tracking tokens never count. */
class TokenIntegrityTest {
    @TempDir
    Path dir;

    private static long metric(JsonNode report, String name) {
        JsonNode rows = report.get("rows");
        return rows.isEmpty() ? 0 : rows.get(0).get(name).asLong();
    }

    @Test
    void forgedAlteredExpiredAndWrongKindTokensGet400AndCountNothing() {
        try (TestGateway gw = TestGateway.start(dir)) {
            String key = gw.advertiser("Tokens");
            String campaign = gw.campaign(key, Campaigns.keywords("T", "[\"token test\"]", "CPM", 10));
            Ads ads = new Ads(gw);
            JsonNode ad = ads.serve("news.example", "a token test page");
            String imp = ad.get("impressionUrl").textValue();
            String token = imp.substring(imp.indexOf("t=") + 2);

            for (String bad : List.of("garbage", "a.b", "", "%00%ff", "x".repeat(5000),
                    alter(token, 5), alter(token, token.length() - 3))) {
                TestGateway.Resp r = gw.get("/v1/t/imp?t=" + bad, null);
                // Over the 4 KiB request-line limit the request is refused before any token is read.
                boolean tooLong = bad.length() > 4096;
                assertEquals(tooLong ? 414 : 400, r.status(), "token variant must be rejected");
                assertEquals(tooLong ? "too_large" : "bad_request", r.json().get("error").textValue());
            }
            // A click token is not an impression token, and vice versa.
            String click = ad.get("clickUrl").textValue();
            assertEquals(400, gw.get("/v1/t/imp?" + click.substring(click.indexOf("t=")), null).status());
            assertEquals(400, gw.get("/v1/t/click?" + imp.substring(imp.indexOf("t=")), null).status());

            // A token signed with the right key but expired two hours ago.
            byte[] tokenKey = KeyFiles.loadOrCreate(dir.resolve("keys").resolve("token.key"), 32);
            Clock past = Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC);
            TokenSigner oldSigner = new TokenSigner(tokenKey, past, Duration.ofHours(1), Duration.ofHours(24));
            AdServed served = new AdServed("expired-ad-id-0000000", "x", campaign, "c1", "top", "news.example",
                    List.of("contextual"), "CPM", 10_000_000);
            String expired = URLEncoder.encode(oldSigner.issue(TokenKind.IMPRESSION, served), StandardCharsets.UTF_8);
            assertEquals(400, gw.get("/v1/t/imp?t=" + expired, null).status());
            // The same key and a fresh clock would have been accepted: the expiry is what failed.
            assertEquals(0, metric(gw.get("/v1/reports", key).json(), "impressions"));
        }
    }

    @Test
    void replayedImpressionAndClickCountOnceAndKeepTheirClickId() {
        try (TestGateway gw = TestGateway.start(dir)) {
            String key = gw.advertiser("Replay");
            gw.campaign(key, Campaigns.keywords("R", "[\"replay test\"]", "CPC", 2));
            Ads ads = new Ads(gw);
            JsonNode ad = ads.serve("news.example", "replay test page");
            assertEquals(204, ads.impression(ad));
            assertEquals(204, ads.impression(ad));
            String first = ads.click(ad);
            String second = ads.click(ad);
            assertEquals(first, second);
            JsonNode report = gw.get("/v1/reports", key).json();
            assertEquals(1, metric(report, "impressions"));
            assertEquals(1, metric(report, "clicks"));
            assertEquals(Ads.chargedMicros(ad) / 1e6, report.get("rows").get(0).get("spend").asDouble(), 1e-9);

            // A second ad from the same request flow gets its own click id.
            JsonNode other = ads.serve("news.example", "replay test page");
            ads.impression(other);
            assertNotEquals(first, ads.click(other));
        }
    }

    @Test
    void conversionForUnknownClickIsAcceptedButNeverCredited() {
        try (TestGateway gw = TestGateway.start(dir)) {
            String key = gw.advertiser("Conv");
            gw.campaign(key, Campaigns.keywords("C", "[\"conversion test\"]", "CPA", 20));
            Ads ads = new Ads(gw);
            JsonNode ad = ads.serve("news.example", "conversion test page");
            ads.impression(ad);
            String clickId = ads.click(ad);
            assertEquals(202, ads.convert("made-up-click-id", 50, null));
            assertEquals(202, ads.convert(clickId, 80, "o-1"));
            assertEquals(202, ads.convert(clickId, 80, "o-1"));
            JsonNode row = gw.get("/v1/reports", key).json().get("rows").get(0);
            assertEquals(1, row.get("conversions").asLong());
            assertEquals(80.0, row.get("revenue").asDouble(), 1e-9);
            assertEquals(Ads.chargedMicros(ad) / 1e6, row.get("spend").asDouble(), 1e-9);
        }
    }

    @Test
    void aConsentedUsersTrackingUrlsShowNoPseudonymYetTheSealedTokenCarriesIt() {
        try (TestGateway gw = TestGateway.start(dir)) {
            String key = gw.advertiser("Sealed");
            String publisher = gw.account("publisher", "Pub");
            gw.campaign(key, Campaigns.untargeted("S", "CPC", 2));
            String user = "reader-sealed";
            assertEquals(200, gw.put("/v1/consent?user=" + user,
                    "{\"purposes\": {\"personalisation\": true, \"measurement\": true}}", publisher).status());
            TestGateway.Resp served = gw.ad("""
                    {"slot": {"id": "top", "format": "banner-300x250", "site": "news.example"},
                     "user": {"id": "%s", "region": "CN-11-0105"}}""".formatted(user));
            assertEquals(200, served.status(), served.body());
            JsonNode ad = served.json().get("ads").get(0);
            for (String url : List.of(ad.get("impressionUrl").textValue(), ad.get("clickUrl").textValue())) {
                AdServed inside = TestGateway.openToken(url).ad();
                assertNotNull(inside.pseudonym(), "measurement consent links the token to the user");
                assertEquals("CN-11", inside.region());
                String token = java.net.URLDecoder.decode(url.substring(url.indexOf("t=") + 2), StandardCharsets.UTF_8);
                assertTrue(token.matches("[A-Za-z0-9_-]+"), "one opaque base64url string");
                String decoded = new String(java.util.Base64.getUrlDecoder().decode(
                        token.substring(0, token.length() / 4 * 4)), StandardCharsets.ISO_8859_1);
                for (String value : List.of(inside.pseudonym(), "CN-11", inside.campaignId(), "\"ps\"")) {
                    assertFalse(token.contains(value) || decoded.contains(value), "readable in the URL: a token value");
                }
                assertFalse(decoded.startsWith("{"), "not JSON");
            }
            // Sealed tokens still count once, and an altered one is still refused.
            Ads ads = new Ads(gw);
            assertEquals(204, ads.impression(ad));
            String imp = ad.get("impressionUrl").textValue();
            String token = imp.substring(imp.indexOf("t=") + 2);
            assertEquals(400, gw.get("/v1/t/imp?t=" + alter(token, token.length() / 2), null).status());
            ads.click(ad);
            JsonNode report = gw.get("/v1/reports", key).json();
            assertEquals(1, metric(report, "impressions"));
            assertEquals(1, metric(report, "clicks"));
        }
    }

    /** {@code token} with the character at {@code i} changed to another base64url character. */
    private static String alter(String token, int i) {
        char c = token.charAt(i);
        char replacement = c == 'A' ? 'B' : 'A';
        return token.substring(0, i) + replacement + token.substring(i + 1);
    }
}
