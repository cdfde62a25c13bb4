package io.precis.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway as a separate process: record events, {@code kill -9} it mid-stream, start it
 * again on the same data dir, and find every acknowledged event in the report.
 */
class CrashRecoveryTest {
    private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");

    @TempDir
    Path dir;

    /** A gateway process and the base URL it listens on. */
    private record Running(Process process, String base) {}

    private Running launch() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "io.precis.gateway.Main", "--port", "0", "--data-dir", dir.toString(), "--no-demo");
        pb.environment().put("PRECIS_ADMIN_TOKEN", TestGateway.ADMIN_TOKEN);
        pb.environment().put("PRECIS_HOST", "127.0.0.1");
        pb.environment().put("PRECIS_CLICK_MIN_MS", "0");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        String line;
        while (Instant.now().isBefore(deadline) && (line = out.readLine()) != null) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "gateway-output");
                drain.setDaemon(true);
                drain.start();
                return new Running(p, "http://127.0.0.1:" + m.group(1));
            }
        }
        p.destroyForcibly();
        throw new AssertionError("gateway process did not start");
    }

    @Test
    void everyAcknowledgedEventSurvivesKillDashNine() throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        Running first = launch();
        String key;
        List<JsonNode> ads = new ArrayList<>();
        AtomicInteger ackedImpressions = new AtomicInteger();
        AtomicInteger ackedClicks = new AtomicInteger();
        try {
            key = post(http, first.base + "/v1/admin/accounts", "{\"type\":\"advertiser\",\"name\":\"Crash\"}",
                    TestGateway.ADMIN_TOKEN).get("apiKey").textValue();
            post(http, first.base + "/v1/campaigns", Campaigns.keywords("crash", "[\"durable\"]", "CPM", 10), key);
            for (int i = 0; i < 60; i++) {
                ads.add(post(http, first.base + "/v1/ad", Campaigns.adRequest("news.example", "durable goods"), null)
                        .get("ads").get(0));
            }
            // Fire impressions and clicks concurrently so the writer batches them (group commit).
            List<CompletableFuture<Void>> inFlight = new ArrayList<>();
            for (JsonNode ad : ads) {
                inFlight.add(http.sendAsync(get(first.base + ad.get("impressionUrl").textValue()),
                                HttpResponse.BodyHandlers.discarding())
                        .thenAccept(r -> {
                            if (r.statusCode() == 204) {
                                ackedImpressions.incrementAndGet();
                            }
                        }));
            }
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            for (JsonNode ad : ads.subList(0, 20)) {
                HttpResponse<Void> r = http.send(get(first.base + ad.get("clickUrl").textValue()),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 302) {
                    ackedClicks.incrementAndGet();
                }
            }
        } finally {
            first.process.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
            assertTrue(first.process.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(60, ackedImpressions.get());
        assertEquals(20, ackedClicks.get());

        Running second = launch();
        try {
            JsonNode row = getJson(http, second.base + "/v1/reports", key).get("rows").get(0);
            assertEquals(ackedImpressions.get(), row.get("impressions").asInt());
            assertEquals(ackedClicks.get(), row.get("clicks").asInt());
            // The campaign survived too: it still serves after the restart.
            HttpResponse<String> ad = http.send(HttpRequest.newBuilder(URI.create(second.base + "/v1/ad"))
                    .POST(HttpRequest.BodyPublishers.ofString(Campaigns.adRequest("news.example", "durable goods")))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ad.statusCode());
        } finally {
            second.process.destroy();
            second.process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyAcknowledgedImpressionStillCountsTowardsItsCapAfterKillDashNine() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        int users = 60;
        String capped = Campaigns.keywords("capped", "[\"durable\"]", "CPM", 10)
                .replace("\"goal\"", "\"frequencyCap\": {\"impressions\": 1, \"perHours\": 24}, \"goal\"");
        Running first = launch();
        AtomicInteger acked = new AtomicInteger();
        try {
            String key = post(http, first.base + "/v1/admin/accounts", "{\"type\":\"advertiser\",\"name\":\"Crash\"}",
                    TestGateway.ADMIN_TOKEN).get("apiKey").textValue();
            post(http, first.base + "/v1/campaigns", capped, key);
            List<JsonNode> ads = new ArrayList<>();
            for (int u = 0; u < users; u++) {
                ads.add(post(http, first.base + "/v1/ad", cappedRequest(u), null).get("ads").get(0));
            }
            // Every pixel at once, then SIGKILL as soon as the last is acknowledged.
            List<CompletableFuture<Void>> inFlight = new ArrayList<>();
            for (JsonNode ad : ads) {
                inFlight.add(http.sendAsync(get(first.base + ad.get("impressionUrl").textValue()),
                                HttpResponse.BodyHandlers.discarding())
                        .thenAccept(r -> {
                            if (r.statusCode() == 204) {
                                acked.incrementAndGet();
                            }
                        }));
            }
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } finally {
            first.process.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
            assertTrue(first.process.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(users, acked.get());

        Running second = launch();
        try {
            for (int u = 0; u < users; u++) {
                HttpResponse<String> ad = http.send(HttpRequest.newBuilder(URI.create(second.base + "/v1/ad"))
                        .POST(HttpRequest.BodyPublishers.ofString(cappedRequest(u))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(204, ad.statusCode(), "user " + u + " saw the campaign once before the crash: capped");
            }
            HttpResponse<String> other = http.send(HttpRequest.newBuilder(URI.create(second.base + "/v1/ad"))
                    .POST(HttpRequest.BodyPublishers.ofString(cappedRequest(users))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, other.statusCode(), "a user who saw nothing is still served: the campaign survived");
        } finally {
            second.process.destroy();
            second.process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** An ad request for the capped campaign's page by crash user {@code u}. */
    private static String cappedRequest(int u) {
        return Campaigns.adRequest("news.example", "durable goods").strip()
                .replaceFirst("}$", ", \"user\": {\"id\": \"crash-" + u + "\"}}");
    }

    @Test
    void everyAcknowledgedBehaviourAppendSurvivesKillDashNine() throws Exception {
        // HTTP/1.1: one connection per request in flight (HTTP/2 would cap the concurrent streams).
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        int users = 40;
        Running first = launch();
        String publisher;
        AtomicInteger acked = new AtomicInteger();
        try {
            publisher = post(http, first.base + "/v1/admin/accounts", "{\"type\":\"publisher\",\"name\":\"Crash\"}",
                    TestGateway.ADMIN_TOKEN).get("apiKey").textValue();
            for (int u = 0; u < users; u++) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(first.base + "/v1/consent?user=crash-" + u))
                        .header("Authorization", "Bearer " + publisher).header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"purposes\": {\"profiling\": true}}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
            }
            // Every user's appends at once, so the behaviour writer commits them in shared batches.
            List<CompletableFuture<Void>> inFlight = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (int u = 0; u < users; u++) {
                    String body = "{\"user\": \"crash-" + u + "\", \"events\": [{\"type\": \"search\", \"ts\": \""
                            + Instant.now() + "\", \"query\": \"round " + round + "\"}]}";
                    inFlight.add(http.sendAsync(HttpRequest.newBuilder(URI.create(first.base + "/v1/behaviour"))
                                    .header("Authorization", "Bearer " + publisher)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.discarding()).thenAccept(r -> {
                                if (r.statusCode() == 202) {
                                    acked.incrementAndGet();
                                }
                            }));
                }
            }
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } finally {
            first.process.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
            assertTrue(first.process.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(3 * users, acked.get());

        Running second = launch();
        try {
            int stored = 0;
            for (int u = 0; u < users; u++) {
                stored += getJson(http, second.base + "/v1/me?user=crash-" + u, publisher).get("behaviour").size();
            }
            assertEquals(acked.get(), stored);
        } finally {
            second.process.destroy();
            second.process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("User-Agent", TestGateway.BROWSER_UA).GET().build();
    }

    private static JsonNode getJson(HttpClient http, String url, String key) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return TestGateway.JSON.readTree(r.body());
    }

    private static JsonNode post(HttpClient http, String url, String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() == 200 || r.statusCode() == 201, r.statusCode() + " " + r.body());
        return TestGateway.JSON.readTree(r.body());
    }
}
