package io.precis.gateway.audiences;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.consent.pseudonym.Pseudonymiser;
import io.precis.gateway.TestGateway;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A customer list across a key rotation ({@code ./precis keys rotate}) and the destruction of the
 * old key ({@code ./precis keys destroy-expired}): during the overlap the list uploaded under the
 * old key still matches and its ids can still be removed, and the list says by when to upload it
 * again; once the old key is destroyed its members are deleted and the list says it is stale,
 * across a restart, until it is uploaded again whole.
 */
class CustomerListKeyRotationTest {
    private static final Duration OVERLAP = Duration.ofDays(30);

    @TempDir
    Path dir;

    @Test
    void aListMatchesDuringTheOverlapAndIsStaleOnceItsKeyIsDestroyedUntilUploadedAgain() {
        String advertiser;
        String list;
        String campaign;
        Instant rotated;
        try (TestGateway gw = TestGateway.start(dir)) {
            advertiser = gw.advertiser("Lists Co");
            list = gw.post("/v1/audiences", "{\"name\": \"complainers\"}", advertiser).json().get("id").textValue();
            assertEquals(200, csv(gw, advertiser, list, CustomerListsTest.ids("c-", 10), "").status());
            campaign = gw.campaign(advertiser, CustomerListsTest.withAudiences("Not the complainers", 5,
                    "{\"exclude\": [\"" + list + "\"]}"));
            JsonNode fresh = gw.get("/v1/audiences/" + list, advertiser).json();
            assertFalse(fresh.get("stale").asBoolean(), fresh.toString());
            assertTrue(fresh.get("reuploadBy").isNull(), fresh.toString());
            assertFalse(CustomerListErasureTest.served(gw, "c-1", campaign));

            rotated = Instant.now();
            keys(Clock.fixed(rotated, ZoneOffset.UTC)).rotate();
            assertTrue(gw.gateway().keyRefresh().refresh());
            JsonNode during = gw.get("/v1/audiences/" + list, advertiser).json();
            assertFalse(during.get("stale").asBoolean(), during.toString());
            assertEquals(rotated.plus(OVERLAP).toString(), during.get("reuploadBy").textValue(),
                    "upload again before the old key expires: " + during);
            assertFalse(CustomerListErasureTest.served(gw, "c-1", campaign), "the old key still matches");
            assertTrue(CustomerListErasureTest.served(gw, "someone", campaign));
            TestGateway.Resp removed = gw.send(gw.builder("/v1/audiences/" + list + "/members", advertiser)
                    .header("Content-Type", "text/csv").method("DELETE", HttpRequest.BodyPublishers.ofString("c-2")).build());
            assertEquals(200, removed.status(), removed.body());
            assertTrue(CustomerListErasureTest.served(gw, "c-2", campaign), "removed though uploaded under the old key");
            assertEquals(200, csv(gw, advertiser, list, "c-11", "").status());
        }
        try (TestGateway gw = TestGateway.start(dir)) {
            assertFalse(CustomerListErasureTest.served(gw, "c-1", campaign), "after a restart too");
            assertFalse(CustomerListErasureTest.served(gw, "c-11", campaign));
            assertEquals(10, size(gw, advertiser, list), "c-1, c-3..c-10 and c-11");

            // The overlap is over: the operator destroys the old key.
            assertEquals(1, keys(Clock.fixed(rotated.plus(OVERLAP).plusSeconds(1), ZoneOffset.UTC)).destroyExpired());
            assertTrue(gw.gateway().keyRefresh().refresh());
            JsonNode stale = gw.get("/v1/audiences/" + list, advertiser).json();
            assertTrue(stale.get("stale").asBoolean(), stale.toString());
            assertTrue(stale.get("reuploadBy").isNull(), stale.toString());
            assertEquals(0, size(gw, advertiser, list), "only c-11, under the new key, is left");
            assertTrue(CustomerListErasureTest.served(gw, "c-1", campaign), "its old members are gone");
            assertFalse(CustomerListErasureTest.served(gw, "c-11", campaign), "the new key's member stays");
        }
        try (TestGateway gw = TestGateway.start(dir)) {
            assertTrue(gw.get("/v1/audiences/" + list, advertiser).json().get("stale").asBoolean(), "stale across a restart");
            assertTrue(gw.get("/v1/audiences", advertiser).json().get("audiences").get(0).get("stale").asBoolean());
            assertTrue(CustomerListErasureTest.served(gw, "c-1", campaign));
            assertEquals(200, csv(gw, advertiser, list, CustomerListsTest.ids("c-", 10), "?mode=replace").status());
            JsonNode again = gw.get("/v1/audiences/" + list, advertiser).json();
            assertFalse(again.get("stale").asBoolean(), "uploaded again whole: " + again);
            assertEquals(10, again.get("size").asInt());
            assertFalse(CustomerListErasureTest.served(gw, "c-1", campaign));
            assertTrue(CustomerListErasureTest.served(gw, "c-11", campaign), "replaced");
        }
        try (TestGateway gw = TestGateway.start(dir)) {
            assertFalse(gw.get("/v1/audiences/" + list, advertiser).json().get("stale").asBoolean(), "fresh after a restart");
        }
    }

    private Pseudonymiser keys(Clock clock) {
        return Pseudonymiser.open(dir.resolve("keys"), OVERLAP, clock, Map.of());
    }

    private static TestGateway.Resp csv(TestGateway gw, String key, String list, String body, String query) {
        return gw.send(gw.builder("/v1/audiences/" + list + "/members" + query, key)
                .header("Content-Type", "text/csv").PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static int size(TestGateway gw, String key, String list) {
        return gw.get("/v1/audiences/" + list, key).json().get("size").asInt();
    }
}
