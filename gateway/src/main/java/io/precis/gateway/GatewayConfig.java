package io.precis.gateway;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import io.precis.consent.PurposeKeys;
import io.precis.consent.Purposes;
import io.precis.matcher.match.PageCache;
import io.precis.reports.invalid.InvalidClickPolicy;
import io.precis.reports.event.JdbcEventStore;
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
 * @param capacity event loops, worker pools and their queues (see {@link Capacity})
 * @param rateLimit requests per client network on the public endpoints (see {@link RateLimit})
 * @param store where accounts, campaigns, events and the other tables live (see {@link Store})
 * @param contact the gateway-wide contact policy and the suppression period of stop after
 *     conversion (see {@link io.precis.gateway.contact.ContactSettings})
 */
public record GatewayConfig(String host, int port, Path dataDir, boolean demo, String adminToken,
                            long bodyLimit, Duration impressionTtl, Duration clickTtl, Duration clickWindow,
                            Path keysDir, Purposes defaultPurposes, Duration pseudonymOverlap,
                            InvalidClickPolicy clickPolicy, ReportPolicy reportPolicy, boolean trustProxy,
                            ConnectionLimits connections, Capacity capacity, RateLimit rateLimit, Store store,
                            io.precis.gateway.contact.ContactSettings contact) {

    public static final String USAGE =
            "usage: precis run [--port N] [--data-dir DIR] [--keys-dir DIR] [--no-demo] [--event-loops N]"
            + " [--store embedded|postgres] [--pg-url URL] [--redis-url URL]";

    /** Defaults: the values in this record's documentation. */
    public static GatewayConfig defaults() {
        return new GatewayConfig("0.0.0.0", 8080, Path.of("data"), true, null, 64 * 1024,
                Duration.ofHours(1), Duration.ofHours(24), Duration.ofDays(7), null, Purposes.NONE, Duration.ofDays(30),
                InvalidClickPolicy.DEFAULTS, ReportPolicy.DEFAULTS, false, ConnectionLimits.defaults(),
                Capacity.defaults(), RateLimit.DEFAULTS, Store.EMBEDDED, io.precis.gateway.contact.ContactSettings.DEFAULTS);
    }

    /**
     * The SQL store: the embedded H2 file under the data dir ({@code --store embedded}, the
     * default), or a PostgreSQL server ({@code --store postgres} with {@code --pg-url} or
     * {@code PRECIS_PG_URL}: {@code postgresql://user:password@host:port/db} or
     * {@code jdbc:postgresql://...}). The consent log and the keys stay in the data and keys dirs.
     *
     * <p>With PostgreSQL, {@code --redis-url} or {@code PRECIS_REDIS_URL}
     * ({@code redis://[:password@]host:port[/db]}) names the Redis every instance shares for
     * frequency caps, budget holds and spend, invalid-click counters and rate limits; without
     * it each instance keeps those in its own memory (right for one instance only).
     *
     * @param jdbcUrl the PostgreSQL JDBC URL, null for the embedded store
     * @param redisUrl the shared Redis, null for none (only with PostgreSQL)
     */
    public record Store(String jdbcUrl, String redisUrl) {
        public static final Store EMBEDDED = new Store(null);

        public Store {
            if (redisUrl != null && jdbcUrl == null) {
                throw new IllegalArgumentException("--redis-url is for several instances on one database:"
                        + " it needs --store postgres (the embedded store is for one instance)");
            }
            if (redisUrl != null && !redisUrl.startsWith("redis://")) {
                throw new IllegalArgumentException("the Redis URL must look like redis://host:port");
            }
        }

        /** PostgreSQL without a shared Redis, or the embedded store when {@code jdbcUrl} is null. */
        public Store(String jdbcUrl) {
            this(jdbcUrl, null);
        }

        /** This store with the shared Redis at {@code url}. */
        public Store withRedis(String url) {
            return new Store(jdbcUrl, url);
        }

        public boolean postgres() {
            return jdbcUrl != null;
        }

        /** Whether caps, budgets, click counters and rate limits are shared in Redis. */
        public boolean redis() {
            return redisUrl != null;
        }

        /** Where, for the start-up log: host, port and database, never the user or password. */
        public String describe() {
            if (jdbcUrl == null) {
                return "embedded H2 in the data dir";
            }
            java.net.URI u = java.net.URI.create(jdbcUrl.substring("jdbc:".length()));
            String where = "PostgreSQL at " + u.getHost() + ":" + (u.getPort() < 0 ? 5432 : u.getPort()) + u.getPath();
            if (redisUrl == null) {
                return where;
            }
            java.net.URI r = java.net.URI.create(redisUrl);
            return where + " and Redis at " + r.getHost() + ":" + (r.getPort() < 0 ? 6379 : r.getPort());
        }

        static Store parse(String kind, String url, String redisUrl) {
            Store s = parse(kind, url);
            return redisUrl == null ? s : s.withRedis(redisUrl);
        }

        static Store parse(String kind, String url) {
            if (kind == null || kind.equals("embedded")) {
                if (url != null && kind != null) {
                    throw new IllegalArgumentException("--pg-url needs --store postgres");
                }
                return url == null ? EMBEDDED : new Store(jdbcUrl(url));
            }
            if (!kind.equals("postgres")) {
                throw new IllegalArgumentException("--store must be embedded or postgres\n" + USAGE);
            }
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException("--store postgres needs --pg-url URL or PRECIS_PG_URL");
            }
            return new Store(jdbcUrl(url));
        }

        /** {@code postgresql://user:password@host:port/db} as the JDBC driver wants it; a JDBC URL as it is. */
        static String jdbcUrl(String url) {
            if (url.startsWith("jdbc:postgresql://")) {
                return url;
            }
            if (!url.startsWith("postgresql://") && !url.startsWith("postgres://")) {
                throw new IllegalArgumentException("the PostgreSQL URL must look like postgresql://user@host:port/db");
            }
            java.net.URI u;
            try {
                u = new java.net.URI(url);
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("the PostgreSQL URL must look like postgresql://user@host:port/db");
            }
            if (u.getHost() == null || u.getPath() == null || u.getPath().length() < 2) {
                throw new IllegalArgumentException("the PostgreSQL URL needs a host and a database: postgresql://user@host:port/db");
            }
            StringBuilder q = new StringBuilder(u.getRawQuery() == null ? "" : u.getRawQuery());
            if (u.getRawUserInfo() != null) {
                String[] userPass = u.getRawUserInfo().split(":", 2);
                q.append(q.isEmpty() ? "" : "&").append("user=").append(userPass[0]);
                if (userPass.length == 2) {
                    q.append("&password=").append(userPass[1]);
                }
            }
            return "jdbc:postgresql://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort()) + u.getRawPath()
                    + (q.isEmpty() ? "" : "?" + q);
        }
    }

    /**
     * How much work the gateway takes on at once; beyond it a request gets 503 {@code unavailable}
     * with {@code Retry-After} at once instead of waiting in an unbounded queue.
     *
     * @param eventLoops HTTP server instances, one per event loop ({@code --event-loops N} or
     *     {@code PRECIS_EVENT_LOOPS}; default the number of cores, as Vert.x services run)
     * @param matchThreads threads matching ad requests ({@code PRECIS_MATCH_THREADS}; default the
     *     number of cores: matching is CPU work, more threads than cores only queue in the OS)
     * @param storageThreads threads for blocking storage and crypto batches: consent, behaviour,
     *     reports, accounts, campaigns ({@code PRECIS_STORAGE_THREADS}; default 16, since they
     *     mostly wait on fsyncs and the database, as Vert.x's own worker pool of 20 does)
     * @param workQueue tasks waiting for each pool's threads at most ({@code PRECIS_WORK_QUEUE};
     *     default 256: at a few thousand ad requests a second, tens of milliseconds of work)
     * @param eventQueue tracking events waiting for the event writer at most ({@code PRECIS_EVENT_QUEUE};
     *     default {@link io.precis.reports.event.JdbcEventStore#MAX_QUEUE}, about two seconds of peak load)
     */
    public record Capacity(int eventLoops, int matchThreads, int storageThreads, int workQueue, int eventQueue) {
        public Capacity {
            if (eventLoops < 1 || matchThreads < 1 || storageThreads < 1 || workQueue < 0 || eventQueue < 1) {
                throw new IllegalArgumentException("event loops, threads and the event queue must be positive,"
                        + " the work queue not negative");
            }
        }

        public static Capacity defaults() {
            int cores = Runtime.getRuntime().availableProcessors();
            return new Capacity(cores, cores, 16, 256, io.precis.reports.event.JdbcEventStore.MAX_QUEUE);
        }

        static Capacity parse(Map<String, String> env, Integer eventLoopsFlag) {
            Capacity d = defaults();
            int loops = eventLoopsFlag != null ? eventLoopsFlag : intOr(env, "PRECIS_EVENT_LOOPS", 1, 1024, d.eventLoops);
            return new Capacity(loops, intOr(env, "PRECIS_MATCH_THREADS", 1, 1024, d.matchThreads),
                    intOr(env, "PRECIS_STORAGE_THREADS", 1, 1024, d.storageThreads),
                    intOr(env, "PRECIS_WORK_QUEUE", 0, 1_000_000, d.workQueue),
                    intOr(env, "PRECIS_EVENT_QUEUE", 1, 10_000_000, d.eventQueue));
        }
    }

    /**
     * Per-source rate limit of the public endpoints ({@code /v1/ad}, {@code /v1/t/*},
     * {@code /v1/consent*}, {@code /v1/me}): a token bucket per client network (IPv4 /24, IPv6 /48),
     * refilled at {@code perSecond} and holding {@code burst} requests at most.
     *
     * @param perSecond requests a second per network ({@code PRECIS_RATE_LIMIT}; 0 turns the limit
     *     off; default 200, above what one office or carrier NAT sends to one ad server)
     * @param burst requests a network may send at once after a quiet spell ({@code PRECIS_RATE_BURST};
     *     default 1000, a page-load spike of a big NAT)
     */
    public record RateLimit(int perSecond, int burst) {
        public static final RateLimit DEFAULTS = new RateLimit(200, 1000);
        public static final RateLimit OFF = new RateLimit(0, 0);

        public RateLimit {
            if (perSecond < 0 || burst < 0 || (perSecond > 0 && burst < 1)) {
                throw new IllegalArgumentException("the rate limit and its burst must not be negative");
            }
        }

        public boolean off() {
            return perSecond == 0;
        }

        static RateLimit parse(Map<String, String> env) {
            int rate = intOr(env, "PRECIS_RATE_LIMIT", 0, 1_000_000, DEFAULTS.perSecond);
            return rate == 0 ? OFF : new RateLimit(rate, intOr(env, "PRECIS_RATE_BURST", 1, 10_000_000, DEFAULTS.burst));
        }
    }

    private static int intOr(Map<String, String> env, String name, int min, int max, int otherwise) {
        return env.containsKey(name) ? (int) parseRange(name, env.get(name), min, max) : otherwise;
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
        Integer eventLoops = null;
        Path keysDir = env.containsKey("PRECIS_KEYS_DIR") ? Path.of(env.get("PRECIS_KEYS_DIR")) : null;
        long bodyLimit = env.containsKey("PRECIS_BODY_LIMIT")
                ? parsePositive("PRECIS_BODY_LIMIT", env.get("PRECIS_BODY_LIMIT")) : c.bodyLimit;
        String storeKind = env.get("PRECIS_STORE");
        String pgUrl = env.get("PRECIS_PG_URL");
        String redisUrl = env.get("PRECIS_REDIS_URL");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = (int) parseRange("--port", value(args, ++i), 0, 65535);
                case "--data-dir" -> dataDir = Path.of(value(args, ++i));
                case "--keys-dir" -> keysDir = Path.of(value(args, ++i));
                case "--no-demo" -> demo = false;
                case "--store" -> storeKind = value(args, ++i);
                case "--pg-url" -> pgUrl = value(args, ++i);
                case "--redis-url" -> redisUrl = value(args, ++i);
                case "--event-loops" -> eventLoops = (int) parseRange("--event-loops", value(args, ++i), 1, 1024);
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
        eventRetention(env);
        placeRules(env);
        lookalikeRebuild(env);
        return new GatewayConfig(host, port, dataDir, demo, token, bodyLimit,
                c.impressionTtl, c.clickTtl, c.clickWindow, keysDir, defaults, c.pseudonymOverlap, clickPolicy(env),
                reportPolicy(env), "1".equals(env.get("PRECIS_TRUST_PROXY")), ConnectionLimits.parse(env),
                Capacity.parse(env, eventLoops), RateLimit.parse(env),
                Store.parse(storeKind != null ? storeKind : pgUrl != null ? "postgres" : null, pgUrl, redisUrl),
                io.precis.gateway.contact.ContactSettings.parse(env));
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

    public GatewayConfig withKeysDir(Path dir) {
        return edit(b -> b.keysDir = dir);
    }

    public GatewayConfig withStore(Store s) {
        return edit(b -> b.store = s);
    }

    public GatewayConfig withCapacity(Capacity c) {
        return edit(b -> b.capacity = c);
    }

    public GatewayConfig withRateLimit(RateLimit limit) {
        return edit(b -> b.rateLimit = limit);
    }

    public GatewayConfig withContact(io.precis.gateway.contact.ContactSettings settings) {
        return edit(b -> b.contact = settings);
    }

    public GatewayConfig withTrustProxy(boolean on) {
        return edit(b -> b.trustProxy = on);
    }

    /** A copy with {@code change} applied: the one place that lists every component. */
    private GatewayConfig edit(java.util.function.Consumer<Editable> change) {
        Editable e = new Editable(this);
        change.accept(e);
        return new GatewayConfig(e.host, e.port, e.dataDir, e.demo, e.adminToken, bodyLimit, impressionTtl, clickTtl,
                clickWindow, e.keysDir, defaultPurposes, pseudonymOverlap, e.clickPolicy, e.reportPolicy, e.trustProxy,
                e.connections, e.capacity, e.rateLimit, e.store, e.contact);
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
        Store store;
        boolean trustProxy;
        Capacity capacity;
        RateLimit rateLimit;
        Path keysDir;
        io.precis.gateway.contact.ContactSettings contact;

        Editable(GatewayConfig c) {
            host = c.host;
            port = c.port;
            dataDir = c.dataDir;
            demo = c.demo;
            adminToken = c.adminToken;
            clickPolicy = c.clickPolicy;
            reportPolicy = c.reportPolicy;
            connections = c.connections;
            store = c.store;
            keysDir = c.keysDir;
            trustProxy = c.trustProxy;
            capacity = c.capacity;
            rateLimit = c.rateLimit;
            contact = c.contact;
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
    /**
     * How long raw measurement events are kept ({@code PRECIS_EVENT_RETENTION_DAYS}, 1–36500;
     * default 400); their roll-ups are kept for good. Read apart, as {@link #pageCache} is.
     */
    public static Duration eventRetention(Map<String, String> env) {
        return Duration.ofDays(env.containsKey("PRECIS_EVENT_RETENTION_DAYS")
                ? parseRange("PRECIS_EVENT_RETENTION_DAYS", env.get("PRECIS_EVENT_RETENTION_DAYS"), 1, 36_500)
                : JdbcEventStore.DEFAULT_EVENT_RETENTION.toDays());
    }

    /**
     * Place-visit segment thresholds ({@code PRECIS_PLACE_WINDOW_DAYS}, 1–180, default 30;
     * {@code PRECIS_PLACE_REGULAR_DAYS}, 2–180, default 4: visit-days in the window that make a
     * regular; {@code PRECIS_PLACE_FREQUENT_DAYS}, 1–180, default 4: visit-days to a category
     * that make its frequent visitor). Read apart, as {@link #pageCache} is.
     */
    public static io.precis.matcher.segment.PlaceVisits.Rules placeRules(Map<String, String> env) {
        var d = io.precis.matcher.segment.PlaceVisits.Rules.DEFAULTS;
        return new io.precis.matcher.segment.PlaceVisits.Rules(
                (int) rangeOr(env, "PRECIS_PLACE_WINDOW_DAYS", 1, 180, d.windowDays()),
                (int) rangeOr(env, "PRECIS_PLACE_REGULAR_DAYS", 2, 180, d.regularDays()),
                (int) rangeOr(env, "PRECIS_PLACE_FREQUENT_DAYS", 1, 180, d.frequentDays()));
    }

    /**
     * How often every lookalike is built again ({@code PRECIS_LOOKALIKE_REBUILD_HOURS}, 1 to 720,
     * default 24): a day lets new behaviour in and withdrawn consent out within a day.
     */
    public static Duration lookalikeRebuild(Map<String, String> env) {
        return Duration.ofHours(rangeOr(env, "PRECIS_LOOKALIKE_REBUILD_HOURS", 1, 720, 24));
    }

    private static long rangeOr(Map<String, String> env, String name, long min, long max, long otherwise) {
        return env.containsKey(name) ? parseRange(name, env.get(name), min, max) : otherwise;
    }

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
