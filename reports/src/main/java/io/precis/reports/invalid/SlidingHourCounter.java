package io.precis.reports.invalid;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Clicks per source over the last 60 minutes, in memory, keyed by a 64-bit keyed hash of the
 * source (see {@link SourceKeys}), never by the source itself. Single-threaded (writer thread).
 *
 * <p>Each key keeps at most {@code limit + 1} timestamps: enough to tell "more than limit"
 * apart, so memory per source is bounded. Counters live only as long as the process: after a
 * restart a source starts from zero (at most one extra hour of allowance).
 */
final class SlidingHourCounter {
    static final long WINDOW_MS = Duration.ofHours(1).toMillis();
    /** Sweep idle keys every this many clicks: cheap, and bounds memory to the last hour's sources. */
    private static final int SWEEP_EVERY = 8192;

    private final int limit;
    private final Map<Long, ArrayDeque<Long>> byKey = new HashMap<>();
    private int sinceSweep;

    SlidingHourCounter(int limit) {
        this.limit = limit;
    }

    /** Records one click of {@code key} at {@code nowMs}; true when that makes more than the limit. */
    boolean addAndExceeds(long key, long nowMs) {
        if (++sinceSweep >= SWEEP_EVERY) {
            sweep(nowMs);
        }
        ArrayDeque<Long> times = byKey.computeIfAbsent(key, k -> new ArrayDeque<>());
        expire(times, nowMs);
        times.addLast(nowMs);
        if (times.size() > limit + 1) {
            times.pollFirst();
        }
        return times.size() > limit;
    }

    int trackedSources() {
        return byKey.size();
    }

    private static void expire(ArrayDeque<Long> times, long nowMs) {
        while (!times.isEmpty() && times.peekFirst() <= nowMs - WINDOW_MS) {
            times.pollFirst();
        }
    }

    private void sweep(long nowMs) {
        sinceSweep = 0;
        for (Iterator<ArrayDeque<Long>> it = byKey.values().iterator(); it.hasNext(); ) {
            ArrayDeque<Long> times = it.next();
            expire(times, nowMs);
            if (times.isEmpty()) {
                it.remove();
            }
        }
    }
}
