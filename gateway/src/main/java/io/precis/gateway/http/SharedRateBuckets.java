package io.precis.gateway.http;

import java.util.concurrent.CompletionStage;

/**
 * The token buckets of the {@link RateLimiter} kept where every gateway instance counts into
 * them (the shared Redis), so N instances behind a balancer allow a network its rate once, not
 * N times. Never blocks: the limiter runs on an event loop.
 */
public interface SharedRateBuckets {
    /**
     * Takes a token of {@code network}'s bucket; completes with 0 when one was there, else the
     * nanoseconds until one will be. Fails when the shared store is away (the limiter then
     * counts in its own memory).
     */
    CompletionStage<Long> take(String network);
}
