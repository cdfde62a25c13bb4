package io.precis.gateway.redis;

import io.precis.consent.identity.Pseudonym;
import io.precis.gateway.contact.ContactBook;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The contact book every instance shares, in Redis: per person and day a hash of contacts
 * ({@code ""} the total, else by advertiser id), kept two days; per person a hash of suppressed
 * groups ({@code advertiser|group} → until, epoch ms), kept until the last one ends. A take is
 * one script (check and count in one step across instances); a read of a person is one round
 * trip. Keys name delivery pseudonyms only. Thread-safe; blocking, so on workers only.
 */
public final class RedisContactBook implements ContactBook {
    /** A day's counts outlive the day by one (a day of another zone may still be running). */
    private static final long DAY_KEPT_MS = Duration.ofDays(2).toMillis();
    private static final String TOTAL = "";

    private final SharedRedis redis;
    private final java.time.Clock clock;
    private final Script contact = Script.load("contact");
    private final Script atLeast = Script.load("atleast");

    /** @param clock the gateway's: what a suppression's remaining time and today are measured by */
    public RedisContactBook(SharedRedis redis, java.time.Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    private static String dayKey(Pseudonym p, LocalDate day) {
        return RedisDeliveryLedger.PREFIX + "contact:" + p.value() + ":" + day;
    }

    private static String stoppedKey(Pseudonym p) {
        return RedisDeliveryLedger.PREFIX + "stopped:" + p.value();
    }

    @Override
    public Person read(List<Pseudonym> people, LocalDate day) {
        List<Request> reads = new ArrayList<>(people.size() * 2);
        for (Pseudonym p : people) {
            reads.add(Request.cmd(Command.HGETALL).arg(dayKey(p, day)));
            reads.add(Request.cmd(Command.HGETALL).arg(stoppedKey(p)));
        }
        List<Response> answers = redis.callBatch(reads);
        Map<String, Integer> byAdvertiser = new HashMap<>();
        Map<String, Long> until = new HashMap<>();
        for (int i = 0; i < answers.size(); i += 2) {
            Response counts = answers.get(i);
            for (String field : counts.getKeys()) {
                byAdvertiser.merge(field, counts.get(field).toInteger(), Integer::sum);
            }
            Response stopped = answers.get(i + 1);
            for (String field : stopped.getKeys()) {
                until.merge(field, stopped.get(field).toLong(), Math::max);
            }
        }
        Integer total = byAdvertiser.remove(TOTAL);
        return new Person(total == null ? 0 : total, byAdvertiser, until);
    }

    @Override
    public boolean take(Pseudonym p, String advertiserId, LocalDate day, int gatewayLimit, int advertiserLimit) {
        return redis.call(contact, List.of(dayKey(p, day)), List.of(advertiserId, Integer.toString(gatewayLimit),
                Integer.toString(advertiserLimit), Long.toString(DAY_KEPT_MS))).toInteger() == 1;
    }

    @Override
    public void giveBack(Pseudonym p, String advertiserId, LocalDate day) {
        redis.callBatch(List.of(Request.cmd(Command.HINCRBY).arg(dayKey(p, day)).arg(TOTAL).arg(-1),
                Request.cmd(Command.HINCRBY).arg(dayKey(p, day)).arg(advertiserId).arg(-1)));
    }

    @Override
    public void suppress(Pseudonym p, String advertiserId, String group, Instant until) {
        long ttl = Math.max(1, until.toEpochMilli() - clock.millis());
        redis.call(atLeast, List.of(stoppedKey(p)), List.of(Long.toString(ttl),
                ContactBook.suppressionKey(advertiserId, group), Long.toString(until.toEpochMilli())));
    }

    @Override
    public void seedContacts(Pseudonym p, LocalDate day, Map<String, Integer> byAdvertiser) {
        List<String> args = new ArrayList<>();
        args.add(Long.toString(DAY_KEPT_MS));
        int total = 0;
        for (var e : byAdvertiser.entrySet()) {
            args.add(e.getKey());
            args.add(Integer.toString(e.getValue()));
            total += e.getValue();
        }
        args.add(TOTAL);
        args.add(Integer.toString(total));
        redis.call(atLeast, List.of(dayKey(p, day)), args);
    }

    /** Set once the book is seeded; a Redis restarted empty has lost it with the rest. */
    private static final String SEEDED = RedisDeliveryLedger.PREFIX + "contact-seeded";

    @Override
    public boolean lostItsSeed() {
        return redis.call(Request.cmd(Command.EXISTS).arg(SEEDED)).toInteger() == 0;
    }

    @Override
    public void seeded() {
        redis.call(Request.cmd(Command.SET).arg(SEEDED).arg("1"));
    }

    @Override
    public void erase(Pseudonym p) {
        // Today and yesterday in any zone: the days around the UTC date.
        LocalDate today = LocalDate.now(clock.withZone(java.time.ZoneOffset.UTC));
        Request del = Request.cmd(Command.DEL).arg(stoppedKey(p));
        for (int d = -2; d <= 1; d++) {
            del.arg(dayKey(p, today.plusDays(d)));
        }
        redis.call(del);
    }
}
