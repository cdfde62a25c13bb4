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
import io.precis.gateway.observability.AccessLog;
import io.precis.gateway.observability.AuditLog;
import io.precis.gateway.observability.GatewayMetrics;
import io.precis.gateway.observability.Tracing;
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
    private final io.precis.gateway.contact.ContactStore contactStore;
    /** Set in the constructor: what the contact rules held back is written at close. */
    private io.precis.gateway.contact.ContactPolicy contactPolicy;
    private final VaultBehaviourStore behaviour;
    /** The lookalikes' interest profiles: loaded in the background once the server listens. */
    private io.precis.gateway.audiences.StoredProfiles profiles;
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
    private final io.precis.gateway.audiences.AudienceService audiences;
    private final io.precis.gateway.places.PlaceStore places;
    private final Router router;
    private final InMemoryCampaignStats stats;
    private final io.precis.gateway.web.OneTimeLogins logins = new io.precis.gateway.web.OneTimeLogins();
    private final io.precis.matcher.delivery.DeliveryBook ledger;
    /** The Redis shared by every instance (caps, budgets, counters), or null for none. */
    private final io.precis.gateway.redis.SharedRedis redis;
    private long reseedTimer = -1;
    private final Routes routes;
    private final ConnectionGuard connections;
    private final io.precis.gateway.workers.WorkerPool matchPool;
    private final io.precis.gateway.workers.WorkerPool storagePool;
    private String deployment;
    private int port;
    private final Tracing tracing;
    private final io.precis.gateway.storage.ChangeFeed changes;
    private final AccessLog accessLog;
    private final AuditLog audit;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private PrecisGateway(GatewayConfig config, Clock clock, Tracing tracing) {
        this.config = config;
        this.clock = clock;
        this.tracing = tracing;
        Path dataDir = config.dataDir();
        dirLock = io.precis.gateway.storage.DataDirLock.acquire(dataDir);
        // Beside precis.log; written off the event loop, never personal data.
        accessLog = AccessLog.open(dataDir.resolve("logs"));
        audit = AuditLog.open(dataDir.resolve("logs"));
        metrics.logDropped(accessLog::dropped, audit::dropped);
        String adminToken = config.adminToken() != null ? config.adminToken() : adminTokenFile(dataDir);
        try {
            db = openStore(config);
        } catch (RuntimeException e) {
            dirLock.close();
            throw e;
        }
        metrics.databaseCompactionFailures(db::compactionFailures);
        // Before anything is loaded: a change another gateway makes meanwhile is applied again.
        changes = new io.precis.gateway.storage.ChangeFeed(db, clock);
        io.precis.gateway.storage.AccountStore accountStore = changes.publishing(new JdbcAccountStore(db));
        index = new CampaignIndex();
        // A campaign may name only its advertiser's customer lists and places (loaded below,
        // before any request).
        campaigns = new CampaignService(changes.publishing(new JdbcCampaignStore(db)), index, clock,
                this::checkOwned);
        metrics.index(index::campaignCount, campaigns::indexRefreshLagSeconds);
        // The token key sits with the other keys, readable by the owner alone.
        byte[] tokenKey = KeyFiles.loadOrCreate(config.keysDirOrDefault().resolve("token.key"), 32);
        TokenSigner signer = new TokenSigner(tokenKey, clock, config.impressionTtl(), config.clickTtl());
        // The ledger comes before the event store: the store's writer caps every charge at what
        // the budget has left in it, and books the charges there (CampaignBudgets).
        // With a shared Redis, caps and budgets are one truth for every instance on the database.
        redis = openRedis(config);
        ledger = redis == null ? new InMemoryDeliveryLedger(clock) : new io.precis.gateway.redis.RedisDeliveryLedger(redis, clock);
        capHistory = new CapHistoryStore(db, clock, InMemoryDeliveryLedger.HISTORY);
        metrics.capHistoryDropped(capHistory::dropped);
        contactStore = new io.precis.gateway.contact.ContactStore(db);
        metrics.loggedProblems(problems);
        stats = new InMemoryCampaignStats();
        JdbcEventStore eventStore = new JdbcEventStore(db.dataSource(), clock,
                AttributionPolicy.withClickWindow(config.clickWindow()).withEveryConversionCounted(id -> campaigns
                        .find(id).map(c -> c.conversionCounting() == ConversionCounting.EVERY).orElse(false)),
                redis == null ? config.clickPolicy() : config.clickPolicy().countedIn(new io.precis.gateway.redis.RedisClickCounters(
                        redis, KeyFiles.loadOrCreate(config.keysDirOrDefault().resolve("click-counter.key"), 32))),
                config.reportPolicy(), ledger instanceof io.precis.gateway.redis.RedisDeliveryLedger shared
                        ? new io.precis.gateway.delivery.SharedCampaignBudgets(shared, campaigns)
                        : new CampaignBudgets(ledger, campaigns), config.capacity().eventQueue());
        eventStore.retainEventsFor(GatewayConfig.eventRetention(System.getenv()));
        events = eventStore;
        Authenticator auth = new Authenticator(adminToken, accountStore.all());
        privacy = PrivacyCore.open(config, clock);
        privacy.share(db);
        audiences = new io.precis.gateway.audiences.AudienceService(new io.precis.gateway.audiences.AudienceStore(db),
                privacy.pseudonyms(), config.reportPolicy().minUsers(), clock,
                id -> changes.publish(io.precis.gateway.audiences.AudienceService.CHANGE_KIND, id));
        // Cookies carry a MAC under their own key, next to the token key (API.md: issued cookies only).
        UserCookie cookie = UserCookie.open(config.keysDirOrDefault());

        GatewayConfig.Capacity capacity = config.capacity();
        // Netty's native epoll transport where there is one (Linux, x86-64 and ARM64), else the
        // JDK's selector: its wake-up from another thread takes a lock the event loop takes too,
        // and on a busy machine an event loop waited 10 ms and more on it for the match threads
        // handing back answers (perf/README.md, "The half-peak tail, seen from inside").
        vertx = tracing.newVertx(new io.vertx.core.VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(
                Math.max(io.vertx.core.VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE, capacity.eventLoops())));
        // Matching (CPU) and blocking storage have pools of their own, so an ad request never
        // waits behind a consent fsync or a report query; both refuse work beyond their queue.
        matchPool = new io.precis.gateway.workers.WorkerPool(vertx, "precis-match", capacity.matchThreads(),
                capacity.workQueue());
        storagePool = new io.precis.gateway.workers.WorkerPool(vertx, "precis-storage", capacity.storageThreads(),
                capacity.workQueue());
        metrics.workerPools(List.of(matchPool, storagePool));
        // Exceptions nothing caught are logged by class and frames: Vert.x's default prints their
        // messages, and Netty's decoders quote the URI (with ?user= ids) in theirs.
        vertx.exceptionHandler(ErrorHandler::logSafely);
        connections = new ConnectionGuard(vertx, config.connections().header(), config.connections().max());
        accounts = new AccountRoutes(storagePool, accountStore, auth, clock);
        router = Router.router(vertx);
        if (config.trustProxy()) {
            // Behind a load balancer every connection comes from it; the client is in the headers.
            router.allowForward(io.vertx.ext.web.AllowForwardHeaders.ALL);
        }
        router.route().handler(this::observe);
        router.route().handler(connections::watch);
        // A customer-list batch (100k ids) is larger than any other body; the route's own
        // handler reads it, and the general one then passes the read body on.
        router.route(io.precis.gateway.audiences.AudienceRoutes.MEMBERS_ROUTE).handler(
                BodyHandler.create(false).setBodyLimit(io.precis.gateway.audiences.AudienceRoutes.MEMBERS_BODY_LIMIT));
        router.route().handler(BodyHandler.create(false).setBodyLimit(config.bodyLimit()));
        routes = new Routes(router);
        if (!config.rateLimit().off()) {
            router.route().handler(new io.precis.gateway.http.RateLimiter(config.rateLimit(), routes, java.util.Set.of(
                    "/v1/ad", "/v1/t/imp", "/v1/t/click", "/v1/t/conversion", "/v1/consent", "/v1/consent/history",
                    "/v1/consent/key", "/v1/me"), config.trustProxy(),
                    redis == null ? null : new io.precis.gateway.redis.RedisRateBuckets(redis, config.rateLimit())));
        }
        routes.on(HttpMethod.GET, "/health", health::handle);
        routes.on(HttpMethod.GET, "/metrics", ctx -> vertx.executeBlocking(metrics::scrape, false)
                .onSuccess(text -> ctx.response().putHeader("Content-Type", metrics.contentType()).end(text))
                .onFailure(ctx::fail));
        accounts.register(routes);
        new CampaignRoutes(storagePool, campaigns, auth).register(routes);
        DeliveryFeedback delivery = new DeliveryFeedback(ledger, stats, campaigns, clock, capHistory);
        metrics.capsLost(delivery::capsLost);
        // Before the server listens, so before the writer books any charge of its own.
        delivery.restore(events);
        io.precis.gateway.contact.ContactPolicy contacts = contactPolicy(config, changes);
        behaviour = new VaultBehaviourStore(privacy.vault(), db, clock);
        metrics.behaviourSweepFailures(behaviour::sweepFailures);
        metrics.behaviourCommits(behaviour::commits);
        SegmentService segments = new SegmentService(behaviour, clock, index.analysis());
        // Triggers that fired, shared at once with the other instances through the shared Redis.
        io.precis.gateway.behaviour.SharedTriggers triggers = redis == null
                ? io.precis.gateway.behaviour.SharedTriggers.NONE : new io.precis.gateway.redis.RedisTriggers(redis);
        // Real-time triggers of the campaigns that serve, evaluated on each person's behaviour.
        campaigns.onChange(c -> segments.trigger(c.id(),
                c.status() == io.precis.matcher.campaign.CampaignStatus.ACTIVE ? c.targeting().trigger() : null));
        // Lift tests draw who is held out under a key derived from the token key: every instance shares it.
        AdRoutes adRoutes = new AdRoutes(matchPool, new CampaignMatcher(index, ledger, stats, null, config.impressionTtl(),
                GatewayConfig.pageCache(System.getenv()), io.precis.matcher.lift.HoldOut.keyedBy(tokenKey)), signer, metrics,
                privacy, segments, cookie, clock, tracing.tracer(),
                (aliases, purposes) -> audiences.listsOf(aliases, purposes.profiling()), contacts, events, triggers);
        adRoutes.register(routes);
        new io.precis.gateway.ad.DecideRoutes(adRoutes, matchPool, auth).register(routes);
        new io.precis.gateway.contact.ContactRoutes(storagePool, contacts, campaigns, auth, clock).register(routes);
        new io.precis.gateway.ad.OpenRtbRoutes(adRoutes, matchPool, config.trustProxy()).register(routes);
        SegmentRuleStore segmentRules = new SegmentRuleStore(db, changes);
        places = new io.precis.gateway.places.PlaceStore(db, changes, clock);
        segments.places(places.directory(), GatewayConfig.placeRules(System.getenv()));
        new io.precis.gateway.places.PlaceRoutes(storagePool, places, segments, auth).register(routes);
        // Lookalikes: profiles of people with profiling consent, fed by behaviour, stored sealed
        // and indexed in memory; the index is loaded from the store after the server listens.
        profiles = new io.precis.gateway.audiences.StoredProfiles(new io.precis.matcher.lookalike.ProfileIndex(),
                new io.precis.gateway.audiences.ProfileStore(db, privacy.vault(), clock));
        metrics.storedProfiles(profiles::loaded, profiles::loadFailures, profiles::unreadable, profiles::writeFailures);
        var lookalikes = new io.precis.gateway.audiences.LookalikeService(profiles,
                audiences, new io.precis.gateway.audiences.LookalikeStore(db),
                aliases -> privacy.stored(new io.precis.gateway.privacy.UserKeys(aliases, List.of())).purposes().profiling(),
                places::owns,
                io.precis.gateway.audiences.LookalikeService.Converters.of(campaigns, events), clock);
        new io.precis.gateway.audiences.AudienceRoutes(storagePool, audiences, lookalikes, auth).register(routes);
        vertx.setPeriodic(GatewayConfig.lookalikeRebuild(System.getenv()).toMillis(), id -> storagePool.submit(() -> {
            lookalikes.rebuildAll();
            return null;
        }));
        new BehaviourRoutes(storagePool, auth, privacy, segments, segmentRules, places.directory(), lookalikes, triggers, clock)
                .register(routes);
        new TrackingRoutes(storagePool, signer, events, campaigns, metrics, privacy, cookie, delivery, tracing.tracer(),
                contacts).register(routes);
        new ReportRoutes(storagePool, events, auth, clock).register(routes);
        new WebPages(cookie, logins).register(routes);
        new io.precis.gateway.web.AdTag().register(routes);
        List<PersonalData> personal = List.of(BehaviourData.segments(segments, triggers, clock),
                BehaviourData.events(behaviour, segments), MeasurementData.of(events), delivery.personalData(),
                lookalikes.personalData(), audiences.personalData(), contacts.personalData());
        ErasureStore erasureStore = new ErasureStore(db, changes);
        new ConsentRoutes(storagePool, privacy, new UserRef(auth, cookie), erasureStore, personal, clock)
                .onProfilingWithdrawn(lookalikes::withdrawn)
                .register(routes);
        // Pick up key rotations made with ./precis keys rotate, and destroy expired epochs.
        // Campaigns and accounts changed through other gateways on the same PostgreSQL.
        changes.on(io.precis.gateway.storage.ChangeFeed.CAMPAIGN, campaigns::reload)
                .on(io.precis.gateway.storage.ChangeFeed.ACCOUNT, id -> accountStore.find(id).ifPresent(auth::add))
                .on(io.precis.gateway.audiences.AudienceService.CHANGE_KIND, id -> {
                    audiences.reload(id);
                    lookalikes.reload(id);
                })
                .on(io.precis.gateway.contact.ContactPolicy.CHANGE_KIND, contacts::reload)
                .on(io.precis.gateway.storage.ChangeFeed.SEGMENT_RULE, id -> segmentRules.find(id).ifPresent(segments::define))
                .on(io.precis.gateway.storage.ChangeFeed.PLACE, id -> {
                    places.reload(id);
                    segments.placesChanged();
                })
                .on(io.precis.gateway.storage.ChangeFeed.ERASURE, id -> erasureStore.notice(id)
                        .ifPresent(erased -> personal.forEach(d -> d.erase(erased))))
                .start();
        if (redis != null) {
            // A Redis that restarted empty is seeded again from the database by one instance.
            reseedTimer = vertx.setPeriodic(REDIS_RESEED_MS, id -> storagePool.submit(() -> {
                delivery.reseedIfEmpty(events);
                contactPolicy.reseedIfEmpty();
                return null;
            }));
        }
        // After each refresh, customer lists drop the members of keys just destroyed.
        keyRefresh = new KeyRefresh(privacy.pseudonyms(), metrics, health, audit).then(audiences::expireKeys);
        vertx.setPeriodic(KEY_REFRESH_MS, id -> vertx.executeBlocking(keyRefresh::refresh, false));
        ErrorHandler errors = new ErrorHandler();
        router.route().failureHandler(errors);
        for (int status : new int[] {400, 404, 405, 413, 500}) {
            router.errorHandler(status, errors);
        }
    }

    /**
     * Stop after conversion and the contact policy, counted in the shared Redis when there is
     * one, else in memory; seeded from the database, and its effects written every
     * {@link #CONTACT_HOUSEKEEPING_MS}. Blocking; before any traffic.
     */
    private io.precis.gateway.contact.ContactPolicy contactPolicy(GatewayConfig config,
                                                                   io.precis.gateway.storage.ChangeFeed changes) {
        io.precis.gateway.contact.ContactBook book = redis == null ? new io.precis.gateway.contact.InMemoryContactBook()
                : new io.precis.gateway.redis.RedisContactBook(redis, clock);
        var contacts = new io.precis.gateway.contact.ContactPolicy(config.contact(), book, contactStore, campaigns, clock,
                config.clickWindow(), changes::publish);
        contacts.restore();
        contactPolicy = contacts;
        metrics.contactPolicy(() -> contacts.effects().total(io.precis.gateway.contact.ContactEffects.Reason.NOT_SHOWN),
                () -> contacts.effects().total(io.precis.gateway.contact.ContactEffects.Reason.SUPPRESSED),
                () -> contactStore.dropped() + contactStore.failed());
        vertx.setPeriodic(CONTACT_HOUSEKEEPING_MS, id -> storagePool.submit(() -> {
            contacts.housekeeping();
            return null;
        }));
        return contacts;
    }

    /** What the contact rules held back reaches the dashboard's table within this (and at once when asked for). */
    private static final long CONTACT_HOUSEKEEPING_MS = 10_000;

    /** 400 unless every customer list and place {@code t} names is the advertiser's. */
    private void checkOwned(String advertiserId, io.precis.matcher.campaign.Targeting t) {
        audiences.checkOwned(advertiserId, t);
        places.checkOwned(advertiserId, t);
    }

    /** How long a start waits for Redis to answer before it gives up with a clear error. */
    private static final int REDIS_START_SECONDS = 15;
    /** A Redis restarted empty is noticed and seeded again within this. */
    private static final long REDIS_RESEED_MS = 2_000;

    /** The shared Redis the configuration names, or null; one that does not answer is a clear start-up error. */
    private io.precis.gateway.redis.SharedRedis openRedis(GatewayConfig config) {
        if (!config.store().redis()) {
            return null;
        }
        io.precis.gateway.redis.SharedRedis r = io.precis.gateway.redis.SharedRedis.connect(config.store().redisUrl());
        if (!r.answersWithin(REDIS_START_SECONDS)) {
            r.close();
            db.close();
            dirLock.close();
            throw new StartupException("cannot use " + config.store().describe() + ": Redis does not answer"
                    + " (is it running, and is the password right?)");
        }
        return r;
    }

    /** The SQL store the configuration names; a PostgreSQL that cannot be reached is a clear start-up error. */
    private static Database openStore(GatewayConfig config) {
        if (!config.store().postgres()) {
            return Database.open(config.dataDir());
        }
        try {
            return Database.connect(config.store().jdbcUrl(), 32);
        } catch (RuntimeException e) {
            throw new StartupException("cannot use " + config.store().describe() + ": "
                    + e.getClass().getSimpleName() + " (is it running, and may the user connect?)");
        }
    }

    /** Starts a gateway and waits until it listens. */
    public static PrecisGateway start(GatewayConfig config) {
        return start(config, Clock.systemUTC());
    }

    /** Responses this large or larger are compressed for clients that accept gzip or deflate. */
    public static final int COMPRESS_FROM_BYTES = 4096;

    /** As {@link #start(GatewayConfig)}, telling time by {@code clock} (tests simulate days with it). */
    public static PrecisGateway start(GatewayConfig config, Clock clock) {
        return start(config, clock, Tracing.fromEnvironment(System.getenv()));
    }

    /** As {@link #start(GatewayConfig, Clock)}, tracing with {@code tracing} (closed with the gateway). */
    public static PrecisGateway start(GatewayConfig config, Clock clock, Tracing tracing) {
        PrecisGateway gw = new PrecisGateway(config, clock, tracing);
        try {
            HttpServerOptions options = new HttpServerOptions()
                    // Port 0 as -1: one random port shared by every instance (0 gives each its own).
                    .setHost(config.host()).setPort(config.port() == 0 ? -1 : config.port())
                    .setCompressionSupported(true)
                    // Only bodies of 4 KiB and more (reports, the tag script): an ad answer is
                    // under 1 KiB, and deflating it (a zlib stream set up per response) cost more
                    // than the bytes it saved.
                    .setCompressionContentSizeThreshold(COMPRESS_FROM_BYTES)
                    // HTTP/1.1 only (TLS and h2 end at the proxy; browsers never speak h2c):
                    // with h2c on, Vert.x makes no connection until the first bytes
                    // arrive, so a silent client would escape the ConnectionGuard.
                    .setHttp2ClearTextEnabled(false)
                    // No WebSockets are served: without these Vert.x puts a WebSocket extension
                    // handler in every connection's pipeline, which looks at every request.
                    .setPerFrameWebSocketCompressionSupported(false)
                    .setPerMessageWebSocketCompressionSupported(false)
                    .setIdleTimeout((int) config.connections().idle().toMillis())
                    .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
            RequestGate gate = new RequestGate(gw.router, gw.routes, gw.connections, gw::answeredAtGate);
            List<io.precis.gateway.http.HttpVerticle> servers = new java.util.concurrent.CopyOnWriteArrayList<>();
            // A verticle per event loop, each with its own server on the shared port.
            gw.deployment = gw.vertx.deployVerticle(() -> {
                        var server = new io.precis.gateway.http.HttpVerticle(options, gw.connections, gate);
                        servers.add(server);
                        return server;
                    }, new io.vertx.core.DeploymentOptions().setInstances(config.capacity().eventLoops()))
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            gw.port = servers.getFirst().actualPort();
        } catch (Exception e) {
            gw.close();
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof java.net.BindException || String.valueOf(t.getMessage()).contains("Address already in use")) {
                    throw new StartupException("port " + config.port() + " is in use; try --port N (0 picks a free port)");
                }
            }
            throw new IllegalStateException("cannot listen on port " + config.port(), e);
        }
        // Off the event loop and after the server listens: /health and /v1/ad answer meanwhile,
        // and a lookalike build is refused with 503 until it is done.
        gw.profiles.loadInBackground();
        return gw;
    }

    public int port() {
        return port;
    }

    /**
     * The network transport the server runs on: {@code epoll} (Netty's native one, the only one
     * the gateway's class path carries; {@code iouring} where a class path has that too, as the
     * benchmarks' does) or {@code nio} (the JDK's), with why no native one is in use.
     */
    public String transport() {
        if (vertx.isNativeTransportEnabled()) {
            String name = ((io.vertx.core.internal.VertxInternal) vertx).transport().getClass().getSimpleName();
            return name.toLowerCase(java.util.Locale.ROOT).replace("transport", ""); // EpollTransport: epoll
        }
        Throwable why = vertx.unavailableNativeTransportCause();
        return "nio" + (why == null ? "" : " (native: " + why.getClass().getSimpleName() + ")");
    }

    /** The worker pool of blocking storage and crypto batches (tests saturate it). */
    public io.precis.gateway.workers.WorkerPool storagePool() {
        return storagePool;
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

    /**
     * Records route, method, status and latency of every request once it ends: metrics, the
     * access log (with the request id, answered as {@code X-Request-Id}) and any administrative act.
     */
    private void observe(RoutingContext ctx) {
        long start = System.nanoTime();
        String requestId = AccessLog.requestId(ctx.request().getHeader(AccessLog.REQUEST_ID));
        ctx.response().putHeader(AccessLog.REQUEST_ID, requestId);
        ctx.addEndHandler(v -> {
            String route = ctx.get(Routes.ROUTE_KEY);
            String template = route == null ? "unmatched" : route;
            String method = ctx.request().method().name();
            int status = ctx.response().getStatusCode();
            long nanos = System.nanoTime() - start;
            metrics.request(template, method, status, nanos / 1e9);
            accessLog.record(method, template, status, nanos / 1e6, requestId);
            audit.request(method, template, status, ctx.get(AuditLog.ACTOR), ctx.pathParam("id"), ctx.get(AuditLog.CREATED));
        });
        ctx.next();
    }

    /** A request the {@link RequestGate} answered before the router: logged and counted as unmatched. */
    private void answeredAtGate(io.vertx.core.http.HttpServerRequest request, int status, long nanos) {
        String requestId = AccessLog.requestId(request.getHeader(AccessLog.REQUEST_ID));
        metrics.request("unmatched", request.method().name(), status, nanos / 1e9);
        accessLog.record(request.method().name(), "unmatched", status, nanos / 1e6, requestId);
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
        vertx.cancelTimer(reseedTimer);
        try {
            if (deployment != null) {
                vertx.undeploy(deployment).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
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
        try {
            if (contactPolicy != null) {
                contactPolicy.effects().flush(contactStore);
            }
        } catch (RuntimeException e) {
            LOG.warning("contact policy effects not written at close: " + e.getClass().getSimpleName());
        }
        contactStore.close();
        profiles.close();
        behaviour.close();
        if (redis != null) {
            redis.close();
        }
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
        changes.close();
        metrics.close();
        tracing.close();
        accessLog.close();
        audit.close();
        problems.close();
        privacy.close();
        db.close();
        dirLock.close();
    }
}
