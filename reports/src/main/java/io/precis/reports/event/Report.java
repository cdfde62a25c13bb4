package io.precis.reports.event;

import java.util.List;
import java.util.Objects;

/**
 * A report answer: rows sorted by their keys, and totals that are the field-wise sum of rows.
 */
public record Report(ReportQuery query, List<ReportRow> rows, Counts totals) {
    public Report {
        Objects.requireNonNull(query, "query");
        rows = List.copyOf(rows);
        Objects.requireNonNull(totals, "totals");
    }
}
