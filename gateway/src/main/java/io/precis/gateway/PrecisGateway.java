package io.precis.gateway;

import io.precis.consent.crypto.KeyFiles;
import io.precis.consent.crypto.Randoms;
import io.precis.gateway.accounts.AccountRoutes;
import io.precis.gateway.ad.AdRoutes;
import io.precis.gateway.auth.Authenticator;
import io.precis.gateway.campaigns.CampaignRoutes;
import io.precis.gateway.campaigns.CampaignService;
import io.precis.gateway.http.ConnectionGuard;
import io.precis.gateway.http.ErrorHandler;
import io.precis.gateway.http.RequestGate;
import io.precis.gateway.http.Routes;
import io.precis.gateway.observability.GatewayMetrics;
import io.precis.gateway.observability.Health;
import io.precis.gateway.observability.ProblemCounter;
import io.precis.gateway.behaviour.BehaviourData;
import io.precis.gateway.behaviour.BehaviourRoutes;
import io.precis.gateway.behaviour.SegmentRuleStore;
import io.precis.gateway.behaviour.VaultBehaviourStore;
import io.precis.gateway.delivery.CampaignBudgets;
import io.precis.gateway.delivery.CapHistoryStore;
import io.precis.gateway.delivery.DeliveryFeedback;
import io.precis.gateway.privacy.MeasurementData;
import io.precis.gateway.privacy.PersonalData;
import io.precis.matcher.campaign.ConversionCounting;
import io.precis.matcher.auction.InMemoryCampaignStats;
import io.precis.matcher.delivery.InMemoryDeliveryLedger;
import io.precis.matcher.segment.SegmentService;
import io.precis.gateway.privacy.ConsentRoutes;
import io.precis.gateway.privacy.ErasureStore;
import io.precis.gateway.privacy.KeyRefresh;
import io.precis.gateway.privacy.PrivacyCore;
import io.precis.gateway.privacy.UserRef;
import io.precis.gateway.reporting.ReportRoutes;
import io.precis.gateway.storage.Database;
import io.precis.gateway.storage.JdbcAccountStore;
import io.precis.gateway.storage.JdbcCampaignStore;
import io.precis.gateway.tracking.TrackingRoutes;
import io.precis.gateway.users.UserCookie;
import io.precis.gateway.web.WebPages;
import io.precis.matcher.index.CampaignIndex;
import io.precis.matcher.match.CampaignMatcher;
import io.precis.reports.event.AttributionPolicy;
import io.precis.reports.event.EventStore;
import io.precis.reports.event.JdbcEventStore;
import io.precis.reports.token.TokenSigner;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * One running gateway: storage, index, signer and event store wired behind a Vert.x HTTP
 * server. {@link #start} blocks until the server listens; {@link #close} drains pending events
 * and releases everything.
 */
public final class PrecisGateway implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PrecisGateway.class.getName());
    /**
     * Loggers that print request URIs or bodies at debug/trace level. URIs carry {@code ?user=}
     * ids (API.md's server-to-server form), so they are held at INFO whatever the logging
     * configuration says: personal data never reaches a log, not even at debug level.
     * Strong references, because java.util.logging forgets the level of a collected logger.
     */
    private static final List<Logger> QUIET = java.util.stream.Stream.of(
                    "io.vertx.ext.web", "io.vertx.core.http", "io.netty.handler.logging", "io.netty.handler.codec.http")
            .map(Logger::getLogger)
            .peek(l -> l.setLevel(java.util.logging.Level.INFO))
            .toList();

    private final GatewayConfig config;
    private final Clock clock;
    private final io.precis.gateway.storage.DataDirLock dirLock;
    private final Database db;
    private final CampaignIndex index;
    private final EventStore events;
    private final CapHistoryStore capHistory;
    private final VaultBehaviourStore behaviour;
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final Health health = new Health();
    private final ProblemCounter problems = ProblemCounter.install();
    private final KeyRefresh keyRefresh;
    /** A rotation reaches every running gateway within a minute. */
    private static final long KEY_REFRESH_MS = 60_000;
    private final PrivacyCore privacy;
    private final Vertx vertx;
    private final AccountRoutes accounts;
    private final CampaignService campaigns;
    private final Router router;
    private final InMemoryCampaignStats stats;
    private final io.precis.gateway.web.OneTimeLogins logins = new io.precis.gateway.web.OneTimeLogins();
    private final InMemoryDeliveryLedger ledger;
    private final Routes routes;
    private final ConnectionGuard connections;
    private HttpServer server;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private PrecisGateway(GatewayConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        Path dataDir = config.dataDir();
        dirLock = io.precis.gateway.storage.DataDirLock.acquire(dataDir);
        String adminToken = config.adminToken() != null ? config.adminToken() : adminTokenFile(dataDir);
        db = Database.open(dataDir);
        metrics.databaseCompactionFailures(db::compactionFailures);
        JdbcAccountStore accountStore = new JdbcAccountStore(db);
        index = new CampaignIndex();
        campaigns = new CampaignService(new JdbcCampaignStore(db), index, clock);
        // The token key sits with the other keys, readable by the owner alone.
        byte[] tokenKey = KeyFiles.loadOrCreate(config.keysDirOrDefault().resolve("token.key"), 32);
        TokenSigner signer = new TokenSigner(tokenKey, clock, config.impressionTtl(), config.clickTtl());
        // The ledger comes before the event store: the store's writer caps every charge at what
        // the budget has left in it, and books the charges there (CampaignBudgets).
        ledger = new InMemoryDeliveryLedger(clock);
        capHistory = new CapHistoryStore(db, clock, InMemoryDeliveryLedger.HISTORY);
        metrics.capHistoryDropped(capHistory::dropped);
        metrics.loggedProblems(problems);
        stats = new InMemoryCampaignStats();
        events = new JdbcEventStore(db.dataSource(), clock,
                AttributionPolicy.withClickWindow(config.clickWindow()).withEveryConversionCounted(id -> campaigns
                        .find(id).map(c -> c.conversionCounting() == ConversionCounting.EVERY).orElse(false)),
                config.clickPolicy(),
                config.reportPolicy(), new CampaignBudgets(ledger, campaigns));
        Authenticator auth = new Authenticator(adminToken, accountStore.all());
        privacy = PrivacyCore.open(config, clock);
        // Cookies carry a MAC under their own key, next to the token key (API.md: issued cookies only).
        UserCookie cookie = UserCookie.open(config.keysDirOrDefault());

        vertx = Vertx.vertx();
        // Exceptions nothing caught are logged by class and frames: Vert.x's default prints their
        // messages, and Netty's decoders quote the URI (with ?user= ids) in theirs.
        vertx.exceptionHandler(ErrorHandler::logSafely);
        connections = new ConnectionGuard(vertx, config.connections().header(), config.connections().max());
        accounts = new AccountRoutes(vertx, accountStore, auth, clock);
        router = Router.router(vertx);
        if (config.trustProxy()) {
            // Behind a load balancer every connection comes from it; the client is in the headers.
            router.allowForward(io.vertx.ext.web.AllowForwardHeaders.ALL);
        }
        router.route().handler(this::observe);
        router.route().handler(connections::watch);
        router.route().handler(BodyHandler.create(false).setBodyLimit(config.bodyLimit()));
        routes = new Routes(router);
        routes.on(HttpMethod.GET, "/health", health::handle);
        routes.on(HttpMethod.GET, "/metrics", ctx -> vertx.executeBlocking(metrics::scrape, false)
                .onSuccess(text -> ctx.response().putHeader("Content-Type", metrics.contentType()).end(text))
                .onFailure(ctx::fail));
        accounts.register(routes);
        new CampaignRoutes(vertx, campaigns, auth).register(routes);
        DeliveryFeedback delivery = new DeliveryFeedback(ledger, stats, campaigns, clock, capHistory);
        delivery.restoreCaps();
        // Before the server listens, so before the writer books any charge of its own.
        delivery.rebuild(events);
        behaviour = new VaultBehaviourStore(privacy.vault(), db, clock);
        metrics.behaviourSweepFailures(behaviour::sweepFailures);
        SegmentService segments = new SegmentService(behaviour, clock, index.analysis());
        new AdRoutes(vertx, new CampaignMatcher(index, ledger, stats, null, config.impressionTtl(),
                GatewayConfig.pageCache(System.getenv())), signer, metrics,
                privacy, segments, cookie, clock).register(routes);
        new BehaviourRoutes(vertx, auth, privacy, segments, new SegmentRuleStore(db), clock).register(routes);
        new TrackingRoutes(signer, events, campaigns, metrics, privacy, cookie, delivery).register(routes);
        new ReportRoutes(vertx, events, auth, clock).register(routes);
        new WebPages(cookie, logins).register(routes);
        List<PersonalData> personal = List.of(BehaviourData.segments(segments),
                BehaviourData.events(behaviour, segments), MeasurementData.of(events), delivery.personalData());
        new ConsentRoutes(vertx, privacy, new UserRef(auth, cookie), new ErasureStore(db), personal, clock)
                .register(routes);
        // Pick up key rotations made with ./precis keys rotate, and destroy expired epochs.
        keyRefresh = new KeyRefresh(privacy.pseudonyms(), metrics, health);
        vertx.setPeriodic(KEY_REFRESH_MS, id -> vertx.executeBlocking(keyRefresh::refresh, false));
        ErrorHandler errors = new ErrorHandler();
        router.route().failureHandler(errors);
        for (int status : new int[] {400, 404, 405, 413, 500}) {
            router.errorHandler(status, errors);
        }
    }

    /** Starts a gateway and waits until it listens. */
    public static PrecisGateway start(GatewayConfig config) {
        return start(config, Clock.systemUTC());
    }

    /** As {@link #start(GatewayConfig)}, telling time by {@code clock} (tests simulate days with it). */
    public static PrecisGateway start(GatewayConfig config, Clock clock) {
        PrecisGateway gw = new PrecisGateway(config, clock);
        try {
            gw.server = gw.vertx.createHttpServer(new HttpServerOptions()
                            .setHost(config.host()).setPort(config.port())
                            .setCompressionSupported(true)
                            // HTTP/1.1 only (TLS and h2 end at the proxy; browsers never speak h2c):
                            // with h2c on, Vert.x makes no connection until the first bytes
                            // arrive, so a silent client would escape the ConnectionGuard.
                            .setHttp2ClearTextEnabled(false)
                            .setIdleTimeout((int) config.connections().idle().toMillis())
                            .setIdleTimeoutUnit(TimeUnit.MILLISECONDS))
                    .connectionHandler(gw.connections)
                    .invalidRequestHandler(ErrorHandler::invalidRequest)
                    .exceptionHandler(ErrorHandler::connectionError)
                    .requestHandler(new RequestGate(gw.router, gw.routes, gw.connections))
                    .listen()
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            gw.close();
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof java.net.BindException || String.valueOf(t.getMessage()).contains("Address already in use")) {
                    throw new StartupException("port " + config.port() + " is in use; try --port N (0 picks a free port)");
                }
            }
            throw new IllegalStateException("cannot listen on port " + config.port(), e);
        }
        return gw;
    }

    public int port() {
        return server.actualPort();
    }

    public GatewayConfig config() {
        return config;
    }

    public AccountRoutes accounts() {
        return accounts;
    }

    public CampaignService campaigns() {
        return campaigns;
    }

    /** One-time dashboard login codes (the demo's link). */
    public io.precis.gateway.web.OneTimeLogins logins() {
        return logins;
    }

    /** The impressions, clicks and conversions each campaign is ranked by. */
    public io.precis.matcher.auction.CampaignStats campaignStats() {
        return stats;
    }

    /** What was delivered and spent, as matching reads it for caps, budgets and pacing. */
    public io.precis.matcher.delivery.DeliveryLedger deliveryLedger() {
        return ledger;
    }

    /** The periodic key refresh (tests run it at once instead of waiting a minute). */
    public KeyRefresh keyRefresh() {
        return keyRefresh;
    }

    /** Records route, method, status and latency of every request once it ends. */
    private void observe(RoutingContext ctx) {
        long start = System.nanoTime();
        ctx.addEndHandler(v -> {
            String route = ctx.get(Routes.ROUTE_KEY);
            metrics.request(route == null ? "unmatched" : route, ctx.request().method().name(),
                    ctx.response().getStatusCode(), (System.nanoTime() - start) / 1e9);
        });
        ctx.next();
    }

    /** The admin token from {@code <data-dir>/admin-token}, created (mode 600) on first start. */
    private static String adminTokenFile(Path dataDir) {
        Path file = dataDir.resolve("admin-token");
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(dataDir);
                KeyFiles.writeOwnerOnly(file, Randoms.token(32).getBytes(StandardCharsets.US_ASCII));
                LOG.info("generated an admin token in " + file.toAbsolutePath());
            } else {
                LOG.info("admin token read from " + file.toAbsolutePath());
            }
            return Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or create the admin token file " + file, e);
        }
    }

    /** Stops serving, drains pending events, releases storage. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (server != null) {
                server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            LOG.warning("HTTP server did not close cleanly: " + e.getClass().getSimpleName());
        }
        try {
            events.close();
        } catch (Exception e) {
            LOG.warning("event store did not close cleanly: " + e.getClass().getSimpleName());
        }
        capHistory.close();
        behaviour.close();
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warning("Vert.x did not close cleanly: " + e.getClass().getSimpleName());
        }
        try {
            index.close();
        } catch (IOException e) {
            LOG.warning("index did not close cleanly");
        }
        metrics.close();
        problems.close();
        privacy.close();
        db.close();
        dirLock.close();
    }
}
