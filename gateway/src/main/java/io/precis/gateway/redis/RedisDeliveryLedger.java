package io.precis.gateway.redis;

import io.precis.consent.identity.Pseudonym;
import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.campaign.FrequencyCap;
import io.precis.matcher.delivery.DeliveryBook;
import io.precis.matcher.delivery.DeliveryLedger;
import io.precis.matcher.delivery.InMemoryDeliveryLedger;
import io.precis.matcher.delivery.Money;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@link DeliveryLedger} of several gateway instances, in their shared Redis: frequency
 * caps with their pending slots, budget holds, and spend per campaign in all and per local day.
 * Every check-and-take is one Lua script, which Redis runs alone, so two instances never both
 * take the last slot of a cap or the last of a budget. The matcher reads its candidates'
 * counters through {@link #prefetch}: one script call for a chunk of candidates.
 *
 * <p>Keys, under {@code precis:}: {@code seen:P:C} (impressions of campaign C seen by
 * pseudonym P, a sorted set by time), {@code pending:P:C} (ads served and not yet seen, by
 * expiry), {@code ad:ID} (a pending ad's user and campaign), {@code capped:P} (P's capped
 * campaigns, for erasure), {@code spent:C} and {@code spent:C:DAY} (nanos), {@code hold:C} and
 * {@code holdx:C} (held nanos and expiry by minute). Every key has a TTL: the cap window, the
 * token lifetime or the days of spend kept. The scripts name keys they compute, so this is for
 * one Redis (or a primary with replicas), not Redis Cluster.
 *
 * <p>Reads and holds are called on the matcher's worker threads and block on Redis (at most
 * {@link SharedRedis#TIMEOUT_MS}); the impression pixel's record is called on an event loop and
 * does not block. Redis away fails the call with a 503 {@code unavailable}. Thread-safe.
 */
public final class RedisDeliveryLedger implements DeliveryBook {
    static final String PREFIX = "precis:";
    private static final long MINUTE_MS = 60_000;
    /** Daily spend is kept as long as the in-memory ledger keeps it, plus a day for late reads. */
    private static final long DAY_TTL_SECONDS = (InMemoryDeliveryLedger.SPEND_DAYS_KEPT + 2) * 86_400L;
    private static final long HISTORY_MS = InMemoryDeliveryLedger.HISTORY.toMillis();

    private final SharedRedis redis;
    private final Clock clock;
    private final Script reserve = Script.load("reserve");
    private final Script impression = Script.load("impression");
    private final Script prefetch = Script.load("prefetch");
    private final Script hold = Script.load("hold");
    private final Script release = Script.load("release");
    private final Script seed = Script.load("seed");
    private final Script erase = Script.load("erase");
    private final Script charge = Script.load("charge");
    private final Script claim = Script.load("claim");
    /** Set once the book is seeded from the database; until then no cap slot or budget hold is taken. */
    private static final String SEEDED = PREFIX + "seeded-from-db";
    private static final String SEEDING = PREFIX + "seeding";
    /** A seeding instance that dies leaves the claim to another after this long. */
    private static final long SEEDING_CLAIM_MS = 120_000;

    public RedisDeliveryLedger(SharedRedis redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    @Override
    public boolean remote() {
        return true;
    }

    @Override
    public DeliveryLedger prefetch(Pseudonym p, List<Campaign> candidates, Instant now) {
        List<Campaign> capped = new ArrayList<>();
        List<Campaign> budgeted = new ArrayList<>();
        for (Campaign c : candidates) {
            if (c.frequencyCap() != null && p != null) {
                capped.add(c);
            }
            if (c.budget().total() != null || c.budget().daily() != null) {
                budgeted.add(c);
            }
        }
        if (capped.isEmpty() && budgeted.isEmpty()) {
            return this;
        }
        List<String> args = new ArrayList<>(4 + 2 * (capped.size() + budgeted.size()));
        args.add(PREFIX);
        args.add(p == null ? "" : p.value());
        args.add(Long.toString(now.toEpochMilli()));
        args.add(Integer.toString(capped.size()));
        for (Campaign c : capped) {
            args.add(c.id());
            args.add(Long.toString(now.toEpochMilli() - c.frequencyCap().perHours() * 3_600_000L));
        }
        for (Campaign c : budgeted) {
            args.add(c.id());
            args.add(today(c, now).toString());
        }
        Response r = redis.call(prefetch, List.of(), args);
        LedgerSnapshot snap = new LedgerSnapshot(this, p, now);
        int i = 0;
        for (Campaign c : capped) {
            snap.capCount(c.id(), r.get(i++).toInteger());
        }
        for (Campaign c : budgeted) {
            snap.spend(c.id(), today(c, now), r.get(i).toLong(), r.get(i + 1).toLong(), r.get(i + 2).toLong());
            i += 3;
        }
        return snap;
    }

    private static LocalDate today(Campaign c, Instant now) {
        return now.atZone(c.schedule().timezone()).toLocalDate();
    }

    @Override
    public int impressionsSince(Pseudonym p, String campaignId, Instant since) {
        if (p == null) {
            return 0;
        }
        Instant now = clock.instant();
        Response r = redis.call(prefetch, List.of(), List.of(PREFIX, p.value(), Long.toString(now.toEpochMilli()), "1",
                campaignId, Long.toString(since.toEpochMilli())));
        return r.get(0).toInteger();
    }

    @Override
    public boolean reserve(String adId, Pseudonym p, String campaignId, int cap, Instant since, Instant at,
                           Instant expires) {
        Response r = redis.call(reserve, List.of(seenKey(p, campaignId), PREFIX + "pending:" + p.value() + ":" + campaignId,
                        PREFIX + "ad:" + adId, PREFIX + "capped:" + p.value(), SEEDED),
                List.of(Integer.toString(Math.min(cap, FrequencyCap.MAX_IMPRESSIONS)),
                        Long.toString(since.toEpochMilli()), Long.toString(at.toEpochMilli()),
                        Long.toString(expires.toEpochMilli()), adId, p.value(), campaignId, Long.toString(HISTORY_MS)));
        return r.toInteger() == 1;
    }

    @Override
    public boolean tryHold(String campaignId, long nanos, long roomNanos, Instant at, Instant expires) {
        Response r = redis.call(hold, List.of(PREFIX + "hold:" + campaignId, PREFIX + "holdx:" + campaignId, SEEDED),
                List.of(Long.toString(nanos), Long.toString(roomNanos), Long.toString(at.toEpochMilli()),
                        Long.toString(expires.toEpochMilli()), Long.toString(minute(at))));
        return r.toInteger() == 1;
    }

    /** Never blocks (a pixel releases on an event loop); a release lost to an outage expires with its hold. */
    @Override
    public void release(String campaignId, long nanos, Instant servedAt) {
        if (nanos > 0) {
            ignore(release.run(redis, List.of(PREFIX + "hold:" + campaignId),
                    List.of(Long.toString(nanos), Long.toString(minute(servedAt)))));
        }
    }

    @Override
    public long heldMicros(String campaignId, Instant now) {
        return Math.ceilDiv(readSpend(campaignId, LocalDate.EPOCH, now)[2], Money.NANOS_PER_MICRO);
    }

    @Override
    public long spentMicrosTotal(String campaignId) {
        return Math.ceilDiv(spentNanosTotal(campaignId), Money.NANOS_PER_MICRO);
    }

    @Override
    public long spentMicrosOn(String campaignId, LocalDate day) {
        return Math.ceilDiv(spentNanosOn(campaignId, day), Money.NANOS_PER_MICRO);
    }

    @Override
    public long spentNanosTotal(String campaignId) {
        return readSpend(campaignId, LocalDate.EPOCH, clock.instant())[0];
    }

    @Override
    public long spentNanosOn(String campaignId, LocalDate day) {
        return readSpend(campaignId, day, clock.instant())[1];
    }

    /** Total spend, spend on {@code day} and live holds of one campaign, in nanos. */
    private long[] readSpend(String campaignId, LocalDate day, Instant now) {
        Response r = redis.call(prefetch, List.of(), List.of(PREFIX, "", Long.toString(now.toEpochMilli()), "0",
                campaignId, day.toString()));
        return new long[] {r.get(0).toLong(), r.get(1).toLong(), r.get(2).toLong()};
    }

    @Override
    public void recordImpression(Pseudonym p, String campaignId, Instant at) {
        redis.callBatch(List.of(
                Request.cmd(Command.ZADD).arg(seenKey(p, campaignId)).arg(at.toEpochMilli()).arg("r:" + at.toEpochMilli()),
                Request.cmd(Command.PEXPIRE).arg(seenKey(p, campaignId)).arg(HISTORY_MS),
                Request.cmd(Command.SADD).arg(PREFIX + "capped:" + p.value()).arg(campaignId),
                Request.cmd(Command.PEXPIRE).arg(PREFIX + "capped:" + p.value()).arg(HISTORY_MS)));
    }

    @Override
    public CompletionStage<Pseudonym> impressionOf(String adId, Instant at) {
        return impression.run(redis, List.of(PREFIX + "ad:" + adId),
                        List.of(Long.toString(at.toEpochMilli()), Long.toString(HISTORY_MS), PREFIX, adId))
                .thenApply(r -> r == null ? null : new Pseudonym(r.toString()));
    }

    /** Blocking: called on the event store's writer thread once a batch has committed. */
    @Override
    public void recordSpendNanos(String campaignId, Instant at, long nanos, ZoneId zone) {
        if (nanos < 0) {
            throw new IllegalArgumentException("spend must not be negative");
        }
        String day = PREFIX + "spent:" + campaignId + ":" + at.atZone(zone).toLocalDate();
        redis.callBatch(List.of(
                Request.cmd(Command.INCRBY).arg(PREFIX + "spent:" + campaignId).arg(nanos),
                Request.cmd(Command.INCRBY).arg(day).arg(nanos),
                Request.cmd(Command.EXPIRE).arg(day).arg(DAY_TTL_SECONDS)));
    }

    /**
     * Takes up to {@code nanos} of {@code campaignId}'s budgets for an event at {@code at} (its
     * day in {@code zone}) and books it as spend, in one step with the check against
     * {@code totalNanos} and {@code dailyNanos} (-1: no such budget): what was taken. Blocking:
     * the event writer's thread.
     */
    public long takeSpendNanos(String campaignId, Instant at, ZoneId zone, long nanos, long totalNanos, long dailyNanos) {
        return redis.call(charge, List.of(PREFIX + "spent:" + campaignId,
                        PREFIX + "spent:" + campaignId + ":" + at.atZone(zone).toLocalDate()),
                List.of(Long.toString(nanos), Long.toString(totalNanos), Long.toString(dailyNanos),
                        Long.toString(DAY_TTL_SECONDS))).toLong();
    }

    /** Takes back spend {@link #takeSpendNanos} booked for an event that was not stored. Blocking. */
    public void returnSpendNanos(String campaignId, Instant at, ZoneId zone, long nanos) {
        redis.callBatch(List.of(
                Request.cmd(Command.DECRBY).arg(PREFIX + "spent:" + campaignId).arg(nanos),
                Request.cmd(Command.DECRBY).arg(PREFIX + "spent:" + campaignId + ":" + at.atZone(zone).toLocalDate())
                        .arg(nanos)));
    }

    @Override
    public void seedSpend(String campaignId, long totalNanos, Map<LocalDate, Long> byDay) {
        redis.call(seed, List.of(PREFIX + "spent:" + campaignId), List.of("0", Long.toString(totalNanos)));
        if (!byDay.isEmpty()) {
            List<String> keys = new ArrayList<>();
            List<String> args = new ArrayList<>(List.of(Long.toString(DAY_TTL_SECONDS)));
            byDay.forEach((day, nanos) -> {
                keys.add(PREFIX + "spent:" + campaignId + ":" + day);
                args.add(Long.toString(nanos));
            });
            redis.call(seed, keys, args);
        }
    }

    @Override
    public void erase(Pseudonym p) {
        redis.call(erase, List.of(PREFIX + "capped:" + p.value()), List.of(PREFIX, p.value()));
    }

    /**
     * Claims the seeding of this Redis (at first start, and after Redis restarted empty): true
     * for the one instance that should seed it from the database now. Until that instance calls
     * {@link #seeded}, reserve and hold take nothing (an empty book would let a cap or budget
     * be passed), and another instance may claim it once the claim expires.
     */
    @Override
    public boolean claimSeeding() {
        return redis.call(claim, List.of(SEEDED, SEEDING), List.of(Long.toString(SEEDING_CLAIM_MS))).toInteger() == 1;
    }

    /** The seeding claimed with {@link #claimSeeding} is done: caps and budgets apply from now. */
    @Override
    public void seeded() {
        redis.callBatch(List.of(Request.cmd(Command.SET).arg(SEEDED).arg("1"), Request.cmd(Command.DEL).arg(SEEDING)));
    }

    private static String seenKey(Pseudonym p, String campaignId) {
        return PREFIX + "seen:" + p.value() + ":" + campaignId;
    }

    private static long minute(Instant t) {
        return Math.floorDiv(t.toEpochMilli(), MINUTE_MS);
    }

    /** A write nobody waits for: its failure (Redis away) only loses what the TTLs would end anyway. */
    private static void ignore(CompletableFuture<?> f) {
        f.exceptionally(e -> null);
    }
}
