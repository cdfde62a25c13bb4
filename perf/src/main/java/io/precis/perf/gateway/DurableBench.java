package io.precis.perf.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;

/**
 * {@code ./precis bench events} and {@code ./precis bench consent}: acknowledged writes per second
 * of a gateway (its own JVM, {@code N} seeded campaigns, default 10,000) over HTTP with 64 in
 * flight, each answer sent only once the write is durable (API.md; ARCHITECTURE.md "Durability").
 * <ul>
 *   <li>{@code events}: impression pixels ({@code GET /v1/t/imp}), each token of a distinct ad
 *       served beforehand (ten ads per ad request, readers with measurement consent), for 5 s or
 *       until the tokens run out;
 *   <li>{@code consent}: {@code PUT /v1/consent} of distinct users (publisher key), for 5 s.
 * </ul>
 * With {@code limited} after {@code N}, the campaigns are {@link BenchWorkload#limitedCampaign}'s
 * (a third frequency-capped, a third with a daily budget), so that a third of the pixels also
 * wait for their cap count to be committed (DeliveryFeedback#impression).
 */
public final class DurableBench {
    private static final int CONNECTIONS = 64;
    private static final double SECONDS = 5;

    private DurableBench() {}

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "";
        if (!what.equals("events") && !what.equals("consent")) {
            System.err.println("usage: DurableBench events|consent [N [limited]]");
            System.exit(2);
        }
        int campaigns = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        Path dir = Files.createTempDirectory("precis-bench-" + what);
        System.out.printf("starting the gateway with %,d campaigns...%n", campaigns);
        boolean limited = args.length > 2 && args[2].equals("limited");
        try (Child gw = limited
                ? Child.start(dir.resolve("gateway.log"), BenchGateway.class, "serve-limited",
                        Integer.toString(campaigns), dir.resolve("data").toString(), dir.resolve("target.json").toString())
                : Child.start(dir.resolve("gateway.log"), BenchGateway.class, "serve",
                        Integer.toString(campaigns), dir.resolve("target.json").toString(), dir.resolve("data").toString())) {
            gw.awaitFile(dir.resolve("target.json"), 1800);
            BenchGateway.Target target = BenchGateway.Target.read(dir.resolve("target.json"));
            int port = Integer.parseInt(target.baseUrl().replaceAll(".*:", ""));
            try (LoadGen load = new LoadGen(port, CONNECTIONS)) {
                LoadGen.Result r = what.equals("events") ? events(target, load) : consent(target, load);
                System.out.printf("%s: %.0f acknowledged writes/s (%d in %.1f s), p50 %.2f ms, p99 %.2f ms, errors %d%n",
                        what.equals("events") ? "tracking events (impressions)" : "consent updates",
                        r.answered(), r.count(), r.count() / Math.max(r.answered(), 1e-9), r.p50() / 1000.0,
                        r.p99() / 1000.0, r.errors());
            }
        }
    }

    private static LoadGen.Result events(BenchGateway.Target target, LoadGen load) throws Exception {
        List<String> pixels = servedPixels(target, 60_000);
        System.out.printf("%,d ads served, measuring their pixels...%n", pixels.size());
        load.closed(CONNECTIONS, 2, i -> i < 2000 ? get(pixels.get(i)) : null); // warm-up
        return load.closed(CONNECTIONS, SECONDS, i -> i + 2000 < pixels.size() ? get(pixels.get(i + 2000)) : null);
    }

    private static LoadGen.Request get(String path) {
        return new LoadGen.Request(io.vertx.core.http.HttpMethod.GET, path,
                List.of("User-Agent", BenchWorkload.browserUserAgent()), null);
    }

    private static LoadGen.Result consent(BenchGateway.Target target, LoadGen load) throws Exception {
        String[] bodies = {
            "{\"purposes\":{\"personalisation\":true,\"profiling\":true,\"measurement\":true}}",
            "{\"purposes\":{\"personalisation\":false,\"measurement\":true}}"};
        String auth = "Bearer " + target.publisherKey();
        java.util.function.IntFunction<LoadGen.Request> put = i -> new LoadGen.Request(io.vertx.core.http.HttpMethod.PUT,
                "/v1/consent?user=bench-consent-" + i, List.of("Content-Type", "application/json", "Authorization", auth),
                io.vertx.core.buffer.Buffer.buffer(bodies[i % 2]));
        load.closed(CONNECTIONS, 2, i -> put.apply(10_000_000 + i)); // warm-up, other users
        return load.closed(CONNECTIONS, SECONDS, put);
    }

    /** Impression paths of at least {@code count} ads served to consenting readers (ten per request). */
    private static List<String> servedPixels(BenchGateway.Target target, int count) throws Exception {
        List<String> bodies = BenchWorkload.adRequests(4000, 21).stream()
                .filter(b -> b.contains("\"tcf\"") && !b.contains("今日新闻") && !b.contains("Today's news"))
                .map(b -> b.replaceFirst("^\\{", "{\"count\":10,"))
                .toList();
        HttpClient client = HttpClient.newHttpClient();
        ConcurrentLinkedQueue<String> out = new ConcurrentLinkedQueue<>();
        Semaphore inFlight = new Semaphore(16);
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (int i = 0; out.size() < count && i < 20_000; i++) {
            inFlight.acquire();
            HttpRequest req = HttpRequest.newBuilder(URI.create(target.baseUrl() + "/v1/ad"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(bodies.get(i % bodies.size()))).build();
            all.add(client.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((resp, e) -> {
                inFlight.release();
                if (e == null && resp.statusCode() == 200) {
                    try {
                        for (JsonNode ad : BenchGateway.parse(resp.body()).path("ads")) {
                            out.add(ad.path("impressionUrl").textValue());
                        }
                    } catch (java.io.IOException ignored) {
                        // counted as no ad
                    }
                }
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        return new ArrayList<>(out);
    }
}
