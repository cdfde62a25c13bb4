package io.precis.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.consent.pseudonym.Pseudonymiser;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key rotation (`./precis keys rotate`) between two visits of one reader: during the overlap
 * the old epoch's pseudonym still resolves, and the reader's behaviour under both makes one
 * history, so behavioural targeting does not restart from nothing at every rotation.
 */
class KeyRotationTest {
    private static final String USER = "reader-rotating";
    private static final String SEGMENT_RULE =
            "{\"id\": \"interest:flights\", \"keywords\": [\"cheap flights\"], \"minEvents\": 2, \"withinDays\": 30}";

    @TempDir
    Path dir;

    private static void search(TestGateway gw, String publisher) {
        assertEquals(202, gw.post("/v1/behaviour", "{\"user\": \"" + USER + "\", \"events\": [{\"type\": \"search\","
                + " \"ts\": \"" + Instant.now() + "\", \"query\": \"cheap flights to Chengdu\"}]}", publisher).status());
    }

    private static TestGateway.Resp ad(TestGateway gw) {
        return gw.ad("""
                {"slot": {"id": "top", "format": "banner-300x250", "site": "news.example"},
                 "user": {"id": "%s"}}""".formatted(USER));
    }

    @Test
    void behaviourFromBeforeARotationStillCountsDuringTheOverlap() {
        String publisher;
        String flights;
        try (TestGateway gw = TestGateway.start(dir)) {
            String advertiser = gw.advertiser("Air Co");
            publisher = gw.account("publisher", "News");
            flights = gw.campaign(advertiser, """
                    {"name": "Flights", "bid": {"model": "CPC", "amount": 3},
                     "targeting": {"segments": ["interest:flights"]},
                     "creatives": [{"id": "f", "format": "banner-300x250", "landingUrl": "https://air.example/"}]}""");
            assertEquals(201, gw.post("/v1/segments", SEGMENT_RULE, TestGateway.ADMIN_TOKEN).status());
            assertEquals(200, gw.put("/v1/consent?user=" + USER,
                    "{\"purposes\": {\"personalisation\": true, \"profiling\": true}}", publisher).status());
            search(gw, publisher);
            assertEquals(204, ad(gw).status(), "one search is not yet the two the segment needs");
        }
        // Between the visits the operator rotates the pseudonym keys (30 days of overlap).
        Pseudonymiser.open(dir.resolve("keys"), Duration.ofDays(30), Clock.systemUTC(), Map.of()).rotate();
        try (TestGateway gw = TestGateway.start(dir)) {
            search(gw, publisher); // stored under the new epoch's pseudonym
            TestGateway.Resp r = ad(gw);
            assertEquals(200, r.status(), "consent and both searches carry over the rotation: " + r.body());
            assertEquals(flights, r.json().get("ads").get(0).get("campaignId").textValue());
            String me = gw.get("/v1/me?user=" + USER, publisher).body();
            assertTrue(me.contains("interest:flights"), me);
        }
    }
}
