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
 * @param reach  the row's reach and frequency, or {@link Reach#WITHHELD}
 */
public record ReportRow(Map<Dimension, String> keys, Counts counts, Reach reach) {
    public ReportRow {
        // A report's own rows come with keys already immutable and in order (RowKeys).
        keys = keys instanceof RowKeys ? keys : Collections.unmodifiableMap(new LinkedHashMap<>(keys));
        Objects.requireNonNull(counts, "counts");
        Objects.requireNonNull(reach, "reach");
    }

    /** A row without reach. */
    public ReportRow(Map<Dimension, String> keys, Counts counts) {
        this(keys, counts, Reach.WITHHELD);
    }
}
