package io.precis.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Public endpoints are rate-limited per client network (IPv4 /24, IPv6 /48): a network over its
 * share gets 429 {@code rate_limited} with {@code Retry-After}, other networks are served, and
 * keyed endpoints are not limited. The clients here come through a trusted proxy, which names
 * them in {@code X-Forwarded-For}.
 */
class RateLimitTest {
    /** 1 request a second, 5 at once: 20 requests in a row run out unless each takes a second. */
    private static final GatewayConfig.RateLimit LOW = new GatewayConfig.RateLimit(1, 5);

    @TempDir
    Path dir;

    private static TestGateway.Resp adFrom(TestGateway gw, String ip) {
        return gw.send(gw.builder("/v1/ad", null).header("Content-Type", "application/json")
                .header("X-Forwarded-For", ip)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Campaigns.adRequest("news.example", "咖啡")))
                .build());
    }

    @Test
    void aNetworkOverItsShareGets429WithRetryAfterWhileOthersAreServed() {
        try (LogCapture logs = new LogCapture();
             TestGateway gw = TestGateway.start(dir, c -> c.withTrustProxy(true).withRateLimit(LOW))) {
            String key = gw.advertiser("Limits");
            gw.campaign(key, Campaigns.keywords("Coffee", "[\"咖啡\"]", "CPM", 5));
            List<TestGateway.Resp> answers = new ArrayList<>();
            // Two hosts of one /24 share its bucket.
            for (int i = 0; i < 20; i++) {
                answers.add(adFrom(gw, i % 2 == 0 ? "203.0.113.7" : "203.0.113.201"));
            }
            TestGateway.Resp limited = answers.stream().filter(r -> r.status() == 429).findFirst()
                    .orElseThrow(() -> new AssertionError("20 requests at 1/s with a burst of 5 were all served"));
            assertTrue(answers.stream().allMatch(r -> r.status() == 200 || r.status() == 429));
            assertTrue(answers.subList(0, 5).stream().allMatch(r -> r.status() == 200), "the burst is served");
            assertEquals("rate_limited", limited.json().get("error").textValue());
            assertTrue(Long.parseLong(limited.header("Retry-After")) >= 1);
            assertEquals("no-store", limited.header("Cache-Control"));
            // Another network, and an IPv6 client, are served meanwhile.
            assertEquals(200, adFrom(gw, "198.51.100.9").status());
            List<Integer> v6 = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                v6.add(adFrom(gw, "2001:db8:1:" + Integer.toHexString(i) + "::1").status());
            }
            assertEquals(List.of(200, 200, 200, 200, 200), v6.subList(0, 5), "the burst of a /48");
            assertTrue(v6.contains(429), "one /48 shares one bucket: " + v6);
            // Keyed endpoints are not limited.
            for (int i = 0; i < 10; i++) {
                assertEquals(200, gw.send(gw.builder("/v1/campaigns", key).header("X-Forwarded-For", "203.0.113.7")
                        .GET().build()).status());
            }
            String metrics = gw.get("/metrics", null).body();
            assertTrue(metrics.contains("precis_http_requests_total{method=\"POST\",route=\"/v1/ad\",status=\"429\"}"),
                    metrics);
            // The addresses are never logged, not even their networks.
            assertFalse(logs.text().contains("203.0.113"), "a client address reached the log");
            assertFalse(logs.text().contains("2001:db8"), "a client address reached the log");
        }
    }

    @Test
    void withoutAProxyTheLoopbackHostIsNotLimitedAndALimitOfZeroTurnsItOff() {
        try (TestGateway gw = TestGateway.start(dir, c -> c.withRateLimit(LOW))) {
            for (int i = 0; i < 20; i++) {
                // The host itself (health checks, a local proxy, benchmarks); headers are not trusted.
                TestGateway.Resp r = gw.send(gw.builder("/v1/consent/key", null).header("X-Forwarded-For", "203.0.113.7")
                        .GET().build());
                assertEquals(200, r.status(), r.body());
            }
        }
        assertTrue(GatewayConfig.parse(new String[0], java.util.Map.of("PRECIS_RATE_LIMIT", "0")).rateLimit().off());
    }
}
