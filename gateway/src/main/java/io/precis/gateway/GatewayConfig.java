package io.precis.gateway;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Everything the gateway can be told at start: command-line flags first, then environment.
 *
 * @param host address to listen on ({@code PRECIS_HOST}, default all interfaces)
 * @param port HTTP port ({@code --port}, default 8080; 0 picks a free one)
 * @param dataDir where all state lives ({@code --data-dir}, default {@code ./data})
 * @param demo seed the demo advertiser and campaigns on first start (off with {@code --no-demo})
 * @param adminToken {@code PRECIS_ADMIN_TOKEN}; null means generate and keep one in the data dir
 * @param bodyLimit request body limit in bytes ({@code PRECIS_BODY_LIMIT}, default 64 KiB)
 * @param impressionTtl impression token lifetime (1 h, as API.md says)
 * @param clickTtl click token lifetime (24 h, as API.md says)
 * @param clickWindow how long after a click a conversion is attributed to it (7 days)
 */
public record GatewayConfig(String host, int port, Path dataDir, boolean demo, String adminToken,
                            long bodyLimit, Duration impressionTtl, Duration clickTtl, Duration clickWindow) {

    public static final String USAGE = "usage: precis run [--port N] [--data-dir DIR] [--no-demo]";

    /** Defaults: the values in this record's documentation. */
    public static GatewayConfig defaults() {
        return new GatewayConfig("0.0.0.0", 8080, Path.of("data"), true, null, 64 * 1024,
                Duration.ofHours(1), Duration.ofHours(24), Duration.ofDays(7));
    }

    /** Parses {@code args} over the environment; IllegalArgumentException with a message on bad input. */
    public static GatewayConfig parse(String[] args, Map<String, String> env) {
        GatewayConfig c = defaults();
        String host = env.getOrDefault("PRECIS_HOST", c.host);
        int port = c.port;
        Path dataDir = c.dataDir;
        boolean demo = true;
        long bodyLimit = env.containsKey("PRECIS_BODY_LIMIT")
                ? parsePositive("PRECIS_BODY_LIMIT", env.get("PRECIS_BODY_LIMIT")) : c.bodyLimit;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = (int) parseRange("--port", value(args, ++i), 0, 65535);
                case "--data-dir" -> dataDir = Path.of(value(args, ++i));
                case "--no-demo" -> demo = false;
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "\n" + USAGE);
            }
        }
        String token = env.get("PRECIS_ADMIN_TOKEN");
        if (token != null && token.length() < 16) {
            throw new IllegalArgumentException("PRECIS_ADMIN_TOKEN must be at least 16 characters");
        }
        return new GatewayConfig(host, port, dataDir, demo, token, bodyLimit,
                c.impressionTtl, c.clickTtl, c.clickWindow);
    }

    public GatewayConfig withPort(int newPort) {
        return new GatewayConfig(host, newPort, dataDir, demo, adminToken, bodyLimit, impressionTtl, clickTtl, clickWindow);
    }

    public GatewayConfig withDataDir(Path dir) {
        return new GatewayConfig(host, port, dir, demo, adminToken, bodyLimit, impressionTtl, clickTtl, clickWindow);
    }

    public GatewayConfig withDemo(boolean on) {
        return new GatewayConfig(host, port, dataDir, on, adminToken, bodyLimit, impressionTtl, clickTtl, clickWindow);
    }

    public GatewayConfig withAdminToken(String token) {
        return new GatewayConfig(host, port, dataDir, demo, token, bodyLimit, impressionTtl, clickTtl, clickWindow);
    }

    public GatewayConfig withHost(String h) {
        return new GatewayConfig(h, port, dataDir, demo, adminToken, bodyLimit, impressionTtl, clickTtl, clickWindow);
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value\n" + USAGE);
        }
        return args[i];
    }

    private static long parsePositive(String name, String v) {
        return parseRange(name, v, 1, Long.MAX_VALUE);
    }

    private static long parseRange(String name, String v, long min, long max) {
        try {
            long n = Long.parseLong(v);
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number from " + min + " to " + max);
        }
    }
}
