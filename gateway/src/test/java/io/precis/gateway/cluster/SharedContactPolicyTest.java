package io.precis.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.devservices.LocalRedis;
import io.precis.gateway.Ads;
import io.precis.gateway.GatewayConfig;
import io.precis.gateway.TestGateway;
import io.precis.gateway.contact.ContactSettings;
import io.precis.reports.invalid.InvalidClickPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three gateways on one PostgreSQL and one Redis: a person's daily contact limit holds across
 * them under concurrent requests, and a purchase through a click on one gateway stops the
 * conversion group on the others at once, on the web and through {@code /v1/decide}.
 */
class SharedContactPolicyTest {
    private static final String PAGE = "the best running shoes for a marathon";
    private static LocalRedis redis;

    @TempDir
    Path dir;

    @BeforeAll
    static void startRedis() {
        redis = LocalRedis.start("shared-contact");
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    private static String request(String user) {
        return """
                {"slot": {"id": "top", "format": "banner-300x250", "site": "news.example"},
                 "page": {"url": "https://news.example/article/1", "text": "%s"},
                 "user": {"id": "%s"}}""".formatted(PAGE, user);
    }

    private static String campaign(String name, double bid, String rules) {
        return """
                {"name": "%s", "bid": {"model": "CPM", "amount": %s}, %s "channels": ["web", "email"],
                 "targeting": {"keywords": ["running shoes"], "formats": ["banner-300x250"]},
                 "creatives": [{"id": "c1", "format": "banner-300x250", "title": "%s",
                                "landingUrl": "https://shop.example/%s"}]}""".formatted(name, bid, rules, name, name);
    }

    private static String served(TestGateway gw, String user) {
        TestGateway.Resp r = gw.ad(request(user));
        return r.status() == 204 ? null : r.json().get("ads").get(0).get("campaignId").textValue();
    }

    @Test
    void theDailyLimitAndAPurchaseStopHoldAcrossThreeGateways() throws Exception {
        InvalidClickPolicy d = InvalidClickPolicy.DEFAULTS;
        UnaryOperator<GatewayConfig> tweak = c -> c.withContact(ContactSettings.DEFAULTS.withPerDay(3))
                .withClickPolicy(new InvalidClickPolicy(Duration.ZERO, d.maxClicksPerUserPerHour(),
                        d.maxClicksPerIpPrefixPerHour()));
        try (GatewayPair gws = GatewayPair.startThree(dir, redis.uri(), tweak)) {
            String key = gws.a.advertiser("Shoes Co");
            String publisher = gws.a.account("publisher", "News");
            String marathon = gws.a.campaign(key, campaign("Marathon", 9,
                    "\"stopAfterConversion\": true, \"conversionGroup\": \"shoes\","));
            String socks = gws.a.campaign(key, campaign("Socks", 5, ""));
            int warm = 0;
            for (TestGateway gw : gws.all()) {
                String reader = "warm-up-" + warm++;
                GatewayPair.within(10, "both campaigns serve from every gateway",
                        () -> marathon.equals(served(gw, reader)));
                GatewayPair.within(10, "the publisher key reaches every gateway",
                        () -> gw.get("/v1/consent?user=someone", publisher).status() == 200);
            }

            List<Future<TestGateway.Resp>> answers = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(12)) {
                for (int i = 0; i < 30; i++) {
                    TestGateway gw = gws.all().get(i % 3);
                    answers.add(pool.submit(() -> gw.ad(request("reader-1"))));
                }
            }
            int filled = 0;
            for (Future<TestGateway.Resp> f : answers) {
                int status = f.get().status();
                assertEquals(true, status == 200 || status == 204, "status " + status);
                filled += status == 200 ? 1 : 0;
            }
            assertEquals(3, filled, "three a day across three gateways: never a 4th");

            assertEquals(200, gws.b.put("/v1/consent?user=buyer", "{\"purposes\": {\"measurement\": true}}",
                    publisher).status());
            TestGateway.Resp first = gws.a.ad(request("buyer"));
            JsonNode ad = first.json().get("ads").get(0);
            assertEquals(marathon, ad.get("campaignId").textValue());
            assertEquals(204, new Ads(gws.a).impression(ad));
            String clickId = new Ads(gws.b).click(ad);
            assertEquals(202, gws.c.post("/v1/t/conversion",
                    "{\"click\": \"" + clickId + "\", \"event\": \"purchase\", \"value\": 399}", null).status());
            assertEquals(socks, served(gws.a, "buyer"), "the gateway that served the ad stops the group");
            TestGateway.Resp offer = gws.b.post("/v1/decide",
                    "{\"channel\": \"email\", \"user\": {\"id\": \"buyer\"}, \"page\": {\"text\": \"" + PAGE + "\"}}",
                    publisher);
            assertEquals(200, offer.status(), offer.body());
            assertEquals(socks, offer.json().get("offer").get("campaignId").textValue(), "and so does another, by email");
            assertNull(served(gws.c, "buyer"), "the buyer's third contact of the day was the email");

            // Redis restarts empty: the counts and the stop come back from the database.
            buy(gws, publisher, "second-buyer");
            redis.stop();
            redis.start();
            try (io.precis.gateway.redis.SharedRedis shared = io.precis.gateway.redis.SharedRedis.connect(redis.uri())) {
                GatewayPair.within(20, "a gateway seeds the emptied Redis again", () -> {
                    try {
                        return shared.call(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.EXISTS)
                                .arg("precis:contact-seeded")).toInteger() == 1;
                    } catch (RuntimeException e) {
                        return false; // still loading
                    }
                });
            }
            assertNull(served(gws.b, "reader-1"), "the day's three contacts are counted again");
            assertEquals(socks, served(gws.c, "second-buyer"), "and the purchase still stops the group");
        }
    }

    /** {@code user} (with measurement) is served the marathon ad on A, clicks it on B and buys on C. */
    private static void buy(GatewayPair gws, String publisher, String user) {
        assertEquals(200, gws.b.put("/v1/consent?user=" + user, "{\"purposes\": {\"measurement\": true}}",
                publisher).status());
        JsonNode ad = gws.a.ad(request(user)).json().get("ads").get(0);
        assertEquals(204, new Ads(gws.a).impression(ad));
        String clickId = new Ads(gws.b).click(ad);
        assertEquals(202, gws.c.post("/v1/t/conversion",
                "{\"click\": \"" + clickId + "\", \"event\": \"purchase\", \"value\": 399}", null).status());
    }
}
