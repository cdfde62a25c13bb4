package io.precis.reports.event;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One cell of a report breakdown.
 *
 * @param keys   the row's dimension values in column order (a creative row also names its
 *               campaign); copied, unmodifiable, iteration order kept
 * @param counts the row's counters
 */
public record ReportRow(Map<Dimension, String> keys, Counts counts) {
    public ReportRow {
        keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
        Objects.requireNonNull(counts, "counts");
    }
}
