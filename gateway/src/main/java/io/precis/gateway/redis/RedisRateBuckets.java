package io.precis.gateway.redis;

import io.precis.gateway.GatewayConfig;
import io.precis.gateway.http.SharedRateBuckets;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Rate-limit buckets in the shared Redis: one key per client network (its /24 or /48, never the
 * address), a GCRA arrival time in {@code rate.lua}, which reads Redis's clock so instances with
 * skewed clocks still count on one line. One script call per limited request. Thread-safe.
 */
public final class RedisRateBuckets implements SharedRateBuckets {
    private final SharedRedis redis;
    private final Script rate = Script.load("rate");
    private final String microsPerToken;
    private final String burst;

    public RedisRateBuckets(SharedRedis redis, GatewayConfig.RateLimit limit) {
        this.redis = redis;
        this.microsPerToken = Long.toString(Math.max(1, 1_000_000L / limit.perSecond()));
        this.burst = Integer.toString(limit.burst());
    }

    @Override
    public CompletionStage<Long> take(String network) {
        return rate.run(redis, List.of(RedisDeliveryLedger.PREFIX + "rate:" + network), List.of(microsPerToken, burst))
                .thenApply(r -> r.toLong() * 1_000);
    }
}
