package io.precis.matcher.delivery;

import io.precis.consent.identity.Pseudonym;
import io.precis.matcher.campaign.FrequencyCap;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
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
 * <p>Spend is held in nanos (10^-9 currency units), the unit the event store charges in, so a
 * charge is booked exactly; the {@link DeliveryLedger} answers in micros rounded up, so a budget
 * never under-counts a fraction of a micro. Sums saturate at {@link Long#MAX_VALUE} nanos (about
 * 9.2 billion currency units) instead of wrapping to a negative spend.
 */
public final class InMemoryDeliveryLedger implements DeliveryLedger {
    /** Every frequency cap window fits in it; older history is never needed. */
    public static final Duration HISTORY = Duration.ofHours(FrequencyCap.MAX_HOURS);
    /**
     * Days of daily spend kept before the latest recorded day: one is enough to cover the
     * widest time-zone difference (26 h); two more is slack for late events.
     */
    private static final int SPEND_DAYS_KEPT = 3;
    /** Records between sweeps of stale users: amortises the sweep to O(1) per record. */
    private static final int SWEEP_EVERY = 4096;

    private final ConcurrentHashMap<Pseudonym, Map<String, ArrayDeque<Instant>>> shown =
            new ConcurrentHashMap<>();
    /**
     * Spend in nanos. An AtomicLong, not a LongAdder: spend is booked by the event store's one
     * writer thread, so there is no contention to spread, and an AtomicLong can saturate.
     */
    private final ConcurrentHashMap<String, AtomicLong> total = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ConcurrentHashMap<LocalDate, AtomicLong>> daily =
            new ConcurrentHashMap<>();
    private final AtomicLong records = new AtomicLong();

    /**
     * Counts one impression of {@code campaignId} at {@code at} towards {@code p}'s frequency
     * caps. A null pseudonym counts nothing (there is nobody to cap).
     */
    public void recordImpression(Pseudonym p, String campaignId, Instant at) {
        if (p == null) {
            return;
        }
        Map<String, ArrayDeque<Instant>> user = shown.computeIfAbsent(p, k -> new HashMap<>());
        synchronized (user) {
            ArrayDeque<Instant> times = user.computeIfAbsent(campaignId, k -> new ArrayDeque<>());
            times.addLast(at);
            while (times.size() > FrequencyCap.MAX_IMPRESSIONS) {
                times.removeFirst();
            }
            prune(user, at.minus(HISTORY));
        }
        if (records.incrementAndGet() % SWEEP_EVERY == 0) {
            sweep(at.minus(HISTORY));
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
    public void recordSpendNanos(String campaignId, Instant at, long nanos, ZoneId zone) {
        if (nanos < 0) {
            throw new IllegalArgumentException("spend must not be negative");
        }
        total.computeIfAbsent(campaignId, k -> new AtomicLong())
                .accumulateAndGet(nanos, InMemoryDeliveryLedger::saturatedSum);
        LocalDate day = at.atZone(zone).toLocalDate();
        ConcurrentHashMap<LocalDate, AtomicLong> days =
                daily.computeIfAbsent(campaignId, k -> new ConcurrentHashMap<>());
        days.computeIfAbsent(day, k -> new AtomicLong()).accumulateAndGet(nanos, InMemoryDeliveryLedger::saturatedSum);
        if (days.size() > SPEND_DAYS_KEPT + 1) {
            days.keySet().removeIf(d -> d.isBefore(day.minusDays(SPEND_DAYS_KEPT)));
        }
    }

    /** Forgets {@code p}'s impression history (erasure). */
    public void erase(Pseudonym p) {
        shown.remove(p);
    }

    /** Forgets a campaign's spend (for example when it is deleted for good). */
    public void forgetCampaign(String campaignId) {
        total.remove(campaignId);
        daily.remove(campaignId);
    }

    @Override
    public int impressionsSince(Pseudonym p, String campaignId, Instant since) {
        if (p == null) {
            return 0;
        }
        Map<String, ArrayDeque<Instant>> user = shown.get(p);
        if (user == null) {
            return 0;
        }
        synchronized (user) {
            ArrayDeque<Instant> times = user.get(campaignId);
            if (times == null) {
                return 0;
            }
            int n = 0;
            // Newest last; impressions arrive almost in order, so stop at the first older one
            // only after checking all (late events may be out of order): the deque is short.
            for (Iterator<Instant> it = times.descendingIterator(); it.hasNext(); ) {
                if (!it.next().isBefore(since)) {
                    n++;
                }
            }
            return n;
        }
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
    public long spentNanosTotal(String campaignId) {
        AtomicLong a = total.get(campaignId);
        return a == null ? 0 : a.get();
    }

    /** What campaign {@code campaignId} spent on {@code day} of its own time zone, in nanos, exactly. */
    public long spentNanosOn(String campaignId, LocalDate day) {
        var days = daily.get(campaignId);
        AtomicLong a = days == null ? null : days.get(day);
        return a == null ? 0 : a.get();
    }

    /** Number of users with impression history held (for tests of the memory bound). */
    public int usersTracked() {
        return shown.size();
    }

    /** {@code a + b} for non-negative amounts, {@link Long#MAX_VALUE} where the sum would overflow. */
    private static long saturatedSum(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    private static void prune(Map<String, ArrayDeque<Instant>> user, Instant cutoff) {
        for (Iterator<ArrayDeque<Instant>> it = user.values().iterator(); it.hasNext(); ) {
            ArrayDeque<Instant> times = it.next();
            times.removeIf(t -> t.isBefore(cutoff));
            if (times.isEmpty()) {
                it.remove();
            }
        }
    }

    private void sweep(Instant cutoff) {
        for (var e : shown.entrySet()) {
            Map<String, ArrayDeque<Instant>> user = e.getValue();
            synchronized (user) {
                prune(user, cutoff);
                if (user.isEmpty()) {
                    shown.remove(e.getKey(), user);
                }
            }
        }
    }
}
