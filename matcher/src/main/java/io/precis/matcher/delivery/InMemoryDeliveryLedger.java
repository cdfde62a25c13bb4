package io.precis.matcher.delivery;

import io.precis.consent.identity.Pseudonym;
import io.precis.matcher.campaign.FrequencyCap;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link DeliveryLedger} in memory, for one gateway instance and for tests. Thread-safe.
 * Memory is bounded: per-user impression history older than the longest cap window
 * ({@link FrequencyCap#MAX_HOURS}) is dropped, at most {@link FrequencyCap#MAX_IMPRESSIONS}
 * timestamps are kept per user and campaign, and daily spend is kept for the last few days only.
 *
 * <p>Frequency caps count recorded impressions. An ad served but not yet seen is
 * {@linkplain #recordServed pending}: it counts towards its user's cap until its impression is
 * {@linkplain #recordImpression(String, Instant) recorded} (it then counts as that impression)
 * or its impression token expires (it then stops counting: the ad was never seen). So a user
 * cannot be served past a cap by asking for ads faster than the pixels fire, and an ad that was
 * never shown does not use up the cap for the rest of the window.
 *
 * <p>Spend is held in nanos (10^-9 currency units), the unit the event store charges in, so a
 * charge is booked exactly; the {@link DeliveryLedger} answers in micros rounded up, so a budget
 * never under-counts a fraction of a micro. Sums saturate at {@link Long#MAX_VALUE} nanos (about
 * 9.2 billion currency units) instead of wrapping to a negative spend.
 */
public final class InMemoryDeliveryLedger implements DeliveryBook {
    /** Every frequency cap window fits in it; older history is never needed. */
    public static final Duration HISTORY = Duration.ofHours(FrequencyCap.MAX_HOURS);
    /**
     * Days of daily spend kept before the latest recorded day: one is enough to cover the
     * widest time-zone difference (26 h); two more is slack for late events.
     */
    public static final int SPEND_DAYS_KEPT = 3;
    /**
     * Records (served ads and direct impressions) between sweeps of stale users and expired
     * pending ads: amortises the sweep to O(1) per record.
     */
    private static final int SWEEP_EVERY = 4096;

    private final Clock clock;
    /** Per user: impressions by campaign, and served ads still pending by campaign. */
    private final ConcurrentHashMap<Pseudonym, History> users = new ConcurrentHashMap<>();
    /** Pending served ads by ad id (also held in their user's {@link History}). */
    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
    /**
     * Spend in nanos. An AtomicLong, not a LongAdder: spend is booked by the event store's one
     * writer thread, so there is no contention to spread, and an AtomicLong can saturate.
     */
    private final ConcurrentHashMap<String, AtomicLong> total = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ConcurrentHashMap<LocalDate, AtomicLong>> daily =
            new ConcurrentHashMap<>();
    private final AtomicLong records = new AtomicLong();
    private final SpendReservations holds = new SpendReservations();

    /** A ledger telling pending ads' expiry by the system clock. */
    public InMemoryDeliveryLedger() {
        this(Clock.systemUTC());
    }

    /** A ledger telling pending ads' expiry by {@code clock}. */
    public InMemoryDeliveryLedger(Clock clock) {
        this.clock = clock;
    }

    /**
     * Counts one impression of {@code campaignId} at {@code at} towards {@code p}'s frequency
     * caps. A null pseudonym counts nothing (there is nobody to cap).
     */
    @Override
    public void recordImpression(Pseudonym p, String campaignId, Instant at) {
        if (p == null) {
            return;
        }
        History user = users.computeIfAbsent(p, k -> new History());
        synchronized (user) {
            user.impression(campaignId, at);
            prune(user, at.minus(HISTORY), clock.instant());
        }
        counted();
    }

    /**
     * Notes ad {@code adId} of {@code campaignId}, served to {@code p} at {@code at}: it counts
     * towards {@code p}'s caps on the campaign until its impression is recorded or
     * {@code expires} (its impression token's expiry) passes. A null pseudonym notes nothing.
     * Checks no cap: {@link #reserve} checks and notes in one step.
     */
    public void recordServed(String adId, Pseudonym p, String campaignId, Instant at,
                             Instant expires) {
        if (p == null) {
            return;
        }
        reserve(adId, p, campaignId, Integer.MAX_VALUE, at, at, expires);
    }

    /**
     * One atomic step per user: when fewer than {@code cap} impressions of {@code campaignId}
     * count for {@code p} since {@code since} (recorded, or served and pending), notes ad
     * {@code adId} as served to {@code p} at {@code at}, pending until its impression is
     * recorded or {@code expires} passes, and returns true; otherwise notes nothing and returns
     * false. Parallel slot requests of one user therefore never pass a cap between the check
     * and the note.
     */
    @Override
    public boolean reserve(String adId, Pseudonym p, String campaignId, int cap, Instant since,
                           Instant at, Instant expires) {
        Pending ad = new Pending(adId, p, campaignId, at, expires);
        while (true) {
            History user = users.computeIfAbsent(p, k -> new History());
            synchronized (user) {
                if (users.get(p) != user) {
                    continue; // swept away as empty between the lookup and the lock: look again
                }
                if (count(user, campaignId, since, clock.instant()) >= cap) {
                    return false;
                }
                if (pending.putIfAbsent(adId, ad) == null) { // ad ids are random; a repeat is the same ad
                    ArrayDeque<Pending> ads = user.pending.computeIfAbsent(campaignId, k -> new ArrayDeque<>());
                    ads.addLast(ad);
                    // More than the largest cap pending already rules the campaign out for this user.
                    while (ads.size() > FrequencyCap.MAX_IMPRESSIONS) {
                        pending.remove(ads.removeFirst().adId());
                    }
                }
                prune(user, at.minus(HISTORY), clock.instant());
            }
            counted();
            return true;
        }
    }

    /**
     * Records the impression of served ad {@code adId} at {@code at}: its pending entry becomes
     * an impression of its user, who is returned. Nothing happens (null) for an ad that is not
     * pending: served without a pseudonym or a cap, expired at {@code at}, already recorded,
     * erased, or served before a restart.
     */
    @Override
    public java.util.concurrent.CompletionStage<Pseudonym> impressionOf(String adId, Instant at) {
        return java.util.concurrent.CompletableFuture.completedFuture(recordImpression(adId, at));
    }

    /** {@link #impressionOf}, answered at once. */
    public Pseudonym recordImpression(String adId, Instant at) {
        Pending ad = pending.get(adId);
        if (ad == null) {
            return null;
        }
        if (!ad.expires().isAfter(at)) { // its token has expired: the sweep will drop it
            return null;
        }
        History user = users.get(ad.user());
        if (user == null) {
            pending.remove(adId, ad);
            return null;
        }
        synchronized (user) {
            if (!pending.remove(adId, ad)) {
                return null; // recorded, erased or pruned meanwhile
            }
            ArrayDeque<Pending> ads = user.pending.get(ad.campaignId());
            if (ads != null) {
                ads.remove(ad);
                if (ads.isEmpty()) {
                    user.pending.remove(ad.campaignId());
                }
            }
            user.impression(ad.campaignId(), at);
        }
        // No sweep from here: pixels are recorded on an event loop, and a sweep walks every
        // user. Serving (on worker threads) and direct records keep the sweep going.
        return ad.user();
    }

    private void counted() {
        if (records.incrementAndGet() % SWEEP_EVERY == 0) {
            Instant now = clock.instant();
            sweep(now.minus(HISTORY), now);
        }
    }

    /**
     * Adds {@code micros} of spend by {@code campaignId} at {@code at}, on the day of {@code at}
     * in {@code zone} (the campaign's schedule time zone).
     *
     * @throws IllegalArgumentException when {@code micros} is negative
     */
    public void recordSpend(String campaignId, Instant at, long micros, ZoneId zone) {
        if (micros < 0) {
            throw new IllegalArgumentException("spend must not be negative");
        }
        recordSpendNanos(campaignId, at, Money.nanos(micros), zone);
    }

    /**
     * Adds {@code nanos} (10^-9 currency units) of spend by {@code campaignId} at {@code at}, on
     * the day of {@code at} in {@code zone} (the campaign's schedule time zone): what the event
     * store charged, exactly.
     *
     * @throws IllegalArgumentException when {@code nanos} is negative
     */
    @Override
    public void recordSpendNanos(String campaignId, Instant at, long nanos, ZoneId zone) {
        if (nanos < 0) {
            throw new IllegalArgumentException("spend must not be negative");
        }
        total.computeIfAbsent(campaignId, k -> new AtomicLong())
                .accumulateAndGet(nanos, InMemoryDeliveryLedger::saturatedSum);
        recordDailySpendNanos(campaignId, at, nanos, zone);
    }

    /**
     * Adds {@code nanos} of spend to {@code campaignId}'s day of {@code at} in {@code zone}
     * only, not to its total: for rebuilding daily spend from stored hourly totals at start,
     * when the total is rebuilt apart ({@link #recordTotalSpendNanos}).
     *
     * @throws IllegalArgumentException when {@code nanos} is negative
     */
    public void recordDailySpendNanos(String campaignId, Instant at, long nanos, ZoneId zone) {
        if (nanos < 0) {
            throw new IllegalArgumentException("spend must not be negative");
        }
        LocalDate day = at.atZone(zone).toLocalDate();
        ConcurrentHashMap<LocalDate, AtomicLong> days =
                daily.computeIfAbsent(campaignId, k -> new ConcurrentHashMap<>());
        days.computeIfAbsent(day, k -> new AtomicLong()).accumulateAndGet(nanos, InMemoryDeliveryLedger::saturatedSum);
        if (days.size() > SPEND_DAYS_KEPT + 1) {
            days.keySet().removeIf(d -> d.isBefore(day.minusDays(SPEND_DAYS_KEPT)));
        }
    }

    /**
     * Adds {@code nanos} of spend to {@code campaignId}'s total only, not to any day: for
     * rebuilding total spend from stored totals at start ({@link #recordDailySpendNanos}).
     *
     * @throws IllegalArgumentException when {@code nanos} is negative
     */
    public void recordTotalSpendNanos(String campaignId, long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("spend must not be negative");
        }
        total.computeIfAbsent(campaignId, k -> new AtomicLong())
                .accumulateAndGet(nanos, InMemoryDeliveryLedger::saturatedSum);
    }

    /** Adds the seed to what is held: this ledger starts empty and is seeded once, at start. */
    @Override
    public void seedSpend(String campaignId, long totalNanos, Map<LocalDate, Long> byDay) {
        recordTotalSpendNanos(campaignId, totalNanos);
        byDay.forEach((day, nanos) -> recordDailySpendNanos(campaignId, day.atStartOfDay(ZoneOffset.UTC).toInstant(),
                nanos, ZoneOffset.UTC));
    }

    /** Forgets {@code p}'s impression history and pending ads (erasure). */
    @Override
    public void erase(Pseudonym p) {
        History user = users.remove(p);
        if (user != null) {
            synchronized (user) {
                user.pending.values().forEach(ads -> ads.forEach(ad -> pending.remove(ad.adId())));
                user.pending.clear();
                user.shown.clear();
            }
        }
    }

    /** Forgets a campaign's spend (for example when it is deleted for good). */
    public void forgetCampaign(String campaignId) {
        total.remove(campaignId);
        daily.remove(campaignId);
        holds.forget(campaignId);
    }

    @Override
    public boolean tryHold(String campaignId, long nanos, long roomNanos, Instant at, Instant expires) {
        return holds.reserve(campaignId, nanos, roomNanos, at, expires);
    }

    /**
     * Releases what an ad of {@code campaignId} served at {@code servedAt} (its token's issue
     * time, or the matcher's clock) held: {@code nanos}, its price per impression once its
     * impression is recorded and its real charge booked.
     */
    @Override
    public void release(String campaignId, long nanos, Instant servedAt) {
        holds.release(campaignId, nanos, servedAt);
    }

    /** Rounded up to a micro, so a budget never under-counts a fraction of one. */
    @Override
    public long heldMicros(String campaignId, Instant now) {
        return Math.ceilDiv(holds.heldNanos(campaignId, now), Money.NANOS_PER_MICRO);
    }

    /**
     * Recorded impressions at or after {@code since}, plus ads served at or after it whose
     * impression is still pending (token not expired by this ledger's clock).
     */
    @Override
    public int impressionsSince(Pseudonym p, String campaignId, Instant since) {
        if (p == null) {
            return 0;
        }
        History user = users.get(p);
        if (user == null) {
            return 0;
        }
        synchronized (user) {
            return count(user, campaignId, since, clock.instant());
        }
    }

    /** {@link #impressionsSince} of one user's history; the caller holds its monitor. */
    private static int count(History user, String campaignId, Instant since, Instant now) {
        int n = 0;
        ArrayDeque<Instant> times = user.shown.get(campaignId);
        if (times != null) {
            // Late events may be out of order, so every entry is checked: the deque is short.
            for (Instant t : times) {
                if (!t.isBefore(since)) {
                    n++;
                }
            }
        }
        ArrayDeque<Pending> ads = user.pending.get(campaignId);
        if (ads != null) {
            for (Pending ad : ads) {
                if (!ad.servedAt().isBefore(since) && ad.expires().isAfter(now)) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Served ads whose impression is pending, in all (for tests of the memory bound). */
    public int pendingAds() {
        return pending.size();
    }

    /** Rounded up to a micro, so a budget never under-counts a fraction of one. */
    @Override
    public long spentMicrosTotal(String campaignId) {
        return Math.ceilDiv(spentNanosTotal(campaignId), Money.NANOS_PER_MICRO);
    }

    /** Rounded up to a micro, so a budget never under-counts a fraction of one. */
    @Override
    public long spentMicrosOn(String campaignId, LocalDate day) {
        return Math.ceilDiv(spentNanosOn(campaignId, day), Money.NANOS_PER_MICRO);
    }

    /** Everything campaign {@code campaignId} has spent, in nanos, exactly. */
    @Override
    public long spentNanosTotal(String campaignId) {
        AtomicLong a = total.get(campaignId);
        return a == null ? 0 : a.get();
    }

    /** What campaign {@code campaignId} spent on {@code day} of its own time zone, in nanos, exactly. */
    @Override
    public long spentNanosOn(String campaignId, LocalDate day) {
        var days = daily.get(campaignId);
        AtomicLong a = days == null ? null : days.get(day);
        return a == null ? 0 : a.get();
    }

    /** Number of users with impression history or pending ads held (for tests of the memory bound). */
    public int usersTracked() {
        return users.size();
    }

    /** {@code a + b} for non-negative amounts, {@link Long#MAX_VALUE} where the sum would overflow. */
    private static long saturatedSum(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    /** Drops {@code user}'s impressions before {@code cutoff} and pending ads expired by {@code now}. */
    private void prune(History user, Instant cutoff, Instant now) {
        for (Iterator<ArrayDeque<Instant>> it = user.shown.values().iterator(); it.hasNext(); ) {
            ArrayDeque<Instant> times = it.next();
            times.removeIf(t -> t.isBefore(cutoff));
            if (times.isEmpty()) {
                it.remove();
            }
        }
        for (Iterator<ArrayDeque<Pending>> it = user.pending.values().iterator(); it.hasNext(); ) {
            ArrayDeque<Pending> ads = it.next();
            ads.removeIf(ad -> {
                boolean expired = !ad.expires().isAfter(now);
                if (expired) {
                    pending.remove(ad.adId(), ad);
                }
                return expired;
            });
            if (ads.isEmpty()) {
                it.remove();
            }
        }
    }

    private void sweep(Instant cutoff, Instant now) {
        // Pending ads of a user erased while they were being served are in no history.
        pending.values().removeIf(ad -> !ad.expires().isAfter(now));
        for (var e : users.entrySet()) {
            History user = e.getValue();
            synchronized (user) {
                prune(user, cutoff, now);
                if (user.isEmpty()) {
                    users.remove(e.getKey(), user);
                }
            }
        }
    }

    /** One user's frequency-cap history; guarded by its own monitor. */
    private static final class History {
        final Map<String, ArrayDeque<Instant>> shown = new HashMap<>();
        final Map<String, ArrayDeque<Pending>> pending = new HashMap<>();

        void impression(String campaignId, Instant at) {
            ArrayDeque<Instant> times = shown.computeIfAbsent(campaignId, k -> new ArrayDeque<>());
            times.addLast(at);
            while (times.size() > FrequencyCap.MAX_IMPRESSIONS) {
                times.removeFirst();
            }
        }

        boolean isEmpty() {
            return shown.isEmpty() && pending.isEmpty();
        }
    }

    /** An ad served to {@code user} whose impression may still be recorded until {@code expires}. */
    private record Pending(String adId, Pseudonym user, String campaignId, Instant servedAt,
                           Instant expires) {
    }
}
