package io.precis.gateway.redis;

import io.precis.consent.crypto.Hmac;
import io.precis.consent.crypto.Randoms;
import io.precis.reports.invalid.ClickCounters;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * The invalid-click counters of every instance, in the shared Redis: one sorted set of the
 * last hour's clicks per (kind, campaign, source), named by a 64-bit keyed hash under a key
 * every instance loads from the shared keys dir, never by the source (an IP prefix, a
 * pseudonym). So N clicks of one source spread over N instances count as N. One script call
 * per counted click, on the event writer's thread. Thread-safe.
 */
public final class RedisClickCounters implements ClickCounters {
    /** The rules' window: 60 minutes. */
    private static final long WINDOW_MS = Duration.ofHours(1).toMillis();

    private final SharedRedis redis;
    private final Hmac hmac;
    private final Script clicks = Script.load("clicks");

    /** @param key the shared 256-bit key naming the counters (the same file on every instance) */
    public RedisClickCounters(SharedRedis redis, byte[] key) {
        this.redis = redis;
        this.hmac = new Hmac(key);
    }

    @Override
    public boolean addAndExceeds(String kind, String campaignId, String source, int limit, long nowMs) {
        byte[] mac = hmac.macOf(bytes(kind), bytes(campaignId), bytes(source));
        String key = RedisDeliveryLedger.PREFIX + "clicks:" + HexFormat.of().formatHex(mac, 0, 8);
        // A random member: two clicks in one millisecond are two clicks.
        String member = nowMs + ":" + HexFormat.of().formatHex(Randoms.bytes(6));
        return redis.call(clicks, List.of(key), List.of(Long.toString(nowMs), Long.toString(WINDOW_MS),
                Integer.toString(limit), member)).toInteger() > limit;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
