package io.precis.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader's cookie: an ad request plants no identifier before a purpose that needs one is
 * granted. Showing an ad needs no identifier; personalisation, profiling and measurement do, so
 * a browser gets {@code precis_uid} from an ad request only when the request's consent (the
 * deployment's defaults, all off unless configured, or a TCF string) grants one of them, and
 * from the privacy centre when the person saves a choice there.
 */
class ReaderCookieTest {
    @TempDir
    Path dir;
    private TestGateway gw;

    @BeforeEach
    void start() {
        gw = TestGateway.start(dir);
        String key = gw.advertiser("Weather Co");
        gw.campaign(key, Campaigns.untargeted("Umbrellas", "CPM", 5));
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    private TestGateway.Resp ad(String cookie, String consent) {
        String body = """
                {"slot": {"id": "top", "format": "banner-300x250", "site": "news.example"},
                 "page": {"url": "https://news.example/a", "text": "rain tomorrow"}%s}""".formatted(consent);
        HttpRequest.Builder b = gw.builder("/v1/ad", null).header("Content-Type", "application/json");
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return gw.send(b.POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    @Test
    void anAdRequestWithoutConsentSetsNoIdentifier() {
        TestGateway.Resp r = ad(null, "");
        assertEquals(200, r.status(), "the ad is served all the same: " + r.body());
        assertNull(r.header("Set-Cookie"), "no identifier before any purpose that needs one is granted");
    }

    @Test
    void anAdRequestWhoseTcfStringGrantsPurposesGetsAnIssuedCookie() {
        TestGateway.Resp r = ad(null, ", \"consent\": {\"tcf\": \"" + PrivacyLeakTest.fullConsentTcf() + "\"}");
        assertEquals(200, r.status(), r.body());
        String set = r.header("Set-Cookie");
        assertNotNull(set, "measurement and personalisation granted: the browser needs an identifier");
        assertTrue(set.startsWith("precis_uid=") && set.toLowerCase(java.util.Locale.ROOT).contains("httponly") && set.contains("Max-Age=34128000"), set);
        String cookie = set.split(";")[0];
        assertNull(ad(cookie, "").header("Set-Cookie"), "the issued cookie is kept, not replaced");
    }

    @Test
    void theCookieThePrivacyCentreIssuedIsTheOneAdRequestsUse() {
        TestGateway.Resp saved = gw.send(gw.builder("/v1/consent", null).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"purposes\": {\"measurement\": true}}")).build());
        assertEquals(200, saved.status(), saved.body());
        String cookie = saved.header("Set-Cookie").split(";")[0];
        TestGateway.Resp r = ad(cookie, "");
        assertEquals(200, r.status());
        assertNull(r.header("Set-Cookie"));
        assertEquals(200, gw.send(gw.builder("/v1/me", null).header("Cookie", cookie).GET().build()).status());
    }
}
