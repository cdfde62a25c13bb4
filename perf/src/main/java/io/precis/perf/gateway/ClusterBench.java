package io.precis.perf.gateway;

import io.precis.devservices.LocalPostgres;
import io.precis.devservices.LocalRedis;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./precis bench cluster}: ad-request throughput of the embedded mode (one gateway, H2,
 * counters in memory) beside 1, 2 and 3 gateway processes on one private PostgreSQL and one
 * private Redis, in one run on this machine, with the same campaigns ({@link
 * BenchWorkload#limitedCampaign}: a third capped, a third with a daily budget, so matching
 * consults the shared counters) and the same requests, 48 connections in all (split evenly over
 * the gateways: what a round-robin balancer does). For the shared runs it also reads what each
 * answered request cost the shared stores: Redis commands and their server time
 * ({@code INFO commandstats}), PostgreSQL transactions ({@code pg_stat_database}).
 */
public final class ClusterBench {
    private static final int CONNECTIONS = 48;
    private static final double SECONDS = 10;

    private ClusterBench() {}

    public static void main(String[] args) throws Exception {
        int campaigns = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        Path dir = Files.createTempDirectory("precis-bench-cluster");
        List<String> bodies = BenchWorkload.adRequests(500, 12);
        IntFunction<LoadGen.Request> ads = i -> LoadGen.Request.postJson("/v1/ad", bodies.get(i % bodies.size()));
        List<String> table = new ArrayList<>();

        System.out.printf("embedded: one gateway, %,d campaigns...%n", campaigns);
        try (Child gw = Child.start(dir.resolve("embedded.log"), BenchGateway.class, "serve-limited",
                Integer.toString(campaigns), dir.resolve("embedded").toString(), dir.resolve("embedded.json").toString())) {
            gw.awaitFile(dir.resolve("embedded.json"), 1800);
            LoadGen.Result r = measure(List.of(dir.resolve("embedded.json")), ads, () -> { });
            table.add(String.format("%-26s %10.0f %9.2f %9.2f %12s %12s %10s", "embedded (H2, in memory)",
                    r.answered(), r.p50() / 1000.0, r.p99() / 1000.0, "-", "-", "-"));
        }

        try (LocalPostgres pg = LocalPostgres.start("bench"); LocalRedis redis = LocalRedis.start("bench")) {
            String db = pg.createDatabase();
            Path keys = dir.resolve("keys");
            System.out.printf("seeding %,d campaigns into PostgreSQL...%n", campaigns);
            BenchGateway.Target seeded = BenchGateway.seed(BenchGateway.config(dir.resolve("seed"),
                    "bench-" + UUID.randomUUID(), java.util.Map.of("PRECIS_PG_URL", db,
                            "PRECIS_REDIS_URL", redis.uri(), "PRECIS_KEYS_DIR", keys.toString())), campaigns, true);
            for (int n = 1; n <= 3; n++) {
                List<Child> gws = new ArrayList<>();
                List<Path> ready = new ArrayList<>();
                try {
                    for (int i = 0; i < n; i++) {
                        Path r = dir.resolve("shared-" + n + "-" + i + ".json");
                        gws.add(Child.start(dir.resolve("shared-" + n + "-" + i + ".log"), BenchGateway.class,
                                "serve-shared", dir.resolve("data-" + n + "-" + i).toString(), r.toString(), db,
                                redis.uri(), keys.toString(), seeded.adminToken()));
                        ready.add(r);
                    }
                    for (int i = 0; i < n; i++) {
                        gws.get(i).awaitFile(ready.get(i), 1800);
                    }
                    long[][] redisCalls = new long[2][];
                    long[] pgTransactions = new long[2];
                    LoadGen.Result r = measure(ready, ads, () -> {
                        redisCalls[0] = redisCalls(redis.port());
                        pgTransactions[0] = pgTransactions(db);
                    });
                    long[] redisBefore = redisCalls[0];
                    long pgBefore = pgTransactions[0];
                    long[] redisAfter = redisCalls(redis.port());
                    long pgAfter = pgTransactions(db);
                    double requests = r.answered() * SECONDS;
                    double calls = (redisAfter[0] - redisBefore[0]) / requests;
                    double micros = (redisAfter[1] - redisBefore[1]) / requests;
                    double tx = (pgAfter - pgBefore) / requests;
                    table.add(String.format("%-26s %10.0f %9.2f %9.2f %12.2f %12.1f %10.2f",
                            n + " on PostgreSQL + Redis", r.answered(), r.p50() / 1000.0, r.p99() / 1000.0, calls,
                            micros, tx));
                } finally {
                    gws.forEach(Child::close);
                }
            }
        }
        System.out.println();
        System.out.printf("%-26s %10s %9s %9s %12s %12s %10s%n", "", "ads/s", "p50 ms", "p99 ms", "Redis trips",
                "Redis µs", "PG tx");
        System.out.printf("%-26s %10s %9s %9s %12s %12s %10s%n", "", "", "", "", "per request", "per request",
                "per req.");
        table.forEach(System.out::println);
        System.out.printf("(%d cores on this machine, shared by every gateway, PostgreSQL, Redis and the load generator)%n",
                Runtime.getRuntime().availableProcessors());
    }

    /**
     * Warms up, then the closed model for {@link #SECONDS} over every gateway at once, the
     * connections split evenly: the summed rate, and the worst gateway's latencies.
     */
    private static LoadGen.Result measure(List<Path> readyFiles, IntFunction<LoadGen.Request> ads, Snapshot warmedUp)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(readyFiles.size());
        List<LoadGen> loads = new ArrayList<>();
        try {
            int each = CONNECTIONS / readyFiles.size();
            for (Path f : readyFiles) {
                int port = Integer.parseInt(BenchGateway.Target.read(f).baseUrl().replaceAll(".*:", ""));
                loads.add(new LoadGen(port, each));
            }
            List<Future<LoadGen.Result>> warmUps = new ArrayList<>();
            for (LoadGen l : loads) {
                warmUps.add(pool.submit(() -> l.closed(each, 3, ads)));
            }
            for (Future<LoadGen.Result> f : warmUps) {
                f.get();
            }
            warmedUp.take(); // the counters of the shared stores from here on
            List<Future<LoadGen.Result>> runs = new ArrayList<>();
            for (LoadGen l : loads) {
                runs.add(pool.submit(() -> l.closed(each, SECONDS, ads)));
            }
            double answered = 0;
            long p50 = 0;
            long p99 = 0;
            long max = 0;
            int errors = 0;
            for (Future<LoadGen.Result> f : runs) {
                LoadGen.Result r = f.get();
                System.out.printf("  gateway: %s%n", r);
                answered += r.answered();
                p50 = Math.max(p50, r.p50());
                p99 = Math.max(p99, r.p99());
                max = Math.max(max, r.max());
                errors += r.errors();
            }
            return new LoadGen.Result(answered, answered, p50, p99, max, errors, 0, 0, "");
        } finally {
            loads.forEach(LoadGen::close);
            pool.shutdownNow();
        }
    }

    /** Reads counters once the warm-up is over. */
    private interface Snapshot {
        void take() throws Exception;
    }

    /**
     * Script calls since Redis started, and their server time in µs (the commands a script runs
     * inside are in it). Every call of the ad path is one script: one round trip each.
     */
    private static long[] redisCalls(int port) throws IOException {
        return redisCommand(port, "evalsha");
    }

    /** Calls of Redis command {@code command} since Redis started, and their server time in µs. */
    static long[] redisCommand(int port, String command) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.getOutputStream().write("INFO commandstats\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            StringBuilder header = new StringBuilder();
            for (int c; (c = in.read()) != '\n'; ) {
                header.append((char) c);
            }
            int length = Integer.parseInt(header.substring(1).strip());
            String info = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            long calls = 0;
            long usec = 0;
            Matcher m = Pattern.compile("cmdstat_" + command + ":calls=(\\d+),usec=(\\d+)").matcher(info);
            if (m.find()) {
                calls = Long.parseLong(m.group(1));
                usec = Long.parseLong(m.group(2));
            }
            return new long[] {calls, usec};
        }
    }

    /** Transactions committed and rolled back in the bench database so far. */
    private static long pgTransactions(String jdbcUrl) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl);
             ResultSet rs = c.createStatement().executeQuery("SELECT pg_stat_force_next_flush(),"
                     + " xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()")) {
            rs.next();
            return rs.getLong(2);
        }
    }
}
