package io.precis.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.devservices.LocalRedis;
import io.precis.gateway.Campaigns;
import io.precis.gateway.PrivacyLeakTest;
import io.precis.gateway.TestGateway;
import io.precis.gateway.redis.SharedRedis;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code targeting.trigger} with several gateways on one PostgreSQL and one Redis: a cart
 * accepted by gateway A fires the trigger campaign on the very next ad request to gateway B,
 * although B had just computed (and cached) the person's segments without it; without
 * personalisation it does not; erasure forgets what fired; Redis holds no raw id; and a
 * Redis that is away does not make the behaviour refused.
 */
class SharedTriggersTest {
    private static final String ALL = "{\"purposes\": {\"personalisation\": true, \"profiling\": true, \"measurement\": true}}";
    private static final String SHOPPER = "shopper-7f3a@mail.example";
    private static final String PRIVATE = "private-c41d@mail.example";
    private static LocalRedis redis;

    @TempDir
    Path dir;

    @BeforeAll
    static void startRedis() {
        redis = LocalRedis.start("shared-triggers");
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    private static int adFor(TestGateway gw, String user) {
        return gw.ad(Campaigns.adRequest("news.example", "today's news", user)).status();
    }

    private static int cart(TestGateway gw, String publisher, String user) {
        return gw.post("/v1/behaviour", "{\"user\": \"" + user + "\", \"events\": [{\"type\": \"cart\", \"ts\": \""
                + Instant.now() + "\", \"text\": \"净水器 RO 滤芯\"}]}", publisher).status();
    }

    @Test
    void aCartThroughOneGatewayFiresTheTriggerOnTheNextRequestToAnotherOnlyWithConsent() throws Exception {
        try (GatewayPair gws = GatewayPair.startThree(dir, redis.uri());
             SharedRedis shared = SharedRedis.connect(redis.uri())) {
            TestGateway a = gws.a;
            TestGateway b = gws.b;
            String key = a.advertiser("Purifiers");
            String publisher = a.account("publisher", "Pub");
            GatewayPair.within(10, "the publisher key reaches B",
                    () -> b.get("/v1/consent?user=probe", publisher).status() == 200);
            TestGateway.Resp created = a.post("/v1/campaigns", Campaigns.cartAbandoned("PurifierBack"), key);
            assertEquals(201, created.status(), created.body());
            // B knows the trigger campaign once a cart it accepted itself fires it.
            assertEquals(200, b.put("/v1/consent?user=probe", ALL, publisher).status());
            GatewayPair.within(10, "B serves the trigger campaign after its own cart",
                    () -> cart(b, publisher, "probe") == 202 && adFor(b, "probe") == 200);

            assertEquals(200, a.put("/v1/consent?user=" + SHOPPER, ALL, publisher).status());
            assertEquals(204, adFor(b, SHOPPER), "no cart yet: B computes and caches the shopper's segments");
            assertEquals(202, cart(a, publisher, SHOPPER));
            assertEquals(200, adFor(b, SHOPPER), "B's very next request after the cart accepted by A");
            assertEquals(200, adFor(gws.c, SHOPPER), "and C's");
            assertTrue(b.get("/v1/me?user=" + SHOPPER, publisher).body().contains("trigger:"),
                    "the export shows the fired trigger");

            // Profiling but no personalisation: the cart is kept, the trigger is not used.
            assertEquals(200, a.put("/v1/consent?user=" + PRIVATE, "{\"purposes\": {\"profiling\": true}}",
                    publisher).status());
            assertEquals(204, adFor(b, PRIVATE));
            assertEquals(202, cart(a, publisher, PRIVATE));
            assertEquals(204, adFor(b, PRIVATE), "no personalisation: the trigger is not used");
            assertEquals(200, a.put("/v1/consent?user=" + PRIVATE, ALL, publisher).status());
            assertEquals(200, adFor(b, PRIVATE), "consent given: the cart within its hour fires it");
            assertEquals(200, a.put("/v1/consent?user=" + PRIVATE, "{\"purposes\": {\"profiling\": false}}",
                    publisher).status());
            assertEquals(204, adFor(b, PRIVATE), "no profiling: no trigger");

            List<String> findings = new ArrayList<>();
            PrivacyLeakTest.scan("Redis", dump(shared), List.of(SHOPPER, PRIVATE, "probe"), findings);
            assertEquals(List.of(), findings);
            assertTrue(keys(shared, "precis:trigger:*").size() >= 2, "the fired triggers are in Redis");

            assertEquals(204, b.delete("/v1/me?user=" + SHOPPER, publisher).status());
            assertEquals(204, adFor(a, SHOPPER), "erased: nothing fires on A");
            assertEquals(204, adFor(gws.c, SHOPPER));
            assertEquals(0, b.get("/v1/me?user=" + SHOPPER, publisher).json().path("segments").size());

            // Redis away: the behaviour is still accepted (a 503 would have it sent and stored twice).
            assertEquals(200, a.put("/v1/consent?user=probe-2", ALL, publisher).status());
            redis.stop();
            try {
                assertEquals(202, cart(a, publisher, "probe-2"), "accepted though the trigger is not shared");
                // ...and the ad requests are answered, not refused (the shared read fails on
                // every request that would make it): A from what it knows itself, and B, which
                // has never seen probe-2, from the cart in the shared database.
                try (io.precis.gateway.LogCapture log = new io.precis.gateway.LogCapture()) {
                    assertEquals(200, adFor(a, "probe-2"), "A's own trigger still serves");
                    assertEquals(200, adFor(b, "probe-2"), "B reads the stored cart of a person new to it");
                    assertEquals(200, adFor(b, "probe"), "and B's own trigger still serves");
                    assertTrue(log.lines().stream().filter(l -> l.contains("shared triggers not read")).count() >= 3,
                            "each of the three tried the shared read and went on without it");
                }
            } finally {
                redis.start();
            }
        }
    }

    private static List<String> keys(SharedRedis redis, String pattern) {
        List<String> out = new ArrayList<>();
        redis.call(Request.cmd(Command.KEYS).arg(pattern)).forEach(k -> out.add(k.toString()));
        return out;
    }

    /** Every key of the Redis with its value, as text (hashes, strings, sorted sets and lists). */
    private static byte[] dump(SharedRedis redis) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String k : keys(redis, "*")) {
            out.write((k + "\n").getBytes(StandardCharsets.UTF_8));
            String type = redis.call(Request.cmd(Command.TYPE).arg(k)).toString();
            Response value = switch (type) {
                case "hash" -> redis.call(Request.cmd(Command.HGETALL).arg(k));
                case "string" -> redis.call(Request.cmd(Command.GET).arg(k));
                case "zset" -> redis.call(Request.cmd(Command.ZRANGE).arg(k).arg(0).arg(-1).arg("WITHSCORES"));
                case "list" -> redis.call(Request.cmd(Command.LRANGE).arg(k).arg(0).arg(-1));
                case "set" -> redis.call(Request.cmd(Command.SMEMBERS).arg(k));
                default -> redis.call(Request.cmd(Command.DUMP).arg(k));
            };
            out.write((String.valueOf(value) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }
}
