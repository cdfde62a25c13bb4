package io.precis.gateway.behaviour;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.consent.MutableClock;
import io.precis.gateway.Campaigns;
import io.precis.gateway.TestGateway;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code targeting.trigger} end to end over HTTP: a cart left with a water purifier makes the
 * very next ad request eligible, for the trigger's window, with consent, and never without.
 */
class RealTimeTriggerTest {
    private static final String ALL = "{\"purposes\": {\"personalisation\": true, \"profiling\": true, \"measurement\": true}}";

    @TempDir
    Path dir;

    private static int adFor(TestGateway gw, String user) {
        return gw.ad(Campaigns.adRequest("news.example", "today's news", user)).status();
    }

    private static String behaviour(String user, String type, Instant at, String text) {
        return "{\"user\": \"" + user + "\", \"events\": [{\"type\": \"" + type + "\", \"ts\": \"" + at
                + "\", \"text\": \"" + text + "\"}]}";
    }

    @Test
    void theNextAdRequestAfterACartIsEligibleForTheWindowAndOnlyWithConsent() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-20T12:00:00Z"));
        try (TestGateway gw = TestGateway.start(dir, c -> c, clock)) {
            String key = gw.advertiser("Purifiers");
            String publisher = gw.account("publisher", "Pub");
            TestGateway.Resp created = gw.post("/v1/campaigns", Campaigns.cartAbandoned("PurifierBack"), key);
            assertEquals(201, created.status(), created.body());
            assertTrue(created.json().at("/targeting/trigger/withinMinutes").asInt() == 60, created.body());

            assertEquals(200, gw.put("/v1/consent?user=shopper", ALL, publisher).status());
            assertEquals(204, adFor(gw, "shopper"), "no cart yet");
            gw.post("/v1/behaviour", behaviour("shopper", "view", clock.instant(), "家用净水器推荐"), publisher);
            assertEquals(204, adFor(gw, "shopper"), "a view is not a cart");
            assertEquals(202, gw.post("/v1/behaviour", behaviour("shopper", "cart", clock.instant(), "净水器 RO 滤芯"),
                    publisher).status());
            assertEquals(200, adFor(gw, "shopper"), "the very next request after the cart");
            clock.advance(Duration.ofMinutes(59));
            assertEquals(200, adFor(gw, "shopper"), "within the hour");
            clock.advance(Duration.ofMinutes(2));
            assertEquals(204, adFor(gw, "shopper"), "the hour is over");

            // Without profiling the cart is not even kept; without personalisation it is not used.
            assertEquals(200, gw.put("/v1/consent?user=private", "{\"purposes\": {\"personalisation\": true}}",
                    publisher).status());
            gw.post("/v1/behaviour", behaviour("private", "cart", clock.instant(), "净水器"), publisher);
            assertEquals(204, adFor(gw, "private"));
            assertEquals(200, gw.put("/v1/consent?user=shopper", "{\"purposes\": {\"personalisation\": false,"
                    + " \"profiling\": true}}", publisher).status());
            gw.post("/v1/behaviour", behaviour("shopper", "cart", clock.instant(), "净水器"), publisher);
            assertEquals(204, adFor(gw, "shopper"), "no personalisation: the trigger is not used");
            assertEquals(200, gw.put("/v1/consent?user=shopper", ALL, publisher).status());
            assertEquals(200, adFor(gw, "shopper"), "consent back, the cart still within its hour");

            // Bad triggers are refused with the field named.
            for (String bad : new String[] {"{\"events\": [\"cart\"]}", "{\"withinMinutes\": 5}",
                    "{\"events\": [\"buy\"], \"withinMinutes\": 5}", "{\"events\": [\"cart\"], \"withinMinutes\": 1441}"}) {
                TestGateway.Resp r = gw.post("/v1/campaigns", Campaigns.untargeted("Bad", "CPM", 1).replace("\"creatives\"",
                        "\"targeting\": {\"trigger\": " + bad + "}, \"creatives\""), key);
                assertEquals(400, r.status(), bad + " -> " + r.body());
                assertTrue(r.json().get("field").asText().startsWith("targeting.trigger"), r.body());
            }
        }
    }
}
