package io.precis.gateway.contact;

import io.precis.consent.identity.Pseudonym;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The contact book of one instance, in its memory: today's and yesterday's counts (a day of
 * another zone may still be running), and the suppressions. Thread-safe: each person's day
 * counts change under that person's lock, so a check-and-take is one step.
 */
public final class InMemoryContactBook implements ContactBook {
    private final Map<LocalDate, ConcurrentHashMap<Pseudonym, Map<String, Integer>>> days = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Pseudonym, Map<String, Long>> suppressions = new ConcurrentHashMap<>();
    /** The total's key among an advertiser-keyed day count (advertiser ids are never empty). */
    private static final String TOTAL = "";

    @Override
    public Person read(List<Pseudonym> people, LocalDate day) {
        int total = 0;
        Map<String, Integer> byAdvertiser = new HashMap<>();
        Map<String, Long> until = new HashMap<>();
        var counts = days.get(day);
        for (Pseudonym p : people) {
            Map<String, Integer> c = counts == null ? null : counts.get(p);
            if (c != null) {
                synchronized (c) {
                    c.forEach((k, n) -> byAdvertiser.merge(k, n, Integer::sum));
                }
            }
            Map<String, Long> s = suppressions.get(p);
            if (s != null) {
                synchronized (s) {
                    s.forEach((k, t) -> until.merge(k, t, Math::max));
                }
            }
        }
        Integer t = byAdvertiser.remove(TOTAL);
        total = t == null ? 0 : t;
        return byAdvertiser.isEmpty() && until.isEmpty() && total == 0 ? Person.NONE
                : new Person(total, byAdvertiser, until);
    }

    @Override
    public boolean take(Pseudonym p, String advertiserId, LocalDate day, int gatewayLimit, int advertiserLimit) {
        Map<String, Integer> c = countsOf(p, day);
        synchronized (c) {
            if ((gatewayLimit > 0 && c.getOrDefault(TOTAL, 0) >= gatewayLimit)
                    || (advertiserLimit > 0 && c.getOrDefault(advertiserId, 0) >= advertiserLimit)) {
                return false;
            }
            c.merge(TOTAL, 1, Integer::sum);
            c.merge(advertiserId, 1, Integer::sum);
            return true;
        }
    }

    @Override
    public void giveBack(Pseudonym p, String advertiserId, LocalDate day) {
        seed(p, advertiserId, day, -1);
    }

    @Override
    public void seedContacts(Pseudonym p, LocalDate day, Map<String, Integer> byAdvertiser) {
        Map<String, Integer> c = countsOf(p, day);
        synchronized (c) {
            int total = 0;
            for (var e : byAdvertiser.entrySet()) {
                c.merge(e.getKey(), e.getValue(), Math::max);
                total += e.getValue();
            }
            c.merge(TOTAL, total, Math::max);
        }
    }

    private void seed(Pseudonym p, String advertiserId, LocalDate day, int n) {
        Map<String, Integer> c = countsOf(p, day);
        synchronized (c) {
            c.merge(TOTAL, n, (a, b) -> Math.max(0, a + b));
            c.merge(advertiserId, n, (a, b) -> Math.max(0, a + b));
        }
    }

    @Override
    public void suppress(Pseudonym p, String advertiserId, String group, Instant until) {
        Map<String, Long> s = suppressions.computeIfAbsent(p, k -> new HashMap<>());
        synchronized (s) {
            s.merge(ContactBook.suppressionKey(advertiserId, group), until.toEpochMilli(), Math::max);
        }
    }

    @Override
    public void erase(Pseudonym p) {
        days.values().forEach(d -> d.remove(p));
        suppressions.remove(p);
    }

    /** The day's counts of {@code p}; days before yesterday are dropped as a new day begins. */
    private Map<String, Integer> countsOf(Pseudonym p, LocalDate day) {
        var counts = days.get(day);
        if (counts == null) {
            counts = days.computeIfAbsent(day, d -> new ConcurrentHashMap<>());
            days.keySet().removeIf(d -> d.isBefore(day.minusDays(1)));
        }
        return counts.computeIfAbsent(p, k -> new HashMap<>());
    }

    /** Drops suppressions that ended before {@code now}. */
    @Override
    public void prune(Instant now) {
        long ms = now.toEpochMilli();
        suppressions.values().forEach(s -> {
            synchronized (s) {
                s.values().removeIf(t -> t <= ms);
            }
        });
    }
}
