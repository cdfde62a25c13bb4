package io.precis.gateway.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.devservices.LocalPostgres;
import io.precis.gateway.Ads;
import io.precis.gateway.Campaigns;
import io.precis.gateway.GatewayConfig;
import io.precis.gateway.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway on PostgreSQL ({@code --store postgres}): accounts, campaigns, segment rules,
 * erasures and events live in the server, not in the data dir, and are all there after a
 * restart; the schema is Flyway's, versioned per module.
 */
class PostgresStoreTest {
    @TempDir
    Path dir;

    @Test
    void everythingTheGatewayStoresInSqlIsInPostgresAndSurvivesARestart() throws Exception {
        String url = LocalPostgres.shared().createDatabase();
        GatewayConfig.Store pg = new GatewayConfig.Store(url);
        String key;
        String id;
        String audience;
        try (TestGateway gw = TestGateway.start(dir, c -> c.withStore(pg))) {
            key = gw.advertiser("Shoes Co");
            id = gw.campaign(key, Campaigns.keywords("Shoes", "[\"running shoes\"]", "CPC", 0.5));
            TestGateway.Resp r = gw.ad(Campaigns.adRequest("news.example", "the best running shoes for a marathon"));
            assertEquals(200, r.status(), r.body());
            JsonNode ad = r.json().get("ads").get(0);
            Ads ads = new Ads(gw);
            assertEquals(204, ads.impression(ad));
            ads.click(ad);
            audience = gw.post("/v1/audiences", "{\"name\": \"customers\"}", key).json().get("id").textValue();
            assertEquals(200, gw.put("/v1/audiences/" + audience + "/members",
                    "{\"ids\": [\"c1\", \"c2\", \"c3\", \"c4\", \"c5\", \"c6\", \"c7\", \"c8\", \"c9\", \"c10\", \"c10\"]}",
                    key).status());
        }
        assertFalse(Files.exists(dir.resolve("db")), "no embedded database beside PostgreSQL");
        try (Connection c = DriverManager.getConnection(url);
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT (SELECT count(*) FROM accounts), (SELECT count(*) FROM campaigns),"
                             + " (SELECT count(*) FROM precis_events), (SELECT count(*) FROM audience_members WHERE epoch = 1),"
                             + " (SELECT version FROM precis_schema_gateway ORDER BY installed_rank DESC LIMIT 1), (SELECT version FROM precis_schema_reports ORDER BY installed_rank DESC LIMIT 1)")) {
            assertTrue(rs.next());
            assertEquals(1, rs.getLong(1));
            assertEquals(1, rs.getLong(2));
            assertEquals(2, rs.getLong(3), "the impression and the click");
            assertEquals(10, rs.getLong(4), "ten distinct customer-list members, as fingerprints of key epoch 1");
            assertEquals("12", rs.getString(5), "V12, the customer lists' key epochs (V11 persisted profiles, V10 audience versions, V9 contact policy, V8 lookalikes, V7 places, V6 customer lists)");
            assertEquals("11", rs.getString(6), "V11, LZ4 packs on PostgreSQL (V10 packed roll-ups of closed periods, V9 blocks of days, V8 channel grain, V7 the people of lift tests, V6 pair grains, V3 viewability, V4 and V5 reach)");
        }
        try (TestGateway gw = TestGateway.start(dir, c -> c.withStore(pg))) {
            JsonNode totals = gw.get("/v1/reports?" + TestGateway.aroundToday() + "&groupBy=campaign", key)
                    .json().get("totals");
            assertEquals(1, totals.get("impressions").asLong());
            assertEquals(1, totals.get("clicks").asLong());
            double spend = totals.get("spend").asDouble(); // a second price: at most the bid
            assertTrue(spend > 0 && spend <= 0.5, "spend " + spend);
            assertEquals(200, gw.get("/v1/campaigns/" + id, key).status(), "the campaign is read back from PostgreSQL");
            assertEquals(10, gw.get("/v1/audiences/" + audience, key).json().get("size").asInt(),
                    "the customer list's members are loaded back from PostgreSQL");
            assertEquals(200, gw.ad(Campaigns.adRequest("news.example", "running shoes")).status());
        }
    }

    @Test
    void aPostgresThatIsNotThereIsAClearStartUpErrorAndFreesTheDataDir() {
        int port = LocalPostgres.shared().port();
        GatewayConfig.Store nowhere = new GatewayConfig.Store("jdbc:postgresql://127.0.0.1:1/precis?user=precis");
        io.precis.gateway.StartupException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.precis.gateway.StartupException.class, () -> TestGateway.start(dir, c -> c.withStore(nowhere)));
        assertTrue(e.getMessage().startsWith("cannot use PostgreSQL at 127.0.0.1:1/precis"), e.getMessage());
        assertFalse(e.getMessage().contains("user=precis"));
        // The data dir is free again: a gateway on a reachable server starts on it.
        GatewayConfig.Store pg = new GatewayConfig.Store(LocalPostgres.shared().createDatabase());
        try (TestGateway gw = TestGateway.start(dir, c -> c.withStore(pg))) {
            assertTrue(port > 0 && gw.get("/health", null).status() == 200);
        }
    }

    /**
     * The pool's connections ask for binary results from a statement's first use (a report's
     * packs arrive as bytes, not hexadecimal text), unless the operator's URL says otherwise.
     */
    @Test
    void resultsComeInBinaryFromAStatementsFirstUseUnlessTheUrlSaysOtherwise() throws Exception {
        String url = LocalPostgres.shared().createDatabase();
        try (Database db = Database.connect(url, 2); java.sql.Connection c = db.dataSource().getConnection()) {
            assertEquals(-1, c.unwrap(org.postgresql.PGConnection.class).getPrepareThreshold());
        }
        try (Database db = Database.connect(url + "&prepareThreshold=0", 2);
             java.sql.Connection c = db.dataSource().getConnection()) {
            assertEquals(0, c.unwrap(org.postgresql.PGConnection.class).getPrepareThreshold());
        }
    }
}
