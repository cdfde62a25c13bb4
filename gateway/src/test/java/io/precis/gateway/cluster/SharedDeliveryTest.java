package io.precis.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.devservices.LocalRedis;
import io.precis.gateway.Ads;
import io.precis.gateway.Campaigns;
import io.precis.gateway.GatewayConfig;
import io.precis.gateway.TestGateway;
import java.math.BigDecimal;
import java.nio.file.Path;
import io.precis.reports.invalid.InvalidClickPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three gateways on one PostgreSQL and one Redis, requests spread over them at once as a load
 * balancer spreads them: a frequency cap and a daily budget hold across the instances as they
 * hold on one (each instance with a ledger of its own would allow the cap and spend the budget
 * three times).
 */
class SharedDeliveryTest {
    private static final String PAGE = "the best running shoes for a marathon";
    private static LocalRedis redis;

    @TempDir
    Path dir;

    @BeforeAll
    static void startRedis() {
        redis = LocalRedis.start("shared-delivery");
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    private static String request(String user) {
        return """
                {"slot": {"id": "top", "format": "banner-300x250", "site": "news.example"},
                 "page": {"url": "https://news.example/article/1", "text": "%s"},
                 "user": {"id": "%s"}}
                """.formatted(PAGE, user);
    }

    /** Sends {@code requests} ad requests at once, the i-th to gateway i mod 3; the ads served. */
    private static List<JsonNode> serveConcurrently(GatewayPair gws, List<String> requests) throws Exception {
        List<TestGateway> all = gws.all();
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<TestGateway.Resp>> answers = new ArrayList<>();
            for (int i = 0; i < requests.size(); i++) {
                TestGateway gw = all.get(i % all.size());
                String body = requests.get(i);
                answers.add(pool.submit(() -> gw.ad(body)));
            }
            List<JsonNode> ads = new ArrayList<>();
            for (Future<TestGateway.Resp> f : answers) {
                TestGateway.Resp r = f.get();
                assertTrue(r.status() == 200 || r.status() == 204, r.status() + " " + r.body());
                if (r.status() == 200) {
                    ads.add(r.json().get("ads").get(0));
                }
            }
            return ads;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void servesEverywhere(GatewayPair gws, String body) {
        for (TestGateway gw : gws.all()) {
            GatewayPair.within(10, "the campaign serves from every gateway", () -> gw.ad(body).status() == 200);
        }
    }

    /** One campaign capped at 3 a user a day, serving from every gateway. */
    private static void cappedCampaignServingEverywhere(GatewayPair gws) {
        String key = gws.a.advertiser("Shoes Co");
        gws.a.campaign(key, """
                {"name": "Capped", "bid": {"model": "CPM", "amount": 5},
                 "frequencyCap": {"impressions": 3, "perHours": 24},
                 "targeting": {"keywords": ["running shoes"], "formats": ["banner-300x250"]},
                 "creatives": [{"id": "c1", "format": "banner-300x250", "title": "Shoes",
                                "landingUrl": "https://shop.example/shoes"}]}""");
        servesEverywhere(gws, request("warm-up-reader"));
    }

    @Test
    void aFrequencyCapOfThreeHoldsAcrossThreeGatewaysUnderConcurrentRequests() throws Exception {
        try (GatewayPair gws = GatewayPair.startThree(dir, redis.uri())) {
            cappedCampaignServingEverywhere(gws);

            List<String> same = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                same.add(request("reader-1"));
            }
            List<JsonNode> served = serveConcurrently(gws, same);
            assertEquals(3, served.size(), "a cap of 3 across three gateways: never a 4th");

            Ads ads = new Ads(gws.b);
            for (JsonNode ad : served) {
                assertEquals(204, ads.impression(ad));
            }
            assertEquals(0, serveConcurrently(gws, same.subList(0, 9)).size(), "three seen: capped everywhere");
        }
    }

    @Test
    void nClicksOfOneNetworkSpreadOverThreeGatewaysCountAsN() throws Exception {
        // At most 6 clicks an hour from one network on one campaign; 9 clicks, 3 through each.
        InvalidClickPolicy six = new InvalidClickPolicy(Duration.ZERO, 10, 6);
        try (GatewayPair gws = GatewayPair.startThree(dir, redis.uri(), c -> c.withClickPolicy(six))) {
            String key = gws.a.advertiser("Shoes Co");
            String id = gws.a.campaign(key, Campaigns.keywords("Shoes", "[\"running shoes\"]", "CPC", 0.5));
            String anonymous = Campaigns.adRequest("news.example", PAGE);
            servesEverywhere(gws, anonymous);
            for (int i = 0; i < 9; i++) {
                TestGateway gw = gws.all().get(i % 3);
                JsonNode ad = gw.ad(anonymous).json().get("ads").get(0);
                Ads ads = new Ads(gw);
                assertEquals(204, ads.impression(ad));
                ads.click(ad);
            }
            JsonNode rows = gws.b.get("/v1/reports/invalid-clicks?" + TestGateway.aroundToday(), key).json().get("rows");
            long tooMany = 0;
            for (JsonNode r : rows) {
                if (r.get("campaign").textValue().equals(id) && r.get("reason").textValue().equals("too_many_ip")) {
                    tooMany = r.get("clicks").asLong();
                }
            }
            assertEquals(3, tooMany, "the 7th to 9th clicks of one network in the hour: " + rows);
        }
    }

    @Test
    void aNetworksRateLimitIsCountedOnceAcrossThreeGateways() {
        // 1 request a second and 6 at once per network; 15 requests, 5 through each gateway.
        GatewayConfig.RateLimit low = new GatewayConfig.RateLimit(1, 6);
        try (GatewayPair gws = GatewayPair.startThree(dir, redis.uri(),
                c -> c.withTrustProxy(true).withRateLimit(low))) {
            long start = System.nanoTime();
            int passed = 0;
            int limited = 0;
            for (int i = 0; i < 15; i++) {
                TestGateway gw = gws.all().get(i % 3);
                int status = gw.send(gw.builder("/v1/ad", null).header("Content-Type", "application/json")
                        .header("X-Forwarded-For", "203.0.113.7")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Campaigns.adRequest("news.example", PAGE)))
                        .build()).status();
                assertTrue(status == 204 || status == 429, "status " + status);
                passed += status == 204 ? 1 : 0;
                limited += status == 429 ? 1 : 0;
            }
            long seconds = (System.nanoTime() - start) / 1_000_000_000L + 1;
            // The burst, plus what one token a second refilled meanwhile: not 15 (5 per gateway).
            assertTrue(passed <= 6 + seconds, passed + " passed in " + seconds + " s, " + limited + " limited");
        }
    }

    @Test
    void clicksOnThreeGatewaysAtOnceNeverChargePastATotalBudget() throws Exception {
        try (GatewayPair gws = GatewayPair.startThree(dir, redis.uri())) {
            String key = gws.a.advertiser("Shoes Co");
            // Two equal campaigns: the winner's runner-up is the other, so it pays about its bid
            // (0.5 a click); a total budget of 2 is four clicks.
            List<String> ids = new ArrayList<>();
            for (String name : List.of("Shoes", "Boots")) {
                ids.add(gws.a.campaign(key, Campaigns.keywords(name, "[\"running shoes\"]", "CPC", 0.5,
                        "{\"total\": 2}")));
            }
            String anonymous = Campaigns.adRequest("news.example", PAGE);
            servesEverywhere(gws, anonymous);
            List<String> requests = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                requests.add(anonymous);
            }
            List<JsonNode> served = serveConcurrently(gws, requests);
            for (int i = 0; i < served.size(); i++) { // clicks need their impression first
                assertEquals(204, new Ads(gws.all().get(i % 3)).impression(served.get(i)));
            }
            ExecutorService pool = Executors.newFixedThreadPool(12);
            try {
                List<Future<String>> clicks = new ArrayList<>();
                for (int i = 0; i < served.size(); i++) {
                    Ads through = new Ads(gws.all().get((i + 1) % 3));
                    JsonNode ad = served.get(i);
                    clicks.add(pool.submit(() -> through.click(ad)));
                }
                for (Future<String> f : clicks) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            BigDecimal all = BigDecimal.ZERO;
            for (String id : ids) {
                JsonNode rows = gws.c.get("/v1/reports?" + TestGateway.aroundToday() + "&groupBy=campaign&campaign=" + id,
                        key).json().get("rows");
                BigDecimal spend = rows.isEmpty() ? BigDecimal.ZERO : rows.get(0).get("spend").decimalValue();
                System.out.printf("campaign spend %s of a total budget of 2 (%d ads served)%n", spend, served.size());
                assertTrue(spend.compareTo(new BigDecimal("2")) <= 0, "spend " + spend + " passes the budget of 2");
                all = all.add(spend);
            }
            assertTrue(all.compareTo(new BigDecimal("1.5")) >= 0, "the clicks reached a budget: " + all);
        }
    }

    @Test
    void aDailyBudgetIsNotOverspentByMoreThanOneBidAcrossThreeGateways() throws Exception {
        try (GatewayPair gws = GatewayPair.startThree(dir, redis.uri())) {
            String key = gws.a.advertiser("Shoes Co");
            // CPM 5: one impression bids 0.005, and alone in its auction is priced far below it;
            // each gateway serves while the budget less spend and holds still covers one bid.
            String id = gws.a.campaign(key, Campaigns.keywords("Shoes", "[\"running shoes\"]", "CPM", 5,
                    "{\"daily\": 0.02}"));
            List<String> users = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                users.add(request("budget-reader-" + i));
            }
            servesEverywhere(gws, users.getFirst());
            List<JsonNode> served = serveConcurrently(gws, users);
            // Every pixel fires, each through another gateway than the one that served it.
            ExecutorService pool = Executors.newFixedThreadPool(12);
            try {
                List<Future<Integer>> pixels = new ArrayList<>();
                for (int i = 0; i < served.size(); i++) {
                    Ads through = new Ads(gws.all().get((i + 1) % 3));
                    JsonNode ad = served.get(i);
                    pixels.add(pool.submit(() -> through.impression(ad)));
                }
                for (Future<Integer> p : pixels) {
                    assertEquals(204, p.get());
                }
            } finally {
                pool.shutdownNow();
            }
            JsonNode rows = gws.c.get("/v1/reports?" + TestGateway.aroundToday() + "&groupBy=campaign&campaign=" + id,
                    key).json().get("rows");
            BigDecimal spend = rows.isEmpty() ? BigDecimal.ZERO : rows.get(0).get("spend").decimalValue();
            System.out.printf("served %d ads, spend %s of a daily 0.02%n", served.size(), spend);
            assertTrue(spend.compareTo(new BigDecimal("0.025")) <= 0,
                    "spend " + spend + " passes the daily budget 0.02 by more than one bid (0.005)");
            assertTrue(spend.compareTo(new BigDecimal("0.01")) >= 0, "the load reached the budget: " + spend);
        }
    }

    /** One Redis command (RESP over a socket: no client library needed); its one-line reply. */
    private static String redisCommand(String... words) throws java.io.IOException {
        StringBuilder cmd = new StringBuilder("*").append(words.length).append("\r\n");
        for (String w : words) {
            cmd.append('$').append(w.length()).append("\r\n").append(w).append("\r\n");
        }
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", redis.port());
             var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                     java.nio.charset.StandardCharsets.US_ASCII))) {
            s.getOutputStream().write(cmd.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            return in.readLine();
        }
    }

    private static String uncheckedRedis(String... words) {
        try {
            return redisCommand(words);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aRedisFoundEmptyServesNoFourthAdOfACapOfThreeWhileItIsSeededAgain() throws Exception {
        try (GatewayPair gws = GatewayPair.startThree(dir, redis.uri())) {
            cappedCampaignServingEverywhere(gws);
            List<String> same = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                same.add(request("reader-2"));
            }
            List<JsonNode> served = serveConcurrently(gws, same);
            assertEquals(3, served.size());
            Ads ads = new Ads(gws.b);
            for (JsonNode ad : served) {
                assertEquals(204, ads.impression(ad));
            }
            // Redis loses everything (a restart without persistence); the same reader asks at once,
            // before any instance has seeded it again from the database's cap history.
            assertEquals("+OK", redisCommand("FLUSHALL"));
            assertEquals(0, serveConcurrently(gws, same).size(), "no 4th ad while Redis is not yet seeded");
            GatewayPair.within(20, "an instance seeds Redis again from the database",
                    () -> uncheckedRedis("EXISTS", "precis:seeded-from-db").equals(":1"));
            assertEquals(0, serveConcurrently(gws, same).size(), "no 4th ad once it is seeded either");
            assertEquals(200, gws.c.ad(request("reader-3")).status(), "another reader is served: the ledger works");
        }
    }
}
