package io.precis.gateway;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import io.precis.consent.PurposeKeys;
import io.precis.consent.Purposes;
import io.precis.matcher.match.PageCache;
import io.precis.reports.invalid.InvalidClickPolicy;
import io.precis.reports.privacy.ReportPolicy;

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
 * @param keysDir where secret keys live, apart from the data ({@code --keys-dir} or
 *     {@code PRECIS_KEYS_DIR}; default {@code <data-dir>/keys}, kept out of backups of {@code db/})
 * @param defaultPurposes the consent of a user who has not chosen ({@code PRECIS_DEFAULT_PURPOSES},
 *     a comma list of purposes; default none: opt-in)
 * @param pseudonymOverlap how long pseudonyms of a rotated key epoch stay resolvable (30 days)
 * @param clickPolicy thresholds of the invalid-click rules (defaults and reasons in
 *     {@link InvalidClickPolicy#DEFAULTS}; {@code PRECIS_CLICK_MIN_MS} sets the minimum time from
 *     impression to click)
 * @param reportPolicy the privacy threshold k and optional noise of reports
 *     ({@code PRECIS_REPORT_MIN_USERS}, default 10; {@code PRECIS_REPORT_EPSILON}, default off)
 * @param trustProxy take the client address from {@code Forwarded}/{@code X-Forwarded-For}
 *     ({@code PRECIS_TRUST_PROXY=1}); only behind a load balancer that sets them, else off
 * @param connections timeouts and the cap on open client connections (see {@link ConnectionLimits})
 */
public record GatewayConfig(String host, int port, Path dataDir, boolean demo, String adminToken,
                            long bodyLimit, Duration impressionTtl, Duration clickTtl, Duration clickWindow,
                            Path keysDir, Purposes defaultPurposes, Duration pseudonymOverlap,
                            InvalidClickPolicy clickPolicy, ReportPolicy reportPolicy, boolean trustProxy,
                            ConnectionLimits connections) {

    public static final String USAGE = "usage: precis run [--port N] [--data-dir DIR] [--keys-dir DIR] [--no-demo]";

    /** Defaults: the values in this record's documentation. */
    public static GatewayConfig defaults() {
        return new GatewayConfig("0.0.0.0", 8080, Path.of("data"), true, null, 64 * 1024,
                Duration.ofHours(1), Duration.ofHours(24), Duration.ofDays(7), null, Purposes.NONE, Duration.ofDays(30),
                InvalidClickPolicy.DEFAULTS, ReportPolicy.DEFAULTS, false, ConnectionLimits.defaults());
    }

    /**
     * How long a client may keep a connection without using it, and how many it may hold.
     *
     * @param idle a connection with no bytes either way for this long is closed
     *     ({@code PRECIS_IDLE_TIMEOUT_S}, default 60 s: above browsers' keep-alive reuse, below the
     *     minutes a held socket would cost)
     * @param header a request's head must arrive whole within this time of the connection opening
     *     or of the previous response ending, and its body within this time after the head
     *     ({@code PRECIS_HEADER_TIMEOUT_S}, default 10 s: 64 KiB at under 7 KB/s,
     *     Apache's {@code RequestReadTimeout} order of magnitude); this also closes idle keep-alive
     *     connections and clients that trickle a head byte by byte
     * @param max open client connections at most; beyond it a new one is closed at once
     *     ({@code PRECIS_MAX_CONNECTIONS}, default: the open-file limit less a reserve, so that
     *     the data files, the index and the log can always be opened)
     */
    public record ConnectionLimits(java.time.Duration idle, java.time.Duration header, int max) {
        /** Files the gateway itself keeps open (index segments, H2, jars, logs) stay below this. */
        static final int FILE_RESERVE = 512;

        public ConnectionLimits {
            if (idle.isNegative() || idle.isZero() || header.isNegative() || header.isZero() || max < 1) {
                throw new IllegalArgumentException("connection timeouts and the limit must be positive");
            }
        }

        public static ConnectionLimits defaults() {
            return new ConnectionLimits(Duration.ofSeconds(60), Duration.ofSeconds(10), defaultMax());
        }

        /** A quarter of the open-file limit, at least {@link #FILE_RESERVE} files, is kept for files. */
        static int defaultMax() {
            long files = java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                    instanceof com.sun.management.UnixOperatingSystemMXBean unix
                    ? unix.getMaxFileDescriptorCount() : 4096;
            long reserve = Math.max(FILE_RESERVE, files / 4);
            return (int) Math.max(64, Math.min(1_000_000, files - reserve));
        }

        static ConnectionLimits parse(Map<String, String> env) {
            ConnectionLimits d = defaults();
            Duration idle = env.containsKey("PRECIS_IDLE_TIMEOUT_S")
                    ? Duration.ofSeconds(parseRange("PRECIS_IDLE_TIMEOUT_S", env.get("PRECIS_IDLE_TIMEOUT_S"), 1, 3600))
                    : d.idle();
            Duration header = env.containsKey("PRECIS_HEADER_TIMEOUT_S")
                    ? Duration.ofSeconds(parseRange("PRECIS_HEADER_TIMEOUT_S", env.get("PRECIS_HEADER_TIMEOUT_S"), 1, 600))
                    : d.header();
            int max = env.containsKey("PRECIS_MAX_CONNECTIONS")
                    ? (int) parseRange("PRECIS_MAX_CONNECTIONS", env.get("PRECIS_MAX_CONNECTIONS"), 1, 1_000_000)
                    : d.max();
            return new ConnectionLimits(idle, header, max);
        }
    }

    /** The keys directory: as configured, or {@code <data-dir>/keys}. */
    public Path keysDirOrDefault() {
        return keysDir != null ? keysDir : dataDir.resolve("keys");
    }

    /** Parses {@code args} over the environment; IllegalArgumentException with a message on bad input. */
    public static GatewayConfig parse(String[] args, Map<String, String> env) {
        GatewayConfig c = defaults();
        String host = env.getOrDefault("PRECIS_HOST", c.host);
        int port = c.port;
        Path dataDir = c.dataDir;
        boolean demo = true;
        Path keysDir = env.containsKey("PRECIS_KEYS_DIR") ? Path.of(env.get("PRECIS_KEYS_DIR")) : null;
        long bodyLimit = env.containsKey("PRECIS_BODY_LIMIT")
                ? parsePositive("PRECIS_BODY_LIMIT", env.get("PRECIS_BODY_LIMIT")) : c.bodyLimit;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = (int) parseRange("--port", value(args, ++i), 0, 65535);
                case "--data-dir" -> dataDir = Path.of(value(args, ++i));
                case "--keys-dir" -> keysDir = Path.of(value(args, ++i));
                case "--no-demo" -> demo = false;
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "\n" + USAGE);
            }
        }
        String token = env.get("PRECIS_ADMIN_TOKEN");
        if (token != null && token.length() < 16) {
            throw new IllegalArgumentException("PRECIS_ADMIN_TOKEN must be at least 16 characters");
        }
        Purposes defaults = env.containsKey("PRECIS_DEFAULT_PURPOSES")
                ? parsePurposes(env.get("PRECIS_DEFAULT_PURPOSES")) : Purposes.NONE;
        pageCache(env); // a malformed setting stops the start here, named, as the others do
        return new GatewayConfig(host, port, dataDir, demo, token, bodyLimit,
                c.impressionTtl, c.clickTtl, c.clickWindow, keysDir, defaults, c.pseudonymOverlap, clickPolicy(env),
                reportPolicy(env), "1".equals(env.get("PRECIS_TRUST_PROXY")), ConnectionLimits.parse(env));
    }

    private static InvalidClickPolicy clickPolicy(Map<String, String> env) {
        InvalidClickPolicy d = InvalidClickPolicy.DEFAULTS;
        Duration minTime = env.containsKey("PRECIS_CLICK_MIN_MS")
                ? Duration.ofMillis(parseRange("PRECIS_CLICK_MIN_MS", env.get("PRECIS_CLICK_MIN_MS"), 0, 600_000))
                : d.minTimeToClick();
        return new InvalidClickPolicy(minTime, d.maxClicksPerUserPerHour(), d.maxClicksPerIpPrefixPerHour());
    }

    private static ReportPolicy reportPolicy(Map<String, String> env) {
        int k = env.containsKey("PRECIS_REPORT_MIN_USERS")
                ? (int) parseRange("PRECIS_REPORT_MIN_USERS", env.get("PRECIS_REPORT_MIN_USERS"), 1, 32)
                : ReportPolicy.DEFAULTS.minUsers();
        double epsilon = ReportPolicy.DEFAULTS.epsilon();
        if (env.containsKey("PRECIS_REPORT_EPSILON")) {
            try {
                epsilon = Double.parseDouble(env.get("PRECIS_REPORT_EPSILON"));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("PRECIS_REPORT_EPSILON must be a number (0 = no noise)");
            }
        }
        return new ReportPolicy(k, epsilon);
    }

    private static Purposes parsePurposes(String list) {
        java.util.Map<String, Boolean> on = new java.util.HashMap<>();
        for (String p : list.split(",")) {
            String name = p.strip();
            if (name.isEmpty()) {
                continue;
            }
            if (!PurposeKeys.ALL.contains(name)) {
                throw new IllegalArgumentException("PRECIS_DEFAULT_PURPOSES: unknown purpose " + name
                        + " (known: " + String.join(", ", PurposeKeys.ALL) + ")");
            }
            on.put(name, true);
        }
        return PurposeKeys.apply(Purposes.NONE, on);
    }

    public GatewayConfig withPort(int newPort) {
        return edit(b -> b.port = newPort);
    }

    public GatewayConfig withDataDir(Path dir) {
        return edit(b -> b.dataDir = dir);
    }

    public GatewayConfig withDemo(boolean on) {
        return edit(b -> b.demo = on);
    }

    public GatewayConfig withAdminToken(String token) {
        return edit(b -> b.adminToken = token);
    }

    public GatewayConfig withHost(String h) {
        return edit(b -> b.host = h);
    }

    public GatewayConfig withClickPolicy(InvalidClickPolicy policy) {
        return edit(b -> b.clickPolicy = policy);
    }

    public GatewayConfig withReportPolicy(ReportPolicy policy) {
        return edit(b -> b.reportPolicy = policy);
    }

    public GatewayConfig withConnectionLimits(ConnectionLimits limits) {
        return edit(b -> b.connections = limits);
    }

    /** A copy with {@code change} applied: the one place that lists every component. */
    private GatewayConfig edit(java.util.function.Consumer<Editable> change) {
        Editable e = new Editable(this);
        change.accept(e);
        return new GatewayConfig(e.host, e.port, e.dataDir, e.demo, e.adminToken, bodyLimit, impressionTtl, clickTtl,
                clickWindow, keysDir, defaultPurposes, pseudonymOverlap, e.clickPolicy, e.reportPolicy, trustProxy,
                e.connections);
    }

    /** The components that tests and tools change; the rest are copied as they are. */
    private static final class Editable {
        String host;
        int port;
        Path dataDir;
        boolean demo;
        String adminToken;
        InvalidClickPolicy clickPolicy;
        ReportPolicy reportPolicy;
        ConnectionLimits connections;

        Editable(GatewayConfig c) {
            host = c.host;
            port = c.port;
            dataDir = c.dataDir;
            demo = c.demo;
            adminToken = c.adminToken;
            clickPolicy = c.clickPolicy;
            reportPolicy = c.reportPolicy;
            connections = c.connections;
        }
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

    /**
     * The cache of analysed pages the matcher reuses by URL and content hash: pages of
     * {@code PRECIS_PAGE_CACHE_CHARS} characters in all (default {@link PageCache#DEFAULT_CHARS};
     * 0 turns it off), each for {@code PRECIS_PAGE_CACHE_TTL_S} seconds (default 60).
     */
    public static PageCache pageCache(Map<String, String> env) {
        long chars = env.containsKey("PRECIS_PAGE_CACHE_CHARS")
                ? parseRange("PRECIS_PAGE_CACHE_CHARS", env.get("PRECIS_PAGE_CACHE_CHARS"), 0, 1_000_000_000)
                : PageCache.DEFAULT_CHARS;
        Duration ttl = env.containsKey("PRECIS_PAGE_CACHE_TTL_S")
                ? Duration.ofSeconds(parseRange("PRECIS_PAGE_CACHE_TTL_S", env.get("PRECIS_PAGE_CACHE_TTL_S"), 1, 3600))
                : PageCache.DEFAULT_TTL;
        return new PageCache(chars, ttl);
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
