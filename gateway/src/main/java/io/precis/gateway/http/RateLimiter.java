package io.precis.gateway.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.precis.consent.identity.IpPrefix;
import io.precis.consent.identity.RawIp;
import io.precis.gateway.GatewayConfig;
import io.precis.gateway.privacy.PrivacyCore;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Set;

/**
 * Per-source rate limit of the public endpoints: a token bucket per client network (the IPv4
 * /24 or IPv6 /48 of {@link PrivacyCore#truncate}; the full address is never kept), and 429
 * {@code rate_limited} with {@code Retry-After} once a network's bucket is empty. Routes with a
 * key or the admin token are not limited: their callers are known and accountable.
 *
 * <p>Loopback is not limited unless the gateway trusts a proxy's forwarded headers: without
 * them it is the host itself (a local proxy, health checks, benchmarks), and with them the
 * client is whoever the headers name. Thread-safe: one limiter serves every event loop.
 */
public final class RateLimiter implements Handler<RoutingContext> {
    /** Networks remembered at most: a full bucket is forgotten, so this bounds memory under a scan. */
    private static final int MAX_NETWORKS = 100_000;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final Routes routes;
    private final Set<String> limited;
    private final boolean limitLoopback;
    private final double tokensPerNano;
    private final int burst;
    private final Cache<String, Bucket> buckets;
    private final SharedRateBuckets shared;

    /**
     * @param limited the route templates limited ({@code /v1/ad}, ...)
     * @param trustProxy whether client addresses come from forwarded headers (then loopback is limited too)
     */
    public RateLimiter(GatewayConfig.RateLimit limit, Routes routes, Set<String> limited, boolean trustProxy) {
        this(limit, routes, limited, trustProxy, null);
    }

    /**
     * As {@link #RateLimiter(GatewayConfig.RateLimit, Routes, Set, boolean)}, counting in
     * {@code shared} buckets (null: in this instance's memory). While the shared store is away
     * the limiter counts in its own memory rather than refuse or fail requests.
     */
    public RateLimiter(GatewayConfig.RateLimit limit, Routes routes, Set<String> limited, boolean trustProxy,
                       SharedRateBuckets shared) {
        this.shared = shared;
        this.routes = routes;
        this.limited = Set.copyOf(limited);
        this.limitLoopback = trustProxy;
        this.tokensPerNano = (double) limit.perSecond() / NANOS_PER_SECOND;
        this.burst = limit.burst();
        // A bucket left alone this long is full again, so forgetting it changes nothing.
        long refillSeconds = Math.max(1, (long) Math.ceil((double) burst / limit.perSecond()));
        this.buckets = Caffeine.newBuilder().maximumSize(MAX_NETWORKS)
                .expireAfterAccess(Duration.ofSeconds(refillSeconds))
                .executor(Runnable::run) // upkeep on the caller, not a common-pool wake-up per few requests
                .build();
    }

    @Override
    public void handle(RoutingContext ctx) {
        String template = routes.template(ctx.request().path());
        if (template == null || !limited.contains(template)) {
            ctx.next();
            return;
        }
        SocketAddress remote = ctx.request().remoteAddress();
        String host = remote == null ? null : remote.hostAddress();
        if (host == null || (!limitLoopback && loopback(host))) {
            ctx.next();
            return;
        }
        IpPrefix network = PrivacyCore.truncate(RawIp.ofNullable(host));
        if (network == null) {
            ctx.next();
            return;
        }
        if (shared == null) {
            decide(ctx, template, takeLocally(network));
            return;
        }
        // The body is read by now (the body handler runs first): nothing to pause while we wait.
        Future.fromCompletionStage(shared.take(network.cidr()), ctx.vertx().getOrCreateContext())
                .onComplete(r -> decide(ctx, template, r.succeeded() ? r.result() : takeLocally(network)));
    }

    private long takeLocally(IpPrefix network) {
        long now = System.nanoTime();
        return buckets.get(network.cidr(), k -> new Bucket(burst, now)).take(now, tokensPerNano, burst);
    }

    private static void decide(RoutingContext ctx, String template, long waitNanos) {
        if (waitNanos == 0) {
            ctx.next();
            return;
        }
        ctx.put(Routes.ROUTE_KEY, template); // metrics label the 429 with its route
        ctx.fail(ApiError.rateLimited((waitNanos + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND));
    }

    private static boolean loopback(String host) {
        return host.startsWith("127.") || host.equals("::1") || host.equals("0:0:0:0:0:0:0:1");
    }

    /** Tokens of one network; refilled lazily on each take. */
    private static final class Bucket {
        private double tokens;
        private long at;

        Bucket(int burst, long now) {
            this.tokens = burst;
            this.at = now;
        }

        /** Takes a token: 0 when one was there, else the nanoseconds until one will be. */
        synchronized long take(long now, double perNano, int burst) {
            tokens = Math.min(burst, tokens + Math.max(0, now - at) * perNano);
            at = Math.max(at, now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) / perNano));
        }
    }
}
