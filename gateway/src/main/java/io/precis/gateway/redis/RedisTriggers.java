package io.precis.gateway.redis;

import io.precis.consent.identity.Pseudonym;
import io.precis.gateway.behaviour.SharedTriggers;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link SharedTriggers} in the shared Redis: per person (delivery pseudonym) a hash of fired
 * trigger segments ({@code trigger:<campaignId>}) → when each lapses (epoch ms), kept for the
 * longest trigger window and raised, never lowered, by one script ({@code atleast}), so two
 * instances recording at once keep the later end. A read of a person is one round trip.
 * Thread-safe; blocking, so on workers only.
 */
public final class RedisTriggers implements SharedTriggers {
    private final SharedRedis redis;
    private final Script atLeast = Script.load("atleast");

    public RedisTriggers(SharedRedis redis) {
        this.redis = redis;
    }

    static String key(Pseudonym p) {
        return RedisDeliveryLedger.PREFIX + "trigger:" + p.value();
    }

    @Override
    public void fired(Pseudonym p, Map<String, Instant> until, Duration keep) {
        if (until.isEmpty()) {
            return;
        }
        List<String> args = new ArrayList<>(1 + until.size() * 2);
        args.add(Long.toString(Math.max(1, keep.toMillis())));
        until.forEach((segment, end) -> {
            args.add(segment);
            args.add(Long.toString(end.toEpochMilli()));
        });
        redis.call(atLeast, List.of(key(p)), args);
    }

    @Override
    public Map<String, Instant> read(List<Pseudonym> aliases) {
        List<Response> answers;
        if (aliases.size() == 1) {
            answers = List.of(redis.call(Request.cmd(Command.HGETALL).arg(key(aliases.get(0)))));
        } else {
            List<Request> reads = new ArrayList<>(aliases.size());
            aliases.forEach(p -> reads.add(Request.cmd(Command.HGETALL).arg(key(p))));
            answers = redis.callBatch(reads);
        }
        Map<String, Instant> out = new HashMap<>();
        for (Response hash : answers) {
            for (String segment : hash.getKeys()) {
                out.merge(segment, Instant.ofEpochMilli(hash.get(segment).toLong()),
                        (a, b) -> a.isAfter(b) ? a : b);
            }
        }
        return out;
    }

    @Override
    public void erase(List<Pseudonym> aliases) {
        Request del = Request.cmd(Command.DEL);
        aliases.forEach(p -> del.arg(key(p)));
        redis.call(del);
    }

    @Override
    public boolean shared() {
        return true;
    }
}
