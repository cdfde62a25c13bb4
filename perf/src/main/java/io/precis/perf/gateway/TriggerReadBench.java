package io.precis.perf.gateway;

import io.precis.devservices.LocalPostgres;
import io.precis.devservices.LocalRedis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntFunction;

/**
 * {@code ./precis bench triggers}: what the shared real-time triggers cost an ad request. One
 * gateway process on a private PostgreSQL and Redis with {@link BenchWorkload#limitedCampaign}'s
 * campaigns serves the same cycled ad requests, 32 connections, closed model, in alternating
 * phases: no campaign with a trigger (no trigger read: the baseline; a twin campaign needing a
 * segment nobody has is active instead), then one trigger campaign that fires for nobody (so
 * what is matched and served stays the same) active instead of the twin, which makes every
 * request of a person with {@code personalisation} and {@code profiling} read the person's fired
 * triggers from Redis ({@code HGETALL}, one round trip). The worst case: every request names a
 * person (of 100,000) and grants every purpose (a TCF string), so every one reads (the usual
 * mix, {@link BenchWorkload#adRequests}, has one in ten such). {@link #ROUNDS} rounds of both
 * phases (in the order AB, BA, AB, ...) after a 120 s warm-up, 3 s warm-up and 8 s measured
 * each; the ratios of the trigger phases' rate and gateway CPU per request (its JVM's, every
 * thread: the steadier figure on a shared machine) to the baseline's, within the run.
 */
public final class TriggerReadBench {
    private static final int CONNECTIONS = 32;
    private static final double SECONDS = 8;
    private static final int ROUNDS = Integer.getInteger("rounds", 6);
    private static final int WARM_UP_SECONDS = Integer.getInteger("warmUp", 120);
    /** {@code -DonlyPhase=0} (baseline) or {@code 1} (a trigger campaign): that phase throughout, for a profile of it. */
    private static final int ONLY_PHASE = Integer.getInteger("onlyPhase", -1);

    private TriggerReadBench() {}

    public static void main(String[] args) throws Exception {
        int campaigns = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        Path dir = Files.createTempDirectory("precis-bench-triggers");
        List<String> bodies = everyoneConsents(BenchWorkload.adRequests(500, 12));
        IntFunction<LoadGen.Request> ads = i -> LoadGen.Request.postJson("/v1/ad", bodies.get(i % bodies.size()));
        try (LocalPostgres pg = LocalPostgres.start("bench"); LocalRedis redis = LocalRedis.start("bench")) {
            String db = pg.createDatabase();
            Path keys = dir.resolve("keys");
            System.out.printf("seeding %,d campaigns into PostgreSQL...%n", campaigns);
            BenchGateway.Target seeded = BenchGateway.seed(BenchGateway.config(dir.resolve("seed"),
                    "bench-" + UUID.randomUUID(), Map.of("PRECIS_PG_URL", db, "PRECIS_REDIS_URL", redis.uri(),
                            "PRECIS_KEYS_DIR", keys.toString())), campaigns, true);
            Path ready = dir.resolve("gateway.json");
            try (Child gw = Child.start(dir.resolve("gateway.log"), BenchGateway.class, "serve-shared",
                    dir.resolve("data").toString(), ready.toString(), db, redis.uri(), keys.toString(),
                    seeded.adminToken())) {
                gw.awaitFile(ready, 1800);
                String base = BenchGateway.Target.read(ready).baseUrl();
                int port = Integer.parseInt(base.replaceAll(".*:", ""));
                HttpClient http = HttpClient.newHttpClient();
                String[] ids = new String[2]; // 0: the twin without a trigger, 1: the trigger campaign
                setPhase(http, base, seeded.advertiserKey(), ids, Math.max(0, ONLY_PHASE));
                List<String> table = new ArrayList<>();
                double[] rate = new double[2];
                double[] cpu = new double[2];
                long[] answered = new long[2];
                try (LoadGen load = new LoadGen(port, CONNECTIONS)) {
                    // The JIT first: with 30 s, CPU per request still fell sixfold over the rounds.
                    System.out.printf("warming the gateway up for %d s...%n", WARM_UP_SECONDS);
                    load.closed(CONNECTIONS, WARM_UP_SECONDS, ads);
                }
                for (int round = 1; round <= ROUNDS; round++) {
                    for (int phase = 0; phase <= 1; phase++) {
                        int on = round % 2 == 1 ? phase : 1 - phase; // ABBA: neither phase always goes first
                        if (ONLY_PHASE >= 0 && on != ONLY_PHASE) {
                            continue;
                        }
                        setPhase(http, base, seeded.advertiserKey(), ids, on);
                        Thread.sleep(1000);
                        try (LoadGen load = new LoadGen(port, CONNECTIONS)) {
                            load.closed(CONNECTIONS, 3, ads);
                            long[] before = ClusterBench.redisCommand(redis.port(), "hgetall");
                            long cpuBefore = gw.cpuNanos();
                            LoadGen.Result r = load.closed(CONNECTIONS, SECONDS, ads);
                            long cpuAfter = gw.cpuNanos();
                            long[] after = ClusterBench.redisCommand(redis.port(), "hgetall");
                            double requests = r.answered() * SECONDS;
                            rate[on] += r.answered();
                            cpu[on] += (cpuAfter - cpuBefore) / 1000.0;
                            answered[on] += r.count();
                            table.add(String.format("%-34s %10.0f %9.2f %9.2f %12.3f %12.2f %12.0f %8.3f",
                                    "round " + round + (on == 1 ? ", a trigger campaign" : ", no trigger (baseline)"),
                                    r.answered(), r.p50() / 1000.0, r.p99() / 1000.0,
                                    (after[0] - before[0]) / requests, (after[1] - before[1]) / requests,
                                    (cpuAfter - cpuBefore) / 1000.0 / r.count(), filled(http, base, bodies)));
                        }
                    }
                }
                System.out.println();
                System.out.printf("%-34s %10s %9s %9s %12s %12s %12s %8s%n", "", "ads/s", "p50 ms", "p99 ms",
                        "HGETALL/req", "Redis µs/req", "gw CPU µs/req", "filled");
                table.forEach(System.out::println);
                System.out.printf("trigger phases / baseline phases: ads/s %.3f, gateway CPU per request %.3f%n",
                        rate[1] / rate[0], (cpu[1] / answered[1]) / (cpu[0] / answered[0]));
                double[] read = readAlone(redis.uri());
                System.out.printf("the read alone (the gateway's Redis client, one caller, %,d reads of a person with"
                                + " nothing fired): %.1f µs a read, %.1f µs CPU a read = %.3f of the baseline's gateway"
                                + " CPU per request%n", READS, read[0], read[1], read[1] / (cpu[0] / answered[0]));
                System.out.printf("(%d cores on this machine, shared by the gateway, PostgreSQL, Redis and the load generator)%n",
                        Runtime.getRuntime().availableProcessors());
            }
        }
    }

    private static final int READS = 20_000;

    /**
     * The trigger read on its own, as the gateway makes it ({@code SharedRedis}, a blocking
     * {@code HGETALL}), one after the other: wall time and this process's CPU per read (the
     * client's event loop included), after as many reads of warm-up.
     */
    private static double[] readAlone(String redisUrl) {
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        try (io.precis.gateway.redis.SharedRedis redis = io.precis.gateway.redis.SharedRedis.connect(redisUrl)) {
            var read = io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.HGETALL)
                    .arg("precis:trigger:1AAAAAAAAAAAAAAAAAAAAAA");
            for (int i = 0; i < READS; i++) {
                redis.call(read);
            }
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            for (int i = 0; i < READS; i++) {
                redis.call(read);
            }
            long t1 = System.nanoTime();
            long cpu1 = os.getProcessCpuTime();
            return new double[] {(t1 - t0) / 1000.0 / READS, (cpu1 - cpu0) / 1000.0 / READS};
        }
    }

    /** The share of {@code bodies} answered with an ad (each sent once, one after the other). */
    private static double filled(HttpClient http, String base, List<String> bodies) throws Exception {
        int filled = 0;
        for (String body : bodies) {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/ad"))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
            filled += r.statusCode() == 200 ? 1 : 0;
        }
        return filled / (double) bodies.size();
    }

    /** {@code bodies}, each naming a person and granting every purpose (a TCF string). */
    private static List<String> everyoneConsents(List<String> bodies) throws Exception {
        String full = BenchWorkload.tcf(true);
        List<String> out = new ArrayList<>(bodies.size());
        for (int i = 0; i < bodies.size(); i++) {
            var req = (com.fasterxml.jackson.databind.node.ObjectNode) BenchGateway.parse(bodies.get(i));
            if (!req.has("user")) {
                req.putObject("user").put("id", "bench-user-" + (100_000 + i));
            }
            req.putObject("consent").put("tcf", full);
            out.add(req.toString());
        }
        return out;
    }

    /**
     * Phase {@code on}: 1 the trigger campaign active (a cart with a word no page or event has,
     * so it fires for nobody) and its twin paused, 0 the other way round. The twin is the same
     * campaign needing a segment nobody has instead of the trigger, so that both phases match
     * the same campaigns (a paused trigger campaign alone made the baseline cost more CPU per
     * request, which is not what this measures). Creates both on the first call.
     */
    private static void setPhase(HttpClient http, String base, String key, String[] ids, int on) throws Exception {
        for (int which = 0; which <= 1; which++) {
            String targeting = which == 1
                    ? "\"trigger\": {\"events\": [\"cart\"], \"keywords\": [\"从未出现的词\"], \"withinMinutes\": 60}"
                    : "\"segments\": [\"interest:从未出现的词\"]";
            String campaign = """
                    {"name": "Bench trigger %d", "bid": {"model": "CPM", "amount": 0.01}, "status": "%s",
                     "targeting": {%s},
                     "creatives": [{"id": "t", "format": "%s", "landingUrl": "https://shop.example/t"}]}
                    """.formatted(which, which == on ? "active" : "paused", targeting, BenchWorkload.FORMAT);
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/v1/campaigns"
                            + (ids[which] == null ? "" : "/" + ids[which])))
                    .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/json");
            HttpResponse<String> r = http.send(ids[which] == null ? b.POST(HttpRequest.BodyPublishers.ofString(campaign)).build()
                    : b.PUT(HttpRequest.BodyPublishers.ofString(campaign)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200 && r.statusCode() != 201) {
                throw new IllegalStateException("a bench campaign was refused: " + r.statusCode() + " " + r.body());
            }
            ids[which] = ids[which] != null ? ids[which] : BenchGateway.parse(r.body()).get("id").textValue();
        }
    }
}
