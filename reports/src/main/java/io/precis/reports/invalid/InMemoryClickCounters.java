package io.precis.reports.invalid;

import java.util.HashMap;
import java.util.Map;

/** {@link ClickCounters} of one judge, in memory ({@link SlidingHourCounter} per kind). Single-threaded. */
final class InMemoryClickCounters implements ClickCounters {
    private final SourceKeys keys = new SourceKeys();
    private final Map<String, SlidingHourCounter> byKind = new HashMap<>();

    @Override
    public boolean addAndExceeds(String kind, String campaignId, String source, int limit, long nowMs) {
        return byKind.computeIfAbsent(kind, k -> new SlidingHourCounter(limit))
                .addAndExceeds(keys.of(kind, campaignId, source), nowMs);
    }
}
