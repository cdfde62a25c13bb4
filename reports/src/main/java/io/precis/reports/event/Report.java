package io.precis.reports.event;

import java.util.List;
import java.util.Objects;

/**
 * A report answer: rows sorted by their keys, and totals that are the field-wise sum of rows.
 * {@code totalReach} is not a sum: a user reached in two rows is one user of the report, so it
 * is the reach of the union of every row's users.
 */
public record Report(ReportQuery query, List<ReportRow> rows, Counts totals, Reach totalReach,
                     List<io.precis.reports.lift.CampaignLift> lift) {
    public Report {
        Objects.requireNonNull(query, "query");
        rows = List.copyOf(rows);
        Objects.requireNonNull(totals, "totals");
        Objects.requireNonNull(totalReach, "totalReach");
        lift = lift == null ? List.of() : List.copyOf(lift);
    }

    /** A report without lift tests. */
    public Report(ReportQuery query, List<ReportRow> rows, Counts totals, Reach totalReach) {
        this(query, rows, totals, totalReach, List.of());
    }

    /** This report with {@code lift}: the lift test of each campaign with a hold-out, by campaign id. */
    public Report withLift(List<io.precis.reports.lift.CampaignLift> lift) {
        return new Report(query, rows, totals, totalReach, lift);
    }

    /** A report without reach. */
    public Report(ReportQuery query, List<ReportRow> rows, Counts totals) {
        this(query, rows, totals, Reach.WITHHELD);
    }
}
