package io.precis.devservices;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./precis cluster}: the distributed mode on one machine, for a developer to look at.
 * A private PostgreSQL and Redis, N gateway processes (each its own data dir, all one database,
 * one Redis for caps, budgets and counters, and one keys dir) and HAProxy in front of them,
 * round robin with health checks, all on loopback. Prints the load balancer's URL and the admin
 * token; Ctrl-C stops everything.
 *
 * <p>Arguments: {@code [--gateways N] [--port P] -- <command that starts one gateway>}; the
 * gateway command gets {@code --port 0 --data-dir D --store postgres --pg-url U --redis-url R} appended and
 * {@code PRECIS_KEYS_DIR} and {@code PRECIS_ADMIN_TOKEN} set.
 */
public final class LocalCluster implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");

    private final LocalPostgres pg;
    private final LocalRedis redis;
    private final Path dir;
    private final List<Process> gateways = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private Process balancer;
    private int port;
    private final String adminToken = "cluster-admin-" + Long.toHexString(System.nanoTime());

    private LocalCluster(LocalPostgres pg, LocalRedis redis, Path dir) {
        this.pg = pg;
        this.redis = redis;
        this.dir = dir;
    }

    /** Starts the servers, {@code n} gateways with {@code gatewayCommand}, and the balancer on {@code lbPort} (0: any). */
    public static LocalCluster start(int n, int lbPort, List<String> gatewayCommand) {
        Path dir;
        try {
            dir = Files.createTempDirectory("precis-cluster-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LocalPostgres pg = LocalPostgres.start("cluster");
        LocalRedis redis;
        try {
            redis = LocalRedis.start("cluster");
        } catch (RuntimeException e) {
            pg.close();
            throw e;
        }
        LocalCluster c = new LocalCluster(pg, redis, dir);
        try {
            String db = c.pg.createDatabase();
            for (int i = 0; i < n; i++) {
                c.startGateway(i, db, gatewayCommand);
                if (i == 0) {
                    c.waitForFirst(); // the first migrates the schema; the others find it done
                }
            }
            for (int i = 1; i < n; i++) {
                c.ports.add(c.waitFor(c.gateways.get(i), i));
            }
            c.startBalancer(lbPort);
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void startGateway(int i, String jdbcUrl, List<String> command) {
        List<String> cmd = new ArrayList<>(command);
        cmd.addAll(List.of("--port", "0", "--data-dir", dir.resolve("gateway-" + (i + 1)).toString(), "--no-demo",
                "--store", "postgres", "--pg-url", jdbcUrl, "--redis-url", redis.uri()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PRECIS_KEYS_DIR", dir.resolve("keys").toString());
        pb.environment().put("PRECIS_ADMIN_TOKEN", adminToken);
        pb.environment().put("PRECIS_HOST", "127.0.0.1");
        try {
            gateways.add(pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a gateway", e);
        }
    }

    private void waitForFirst() {
        ports.add(waitFor(gateways.getFirst(), 0));
    }

    /** The port gateway {@code i} printed; its output is then copied to {@code gateway-i.log}. */
    private int waitFor(Process p, int i) {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        StringBuilder seen = new StringBuilder();
        try {
            String line;
            while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
                seen.append(line).append('\n');
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    Path log = dir.resolve("gateway-" + (i + 1) + ".log");
                    Thread copy = new Thread(() -> {
                        try (var w = Files.newBufferedWriter(log)) {
                            for (String l = out.readLine(); l != null; l = out.readLine()) {
                                w.write(l);
                                w.newLine();
                                w.flush();
                            }
                        } catch (IOException e) {
                            // the gateway ended
                        }
                    }, "gateway-" + (i + 1) + "-output");
                    copy.setDaemon(true);
                    copy.start();
                    return Integer.parseInt(m.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("gateway " + (i + 1) + " did not start:\n" + seen);
    }

    private void startBalancer(int lbPort) {
        port = lbPort == 0 ? Processes.freePort() : lbPort;
        StringBuilder cfg = new StringBuilder("""
                global
                  maxconn 4000
                defaults
                  mode http
                  timeout connect 2s
                  timeout client 60s
                  timeout server 60s
                  # A gateway slow to answer its health check (a busy machine, a full GC) stays in;
                  # a refused connection is retried on the other gateway rather than answered 503.
                  timeout check 5s
                  retries 3
                  option redispatch
                frontend precis
                """);
        cfg.append("  bind 127.0.0.1:").append(port).append('\n')
                // The gateways take the client's address from this header (PRECIS_TRUST_PROXY=1 in production).
                .append("  option forwardfor\n  default_backend gateways\nbackend gateways\n  balance roundrobin\n")
                .append("  option httpchk GET /health\n");
        for (int i = 0; i < ports.size(); i++) {
            cfg.append("  server g").append(i + 1).append(" 127.0.0.1:").append(ports.get(i)).append(" check inter 1s fall 5 rise 1\n");
        }
        Path file = dir.resolve("haproxy.cfg");
        try {
            Files.writeString(file, cfg);
            Path haproxy = Files.isExecutable(Path.of("/usr/sbin/haproxy")) ? Path.of("/usr/sbin/haproxy") : Path.of("haproxy");
            balancer = new ProcessBuilder(haproxy.toString(), "-db", "-f", file.toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start haproxy (apt-get install haproxy)", e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Processes.listening(port)) {
            if (!balancer.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("haproxy did not start; see " + dir.resolve("haproxy.log"));
            }
            sleep(20);
        }
    }

    /** The load balancer's URL. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The gateways' own ports, in start order. */
    public List<Integer> gatewayPorts() {
        return List.copyOf(ports);
    }

    /** Kills gateway {@code i} (0-based) as {@code kill -9} would: no shutdown hook, no flush. */
    public void kill(int i) throws InterruptedException {
        Process p = gateways.get(i);
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
    }

    public String adminToken() {
        return adminToken;
    }

    public Path dir() {
        return dir;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (balancer != null) {
            balancer.destroy();
        }
        for (Process p : gateways) {
            p.destroy();
        }
        for (Process p : gateways) {
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        redis.close();
        pg.close();
        Processes.deleteTree(dir);
    }

    public static void main(String[] args) throws Exception {
        int n = 3;
        int lbPort = 8090;
        int sep = List.of(args).indexOf("--");
        if (sep < 0 || sep == args.length - 1) {
            System.err.println("usage: LocalCluster [--gateways N] [--port P] -- <gateway command>");
            System.exit(2);
        }
        for (int i = 0; i < sep; i++) {
            switch (args[i]) {
                case "--gateways" -> n = Integer.parseInt(args[++i]);
                case "--port" -> lbPort = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("unknown argument " + args[i]);
                    System.exit(2);
                }
            }
        }
        List<String> gateway = List.of(args).subList(sep + 1, args.length);
        LocalCluster cluster = start(n, lbPort, gateway);
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "stop-cluster"));
        System.out.println("precis cluster: " + n + " gateways " + cluster.gatewayPorts() + " behind " + cluster.url()
                + " (HAProxy, round robin)");
        System.out.println("  PostgreSQL " + cluster.pg.uri() + "; keys, data dirs and logs under " + cluster.dir);
        System.out.println("  admin token: " + cluster.adminToken + "   (Ctrl-C stops everything)");
        System.out.println("  shared now: campaigns, accounts, segment rules, consent, events and reports;"
                + " still per gateway: frequency caps, budget holds and pacing (issue 13)");
        Thread.currentThread().join();
    }
}
