package io.precis.gateway.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.consent.pseudonym.Pseudonymiser;
import io.precis.gateway.Campaigns;
import io.precis.gateway.TestGateway;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code audit.log}: every administrative act with who and when, and no personal data. */
class AuditLogTest {
    private static final String USER = "audit-user-6e1b0d5c";
    private static final String IP = "198.51.100.203";

    @TempDir
    Path dir;

    @Test
    void everyAdministrativeActIsRecordedWithItsActorAndTargetButNeverWhoseDataWasErased() throws Exception {
        String admin = "admin";
        try (TestGateway gw = TestGateway.start(dir)) {
            String advertiserKey = gw.advertiser("Audited");
            String advertiser = accountIdOf(gw, "Audited");
            String publisherKey = gw.account("publisher", "News");
            String publisher = accountIdOf(gw, "News");
            gw.account("publisher", "Gone");
            String gone = accountIdOf(gw, "Gone");
            TestGateway.Resp reissued = gw.post("/v1/admin/accounts/" + publisher + "/key", "", TestGateway.ADMIN_TOKEN);
            assertEquals(200, reissued.status(), reissued.body());
            publisherKey = reissued.json().get("apiKey").textValue();
            assertEquals(200, gw.delete("/v1/admin/accounts/" + gone + "/key", TestGateway.ADMIN_TOKEN).status());
            String campaign = gw.campaign(advertiserKey, Campaigns.keywords("Tea", "[\"tea\"]", "CPC", 1));
            assertEquals(200, gw.put("/v1/campaigns/" + campaign, Campaigns.keywords("Tea", "[\"green tea\"]", "CPC", 2),
                    advertiserKey).status());
            assertEquals(200, gw.delete("/v1/campaigns/" + campaign, advertiserKey).status());
            assertEquals(201, gw.post("/v1/segments", "{\"id\": \"interest:tea\", \"keywords\": [\"tea\"]}",
                    TestGateway.ADMIN_TOKEN).status());
            // The person's data exists, then the publisher erases it on their behalf.
            assertEquals(200, gw.put("/v1/consent?user=" + USER, "{\"purposes\": {\"measurement\": true}}", publisherKey)
                    .status());
            assertTrue(gw.get("/v1/me?user=" + USER, publisherKey).json().path("consent").path("purposes")
                    .path("measurement").asBoolean());
            assertEquals(204, gw.send(gw.builder("/v1/me?user=" + USER, publisherKey).header("X-Forwarded-For", IP)
                    .DELETE().build()).status());
            // Not acts: a failed one, and reads.
            assertEquals(401, gw.delete("/v1/campaigns/" + campaign, "wrong-key").status());
            // ./precis keys rotate, picked up by the running gateway.
            Pseudonymiser.open(dir.resolve("keys"), Duration.ofDays(30), Clock.systemUTC(), Map.of()).rotate();
            assertTrue(gw.gateway().keyRefresh().refresh());

            Path file = dir.resolve("logs").resolve("audit.log");
            List<JsonNode> acts = LogLines.await(file, l -> l.size() >= 11);
            assertEquals(11, acts.size(), acts.toString());
            expect(acts.get(0), admin, AuditLog.ACCOUNT_CREATED, advertiser);
            expect(acts.get(1), admin, AuditLog.ACCOUNT_CREATED, publisher);
            expect(acts.get(2), admin, AuditLog.ACCOUNT_CREATED, gone);
            expect(acts.get(3), admin, AuditLog.KEY_REISSUED, publisher);
            expect(acts.get(4), admin, AuditLog.KEY_REVOKED, gone);
            expect(acts.get(5), advertiser, AuditLog.CAMPAIGN_CREATED, campaign);
            expect(acts.get(6), advertiser, AuditLog.CAMPAIGN_CHANGED, campaign);
            expect(acts.get(7), advertiser, AuditLog.CAMPAIGN_ARCHIVED, campaign);
            expect(acts.get(8), admin, AuditLog.SEGMENT_RULE_CHANGED, "interest:tea");
            expect(acts.get(9), publisher, AuditLog.ERASURE, null);
            expect(acts.get(10), admin, AuditLog.KEYS_ROTATED, "epoch 2");
            for (JsonNode act : acts) {
                assertTrue(java.time.Instant.parse(act.get("ts").asText()) != null);
            }
            String text = Files.readString(file);
            for (String personal : List.of(USER, IP, "user=")) {
                assertFalse(text.contains(personal), "audit.log holds " + personal);
            }
        }
    }

    private static void expect(JsonNode act, String actor, String action, String target) {
        assertEquals(action, act.get("action").asText(), act.toString());
        assertEquals(actor, act.get("actor").asText(), act.toString());
        if (target == null) {
            assertNull(act.get("target"), act.toString());
        } else {
            assertEquals(target, act.get("target").asText(), act.toString());
        }
    }

    private static String accountIdOf(TestGateway gw, String name) {
        for (JsonNode a : gw.get("/v1/admin/accounts", TestGateway.ADMIN_TOKEN).json().get("accounts")) {
            if (a.get("name").asText().equals(name)) {
                return a.get("id").asText();
            }
        }
        throw new AssertionError("no account " + name);
    }
}
