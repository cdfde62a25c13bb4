package io.precis.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.precis.gateway.TestGateway;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consent on two gateways with one PostgreSQL and one keys dir: a choice made through A is
 * honoured by the very next request to B (no waiting for a notification), a withdrawal through
 * A stops B's personalised ads at once, and a later change through B builds on A's choice
 * rather than on B's older log.
 */
class SharedConsentTest {
    @TempDir
    Path dir;

    /** A Beijing reader; the only campaign is demographic (region CN-11), so it needs personalisation. */
    private static TestGateway.Resp ad(TestGateway gw) {
        return gw.ad("""
                {"slot": {"id": "top", "format": "banner-300x250", "site": "news.example"},
                 "page": {"url": "https://news.example/a", "text": "weather today"},
                 "user": {"id": "reader-7", "region": "CN-11-0105"}}""");
    }

    private static TestGateway.Resp consent(TestGateway gw, String key, String purposes) {
        return gw.put("/v1/consent?user=reader-7", "{\"purposes\": {" + purposes + "}}", key);
    }

    @Test
    void aWithdrawalThroughOneGatewayStopsPersonalisedAdsFromTheOtherOnItsNextRequest() throws Exception {
        try (GatewayPair pair = GatewayPair.start(dir)) {
            TestGateway gwA = pair.a;
            TestGateway gwB = pair.b;
            String publisher = gwA.account("publisher", "News");
            String advertiser = gwA.advertiser("Beijing Shop");
            gwA.campaign(advertiser, """
                    {"name": "Beijing", "bid": {"model": "CPC", "amount": 0.5},
                     "targeting": {"regions": ["CN-11"], "formats": ["banner-300x250"]},
                     "creatives": [{"id": "c1", "format": "banner-300x250", "title": "Beijing",
                                    "landingUrl": "https://shop.example/bj"}]}""");
            GatewayPair.within(10, "the publisher key reaches B",
                    () -> gwB.get("/v1/consent?user=reader-7", publisher).status() == 200);
            assertEquals(200, consent(gwA, publisher, "\"personalisation\": true").status());
            assertEquals(true, gwB.get("/v1/consent?user=reader-7", publisher).json().get("purposes")
                    .get("personalisation").asBoolean(), "B sees A's choice at once");
            GatewayPair.within(10, "the campaign serves from B", () -> ad(gwB).status() == 200);

            assertEquals(200, consent(gwA, publisher, "\"personalisation\": false").status());
            assertEquals(204, ad(gwB).status(), "B's very next request honours the withdrawal made through A");

            // A change through B starts from A's latest choice, not from B's own (empty) log.
            assertEquals(200, consent(gwB, publisher, "\"measurement\": true").status());
            var purposes = gwA.get("/v1/consent?user=reader-7", publisher).json().get("purposes");
            assertEquals(false, purposes.get("personalisation").asBoolean());
            assertEquals(true, purposes.get("measurement").asBoolean(), "A sees B's change at once");
        }
    }

    @Test
    void theConsentHistoryHoldsChangesThroughEveryGatewayInOneUnforkedChain() throws Exception {
        try (GatewayPair pair = GatewayPair.start(dir)) {
            String publisher = pair.a.account("publisher", "News");
            GatewayPair.within(10, "the publisher key reaches B",
                    () -> pair.b.get("/v1/consent?user=reader-7", publisher).status() == 200);
            // Two gateways change consent at once: reader-7 alternately through A and B, others beside.
            int rounds = 8;
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
                for (TestGateway gw : java.util.List.of(pair.a, pair.b)) {
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < rounds; i++) {
                            assertEquals(200, consent(gw, publisher, "\"measurement\": " + (i % 2 == 0)).status());
                        }
                    }));
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < rounds; i++) {
                            assertEquals(200, gw.put("/v1/consent?user=other-" + i, "{\"purposes\": {\"profiling\": true}}",
                                    publisher).status());
                        }
                    }));
                }
                for (var f : done) {
                    f.get(60, java.util.concurrent.TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            var fromA = pair.a.get("/v1/consent/history?user=reader-7", publisher).json().get("history");
            var fromB = pair.b.get("/v1/consent/history?user=reader-7", publisher).json().get("history");
            assertEquals(2 * rounds, fromA.size(), "every change of reader-7, through either gateway: " + fromA);
            assertEquals(fromA, fromB, "both gateways tell the same history");
            // One chain in the database: every change, in sequence, each linked to the one before.
            String url = pair.a.gateway().config().store().jdbcUrl();
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
                 java.sql.ResultSet rs = c.createStatement().executeQuery(
                         "SELECT seq, receipt, prev_hash, hash FROM consent_receipts ORDER BY seq")) {
                String prev = "0".repeat(64);
                long n = 0;
                while (rs.next()) {
                    n++;
                    assertEquals(n, rs.getLong(1), "no gap, no fork");
                    assertEquals(prev, rs.getString(3), "row " + n + " links to the row before");
                    String hash = java.util.HexFormat.of().formatHex(io.precis.consent.crypto.Digests.sha256(
                            prev + "\n" + rs.getString(2)));
                    assertEquals(hash, rs.getString(4), "row " + n + "'s hash");
                    prev = hash;
                }
                assertEquals(4L * rounds, n, "every change of every person through both gateways");
            }
        }
    }
}
