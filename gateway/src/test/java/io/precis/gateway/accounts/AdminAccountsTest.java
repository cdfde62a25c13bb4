package io.precis.gateway.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.gateway.TestGateway;
import io.precis.gateway.TestGateway.Resp;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin lists accounts, reissues and revokes their API keys, over real HTTP and storage. */
class AdminAccountsTest {
    private static final String ADMIN = TestGateway.ADMIN_TOKEN;

    @TempDir
    Path dir;

    @Test
    void adminListsEveryAccountWithoutAnyKeyOrHash() {
        try (TestGateway gw = TestGateway.start(dir)) {
            String adKey = gw.advertiser("Coffee Co");
            String pubKey = gw.account("publisher", "News 新闻");
            Resp r = gw.get("/v1/admin/accounts", ADMIN);
            assertEquals(200, r.status(), r.body());
            JsonNode ad = byId(r.json(), idOf(adKey));
            assertEquals("advertiser", ad.get("type").textValue());
            assertEquals("Coffee Co", ad.get("name").textValue());
            Instant created = Instant.parse(ad.get("createdAt").textValue());
            assertEquals(created, Instant.parse(ad.get("keyIssuedAt").textValue()));
            assertTrue(ad.get("keyActive").booleanValue());
            JsonNode pub = byId(r.json(), idOf(pubKey));
            assertEquals("publisher", pub.get("type").textValue());
            assertEquals("News 新闻", pub.get("name").textValue());
            for (String key : new String[] {adKey, pubKey}) {
                assertFalse(r.body().contains(secretOf(key)), "a key's secret is never listed");
            }
            assertFalse(r.body().toLowerCase(java.util.Locale.ROOT).contains("hash"), r.body());
            assertFalse(r.body().contains("apiKey"), r.body());
        }
    }

    @Test
    void reissuedKeyWorksAndTheOldOneIsRefusedAtOnce() {
        try (TestGateway gw = TestGateway.start(dir)) {
            String old = gw.advertiser("Lost Key Co");
            String campaign = gw.campaign(old, io.precis.gateway.Campaigns.keywords("c", "[\"tea\"]", "CPM", 5));
            Resp r = gw.post("/v1/admin/accounts/" + idOf(old) + "/key", "", ADMIN);
            assertEquals(200, r.status(), r.body());
            String fresh = r.json().get("apiKey").textValue();
            assertNotEquals(old, fresh);
            assertEquals(idOf(old), r.json().get("id").textValue());
            assertEquals(idOf(old), idOf(fresh), "the account keeps its id");
            assertEquals(401, gw.get("/v1/campaigns", old).status());
            Resp mine = gw.get("/v1/campaigns/" + campaign, fresh);
            assertEquals(200, mine.status(), "the new key sees the account's campaigns: " + mine.body());
        }
    }

    @Test
    void revokedKeyIsRefusedUntilANewOneIsIssued() {
        try (TestGateway gw = TestGateway.start(dir)) {
            String key = gw.account("publisher", "Leaky Publisher");
            String id = idOf(key);
            Resp r = gw.delete("/v1/admin/accounts/" + id + "/key", ADMIN);
            assertEquals(200, r.status(), r.body());
            assertFalse(r.json().get("keyActive").booleanValue());
            assertFalse(r.body().contains("apiKey"));
            assertEquals(401, gw.post("/v1/behaviour", "{}", key).status());
            JsonNode listed = byId(gw.get("/v1/admin/accounts", ADMIN).json(), id);
            assertFalse(listed.get("keyActive").booleanValue());
            assertNotNull(Instant.parse(listed.get("keyRevokedAt").textValue()));
            // Revoking twice is harmless.
            assertEquals(200, gw.delete("/v1/admin/accounts/" + id + "/key", ADMIN).status());

            String fresh = gw.post("/v1/admin/accounts/" + id + "/key", "", ADMIN).json().get("apiKey").textValue();
            assertNotEquals(401, gw.post("/v1/behaviour", "{}", fresh).status());
            assertEquals(401, gw.post("/v1/behaviour", "{}", key).status());
            assertTrue(byId(gw.get("/v1/admin/accounts", ADMIN).json(), id).get("keyActive").booleanValue());
        }
    }

    @Test
    void unknownAccountIsNotFoundWithTheErrorBody() {
        try (TestGateway gw = TestGateway.start(dir)) {
            gw.advertiser("Someone");
            for (String id : new String[] {"no-such-account", "%E4%BD%A0%00", "a%2Fb", "x".repeat(300)}) {
                for (Resp r : new Resp[] {gw.post("/v1/admin/accounts/" + id + "/key", "", ADMIN),
                        gw.delete("/v1/admin/accounts/" + id + "/key", ADMIN)}) {
                    assertEquals(404, r.status(), r.body());
                    assertEquals("not_found", r.json().get("error").textValue());
                }
            }
            for (Resp r : new Resp[] {gw.post("/v1/admin/accounts/no-such-account/key", "", ADMIN),
                    gw.delete("/v1/admin/accounts/no-such-account/key", ADMIN)}) {
                assertEquals(404, r.status(), r.body());
                assertEquals("not_found", r.json().get("error").textValue());
                assertTrue(r.json().get("message").isTextual());
                assertFalse(r.body().contains("no-such-account"), "the message does not echo the id");
            }
        }
    }

    @Test
    void onlyTheAdminTokenListsOrChangesKeys() {
        try (TestGateway gw = TestGateway.start(dir)) {
            String key = gw.advertiser("Curious Co");
            String path = "/v1/admin/accounts/" + idOf(key) + "/key";
            for (String notAdmin : new String[] {null, key, "wrong-token", ADMIN + "x"}) {
                for (Resp r : new Resp[] {gw.get("/v1/admin/accounts", notAdmin), gw.post(path, "", notAdmin),
                        gw.delete(path, notAdmin)}) {
                    assertEquals(401, r.status(), r.body());
                    assertEquals("unauthorized", r.json().get("error").textValue());
                }
            }
            assertEquals(200, gw.get("/v1/campaigns", key).status(), "failed attempts changed nothing");
        }
    }

    @Test
    void reissuedAndRevokedKeysStaySoAfterARestart() {
        String reissuedOld;
        String reissuedNew;
        String revoked;
        String untouched;
        JsonNode before;
        try (TestGateway gw = TestGateway.start(dir)) {
            reissuedOld = gw.advertiser("Reissued Co");
            revoked = gw.advertiser("Revoked Co");
            untouched = gw.account("publisher", "Untouched");
            reissuedNew = gw.post("/v1/admin/accounts/" + idOf(reissuedOld) + "/key", "", ADMIN)
                    .json().get("apiKey").textValue();
            assertEquals(200, gw.delete("/v1/admin/accounts/" + idOf(revoked) + "/key", ADMIN).status());
            before = gw.get("/v1/admin/accounts", ADMIN).json();
        }
        try (TestGateway gw = TestGateway.start(dir)) {
            assertEquals(401, gw.get("/v1/campaigns", reissuedOld).status());
            assertEquals(200, gw.get("/v1/campaigns", reissuedNew).status());
            assertEquals(401, gw.get("/v1/campaigns", revoked).status());
            assertNotEquals(401, gw.post("/v1/behaviour", "{}", untouched).status());
            assertEquals(before, gw.get("/v1/admin/accounts", ADMIN).json());
        }
    }

    static JsonNode byId(JsonNode list, String id) {
        for (JsonNode a : list.get("accounts")) {
            if (id.equals(a.get("id").textValue())) {
                return a;
            }
        }
        throw new AssertionError("account not listed: " + list);
    }

    /** {@code prc.<id>.<secret>}, as ApiKeys issues them. */
    static String idOf(String key) {
        return key.split("\\.")[1];
    }

    static String secretOf(String key) {
        return key.substring(key.indexOf('.', 4) + 1);
    }
}
