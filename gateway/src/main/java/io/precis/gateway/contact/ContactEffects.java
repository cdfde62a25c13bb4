package io.precis.gateway.contact;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the rules held back, per campaign and day: ads not shown because the person converted
 * in the campaign's group (stop after conversion), and ads suppressed by the contact policy.
 * A campaign is counted each time it was the best remaining candidate of an auction (or of a
 * decision) and the rule ruled it out; candidates ranked below the winners are never looked at,
 * so never counted. Counted in memory, written to {@link ContactStore} as deltas by
 * {@link #flush}. Thread-safe.
 */
public final class ContactEffects {
    /** Why an ad was held back. */
    public enum Reason {
        /** Stop after conversion. */
        NOT_SHOWN,
        /** The contact policy (gateway-wide or the advertiser's). */
        SUPPRESSED
    }

    private record Key(String campaignId, LocalDate day) {
    }

    private final ConcurrentHashMap<Key, long[]> pending = new ConcurrentHashMap<>();
    private final LongAdder notShown = new LongAdder();
    private final LongAdder suppressed = new LongAdder();

    /** Counts one ad of {@code campaignId} held back on {@code day} for {@code reason}. */
    public void count(String campaignId, LocalDate day, Reason reason) {
        pending.compute(new Key(campaignId, day), (k, v) -> {
            long[] n = v == null ? new long[2] : v;
            n[reason.ordinal()]++;
            return n;
        });
        (reason == Reason.NOT_SHOWN ? notShown : suppressed).increment();
    }

    /** Every count of this instance since it started, for {@code reason} (metrics). */
    public long total(Reason reason) {
        return (reason == Reason.NOT_SHOWN ? notShown : suppressed).sum();
    }

    /** Writes what was counted since the last flush to {@code store}; on failure, keeps it for the next. */
    public void flush(ContactStore store) {
        Map<String, Map<LocalDate, long[]>> out = new HashMap<>();
        for (Key k : pending.keySet()) {
            long[] n = pending.remove(k); // atomic with count's compute: nothing counted is lost
            if (n != null) {
                out.computeIfAbsent(k.campaignId(), c -> new HashMap<>()).put(k.day(), n);
            }
        }
        try {
            store.appendEffects(out);
        } catch (RuntimeException e) {
            out.forEach((campaign, days) -> days.forEach((day, n) -> pending.merge(new Key(campaign, day), n,
                    (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]})));
            throw e;
        }
    }
}
