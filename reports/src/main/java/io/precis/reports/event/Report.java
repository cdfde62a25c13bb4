package io.precis.reports.event;

import java.util.List;
import java.util.Objects;

/**
 * A report answer: rows sorted by their keys, and totals that are the field-wise sum of rows.
 * {@code totalReach} is not a sum: a user reached in two rows is one user of the report, so it
 * is the reach of the union of every row's users.
 */
public record Report(ReportQuery query, List<ReportRow> rows, Counts totals, Reach totalReach) {
    public Report {
        Objects.requireNonNull(query, "query");
        rows = List.copyOf(rows);
        Objects.requireNonNull(totals, "totals");
        Objects.requireNonNull(totalReach, "totalReach");
    }

    /** A report without reach. */
    public Report(ReportQuery query, List<ReportRow> rows, Counts totals) {
        this(query, rows, totals, Reach.WITHHELD);
    }
}
