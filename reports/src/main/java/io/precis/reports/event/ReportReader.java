package io.precis.reports.event;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import javax.sql.DataSource;

/**
 * Aggregates one advertiser's events into a {@link Report} with a single GROUP BY query.
 *
 * <p>Spend is summed in nanos and rounded half-up to a micro once per row; totals are the
 * sum of the rows, so they always add up.
 */
final class ReportReader {
    private static final BigDecimal NANOS_PER_MICRO = BigDecimal.valueOf(1000);
    // Unattributed conversions are kept for audit but are no advertiser's result.
    private static final String METRICS = """
            SUM(CASE WHEN kind = 'imp' THEN 1 ELSE 0 END),
            SUM(CASE WHEN kind = 'click' AND is_valid THEN 1 ELSE 0 END),
            SUM(CASE WHEN kind = 'click' AND NOT is_valid THEN 1 ELSE 0 END),
            SUM(CASE WHEN kind = 'conv' THEN 1 ELSE 0 END),
            SUM(cost_nanos), SUM(value_micros)
            FROM precis_events
            WHERE advertiser_id = ? AND utc_day >= ? AND utc_day <= ? AND (kind <> 'conv' OR is_valid)""";

    private ReportReader() {
    }

    static Report read(DataSource ds, ReportQuery q) {
        List<Dimension> cols = ReportColumns.keyColumns(q.groupBy());
        StringJoiner names = new StringJoiner(", ");
        cols.forEach(d -> names.add(ReportColumns.column(d)));
        String sql = "SELECT " + names + ", " + METRICS
                + (q.campaignId() == null ? "" : " AND campaign_id = ?")
                + " GROUP BY " + names;
        List<ReportRow> rows = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, q.advertiserId());
            ps.setObject(2, q.from());
            ps.setObject(3, q.to());
            if (q.campaignId() != null) {
                ps.setString(4, q.campaignId());
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(row(rs, cols));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("report query failed", e);
        }
        // Sorted here, not in SQL: database collations differ, Java's string order does not.
        rows.sort(byKeys(cols));
        Counts totals = rows.stream().map(ReportRow::counts).reduce(Counts.ZERO, Counts::plus);
        return new Report(q, rows, totals);
    }

    private static ReportRow row(ResultSet rs, List<Dimension> cols) throws SQLException {
        Map<Dimension, String> keys = new LinkedHashMap<>();
        int i = 0;
        for (Dimension d : cols) {
            i++;
            keys.put(d, d == Dimension.DAY ? rs.getObject(i, LocalDate.class).toString() : rs.getString(i));
        }
        BigDecimal costNanos = rs.getBigDecimal(i + 5);
        BigDecimal value = rs.getBigDecimal(i + 6);
        Counts counts = new Counts(rs.getLong(i + 1), rs.getLong(i + 2), rs.getLong(i + 3), rs.getLong(i + 4),
                costNanos == null ? 0 : costNanos.divide(NANOS_PER_MICRO, 0, RoundingMode.HALF_UP).longValueExact(),
                value == null ? 0 : value.longValueExact());
        return new ReportRow(keys, counts);
    }

    private static Comparator<ReportRow> byKeys(List<Dimension> cols) {
        Comparator<ReportRow> cmp = (a, b) -> 0;
        for (Dimension d : cols) {
            cmp = cmp.thenComparing(r -> r.keys().get(d), Comparator.nullsFirst(Comparator.naturalOrder()));
        }
        return cmp;
    }
}
