package io.precis.perf.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.precis.gateway.GatewayConfig;
import io.precis.gateway.PrecisGateway;
import io.precis.gateway.auth.AccountType;
import io.precis.gateway.storage.Database;
import io.precis.gateway.storage.JdbcCampaignStore;
import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.campaign.CampaignJson;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A gateway for benchmarks: its own data dir, a free port on 127.0.0.1, no demo, and
 * {@link BenchWorkload}'s campaigns under one advertiser, plus a publisher key. Nothing of this is in
 * the {@code ./precis run} path.
 *
 * <p>As a program ({@code ./precis bench} runs it):
 * <ul>
 *   <li>{@code serve N READY_FILE [DATA_DIR]}: seed N campaigns, write the target (URL and keys)
 *       to READY_FILE as JSON, serve until killed;
 *   <li>{@code seed N DATA_DIR}: seed N campaigns, print the time it took, stop;
 *   <li>{@code restart DATA_DIR}: start on a seeded data dir, print the time to the first
 *       answered ad request and the heap in use after a full GC, stop.
 * </ul>
 */
public final class BenchGateway implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrecisGateway gateway;
    private final Target target;
    private final long seedMillis;

    /**
     * What a load test needs: where the gateway is and its keys.
     *
     * @param campaignIds the ids of the first (up to 1,000) seeded campaigns, in order: id i is
     *     {@code BenchWorkload.campaign(i)}'s (for campaign updates)
     */
    public record Target(String baseUrl, String advertiserKey, String publisherKey, String adminToken,
                         List<String> campaignIds) {
        public void write(Path file) throws IOException {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, JSON.writeValueAsBytes(this));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }

        public static Target read(Path file) throws IOException {
            return JSON.readValue(file.toFile(), Target.class);
        }
    }

    private BenchGateway(PrecisGateway gateway, Target target, long seedMillis) {
        this.gateway = gateway;
        this.target = target;
        this.seedMillis = seedMillis;
    }

    /**
     * Seeds {@code campaigns} campaigns into a fresh {@code dataDir} and starts a gateway on it.
     * The accounts are made by a first, short-lived gateway; the campaigns are validated as
     * {@code POST /v1/campaigns} validates them ({@code CampaignJson.fromRequest}) and stored in
     * one transaction ({@code CampaignStore.saveAll}; one API call per campaign costs a commit
     * each, 25 ms here, 40 minutes for 100k); the gateway then loads and indexes them at start as
     * after any restart.
     */
    public static BenchGateway start(Path dataDir, int campaigns) {
        long t0 = System.nanoTime();
        Target seeded = seed(dataDir, campaigns);
        long seedMillis = (System.nanoTime() - t0) / 1_000_000;
        PrecisGateway gw = PrecisGateway.start(config(dataDir, seeded.adminToken()));
        Target target = new Target("http://127.0.0.1:" + gw.port(), seeded.advertiserKey(), seeded.publisherKey(),
                seeded.adminToken(), seeded.campaignIds());
        return new BenchGateway(gw, target, seedMillis);
    }

    /** Seeds a fresh data dir as {@link #start} does; the target has no URL (nothing serves yet). */
    static Target seed(Path dataDir, int campaigns) {
        return seed(config(dataDir, "bench-" + UUID.randomUUID()), campaigns, false);
    }

    /**
     * Seeds the store of {@code config} (its data dir, or its PostgreSQL) with two accounts and
     * {@code campaigns} campaigns ({@link BenchWorkload#limitedCampaign} when {@code limited}).
     */
    static Target seed(GatewayConfig config, int campaigns, boolean limited) {
        String adminToken = config.adminToken();
        Path dataDir = config.dataDir();
        ObjectNode advertiser;
        ObjectNode publisher;
        try (PrecisGateway first = PrecisGateway.start(config)) {
            advertiser = first.accounts().create(AccountType.ADVERTISER, "Bench Advertiser");
            publisher = first.accounts().create(AccountType.PUBLISHER, "Bench Publisher");
        }
        String advertiserId = advertiser.get("id").textValue();
        List<Campaign> all = new ArrayList<>(campaigns);
        Instant now = Instant.now();
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < campaigns; i++) {
            byte[] id = new byte[9];
            random.nextBytes(id);
            all.add(CampaignJson.fromRequest(limited ? BenchWorkload.limitedCampaign(i) : BenchWorkload.campaign(i), Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(id), advertiserId, now, now));
        }
        try (Database db = config.store().postgres() ? Database.connect(config.store().jdbcUrl(), 2)
                : Database.open(dataDir)) {
            new JdbcCampaignStore(db).saveAll(all);
        }
        List<String> ids = all.stream().limit(1000).map(Campaign::id).toList();
        return new Target(null, advertiser.get("apiKey").textValue(), publisher.get("apiKey").textValue(), adminToken, ids);
    }

    /**
     * The configuration: port 0 on loopback, no demo, client addresses from
     * {@code X-Forwarded-For} (load tests give each virtual user its own, so the per-network
     * click rule sees many networks, not one). Rate limits are off: one load generator is one
     * source, and the benchmark measures capacity, not the limiter.
     */
    static GatewayConfig config(Path dataDir, String adminToken) {
        return config(dataDir, adminToken, Map.of());
    }

    /** {@link #config(Path, String)} with {@code more} environment ({@code PRECIS_PG_URL}, ...). */
    static GatewayConfig config(Path dataDir, String adminToken, Map<String, String> more) {
        Map<String, String> env = new HashMap<>(more);
        env.put("PRECIS_HOST", "127.0.0.1");
        env.put("PRECIS_ADMIN_TOKEN", adminToken);
        env.put("PRECIS_TRUST_PROXY", "1");
        env.put("PRECIS_RATE_LIMIT", "0");
        return GatewayConfig.parse(new String[] {"--port", "0", "--data-dir", dataDir.toString(), "--no-demo"}, env);
    }

    public Target target() {
        return target;
    }

    public long seedMillis() {
        return seedMillis;
    }

    @Override
    public void close() {
        gateway.close();
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.util.logging.config.file", "/dev/null");
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        String mode = args.length > 0 ? args[0] : "";
        switch (mode) {
            case "serve" -> {
                Path dir = args.length > 3 ? Path.of(args[3]) : Files.createTempDirectory("precis-bench");
                BenchGateway gw = start(dir, Integer.parseInt(args[1]));
                Runtime.getRuntime().addShutdownHook(new Thread(gw::close));
                gw.warmUp(3000);
                gw.target().write(Path.of(args[2]));
                System.out.printf("bench gateway: %s, %d campaigns seeded in %.1f s%n",
                        gw.target().baseUrl(), Integer.parseInt(args[1]), gw.seedMillis() / 1000.0);
                Thread.currentThread().join();
            }
            case "seed" -> {
                long t0 = System.nanoTime();
                seed(Path.of(args[2]), Integer.parseInt(args[1]));
                System.out.printf("seeded %,d campaigns in %.1f s%n", Integer.parseInt(args[1]), (System.nanoTime() - t0) / 1e9);
            }
            case "restart" -> restart(Path.of(args[1]));
            case "serve-shared" -> serveShared(Path.of(args[1]), Path.of(args[2]), args[3], args[4], Path.of(args[5]),
                    args[6]);
            case "seed-shared" -> {
                GatewayConfig c = config(Path.of(args[2]), "bench-" + UUID.randomUUID(), shared(args[3], args[4], Path.of(args[5])));
                seed(c, Integer.parseInt(args[1]), true).write(Path.of(args[6]));
            }
            case "serve-limited" -> {
                GatewayConfig c = config(Path.of(args[2]), "bench-" + UUID.randomUUID());
                Target seeded = seed(c, Integer.parseInt(args[1]), true);
                serveShared(Path.of(args[2]), Path.of(args[3]), null, null, null, seeded.adminToken());
            }
            default -> {
                System.err.println("usage: BenchGateway serve N READY_FILE [DATA_DIR] | seed N DATA_DIR | restart DATA_DIR");
                System.exit(2);
            }
        }
    }

    /**
     * Sends {@code requests} ad requests of the benchmark mix, 8 at a time, so that the JIT has
     * compiled the ad path before a measurement starts (a cold gateway is several times slower
     * for its first thousand requests).
     */
    public void warmUp(int requests) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        List<String> bodies = BenchWorkload.adRequests(500, 99);
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(8);
        for (int i = 0; i < requests; i++) {
            inFlight.acquire();
            client.sendAsync(HttpRequest.newBuilder(URI.create(target.baseUrl() + "/v1/ad"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(bodies.get(i % bodies.size()))).build(),
                    HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> inFlight.release());
        }
        inFlight.acquire(8);
    }

    private static Map<String, String> shared(String pgUrl, String redisUrl, Path keysDir) {
        return pgUrl == null ? Map.of()
                : Map.of("PRECIS_PG_URL", pgUrl, "PRECIS_REDIS_URL", redisUrl, "PRECIS_KEYS_DIR", keysDir.toString());
    }

    /**
     * Serves a store seeded already (a data dir, or PostgreSQL and Redis when {@code pgUrl} is
     * not null): warms up, writes its URL to {@code ready}, serves until killed.
     */
    private static void serveShared(Path dataDir, Path ready, String pgUrl, String redisUrl, Path keysDir,
                                    String adminToken) throws Exception {
        PrecisGateway gw = PrecisGateway.start(config(dataDir, adminToken, shared(pgUrl, redisUrl, keysDir)));
        Runtime.getRuntime().addShutdownHook(new Thread(gw::close));
        BenchGateway bench = new BenchGateway(gw, new Target("http://127.0.0.1:" + gw.port(), null, null, adminToken,
                List.of()), 0);
        bench.warmUp(3000);
        bench.target().write(ready);
        Thread.currentThread().join();
    }

    /** Start-up to the first answered ad request, then the heap in use after a full GC. */
    private static void restart(Path dataDir) throws Exception {
        System.gc();
        long heapBefore = usedHeap();
        long t0 = System.nanoTime();
        try (PrecisGateway gw = PrecisGateway.start(config(dataDir, "bench-" + UUID.randomUUID()))) {
            long listening = System.nanoTime();
            HttpClient client = HttpClient.newHttpClient();
            String body = BenchWorkload.adRequests(1, 7).get(0);
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.port() + "/v1/ad"))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            long served = System.nanoTime();
            if (r.statusCode() != 200 && r.statusCode() != 204) {
                throw new IllegalStateException("the first ad request answered " + r.statusCode());
            }
            for (int i = 0; i < 3; i++) {
                System.gc();
            }
            long heap = usedHeap() - heapBefore;
            int campaigns = gw.campaigns().all().size();
            System.out.printf("restart with %d campaigns: listening after %.2f s, first ad answered after %.2f s,"
                            + " heap in use after GC %d MB%n", campaigns, (listening - t0) / 1e9, (served - t0) / 1e9,
                    heap / (1024 * 1024));
        }
    }

    private static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Reads one JSON document (tests and simulations parse ad responses with it). */
    public static JsonNode parse(String json) throws IOException {
        return JSON.readTree(json);
    }
}
