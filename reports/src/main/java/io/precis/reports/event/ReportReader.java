package io.precis.reports.event;

import io.precis.reports.privacy.DiscreteLaplace;
import io.precis.reports.privacy.ReportPolicy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import javax.sql.DataSource;

/**
 * Builds one advertiser's {@link Report} from the roll-ups (never the events table), with one
 * query on the narrowest {@link Grain} that holds the breakdown.
 *
 * <p>Cells are read with their user sets and summed here (reach, {@link Reach}, is the union of
 * the cells' sets, not a sum); with a k threshold {@link SmallRows} then merges rows with fewer
 * than k users into {@code "(other)"}. With noise on, each published count of each row is perturbed
 * ({@link DiscreteLaplace}, clamped at 0) and ratios are computed from the noisy counts; spend
 * and revenue are money, not counts, and stay exact. Spend is summed in nanos and rounded
 * half-up to a micro once per row; totals are the sum of the published rows, so they always add
 * up (with noise, the totals carry the sum of the rows' noise).
 */
final class ReportReader {
    private static final long DAY_MS = 86_400_000L;

    private ReportReader() {
    }

    /** @param noise null for exact counts; {@code q.policy()} must be set */
    static Report read(DataSource ds, ReportQuery q, DiscreteLaplace noise) {
        List<Dimension> cols = ReportColumns.keyColumns(q.groupBy());
        ReportPolicy policy = q.policy();
        boolean threshold = policy.minUsers() > 1 && cols.stream().anyMatch(Dimension.THRESHOLDED::contains);
        Grain grain = Grain.forColumns(cols);
        List<String> selected = selectedColumns(cols);
        // Every cell is read with its user sets: reach is a union, never a sum (no SQL GROUP BY).
        String sql = "SELECT " + String.join(", ", selected) + ", " + RollupSql.COUNTS + where(q);
        Map<List<String>, Tally> groups = new LinkedHashMap<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 0;
            ps.setString(++i, q.advertiserId());
            ps.setString(++i, grain.code);
            ps.setLong(++i, dayStart(q.from()));
            ps.setLong(++i, dayStart(q.to()) + DAY_MS);
            if (q.campaignId() != null) {
                ps.setString(++i, q.campaignId());
            }
            ps.setFetchSize(10_000); // PostgreSQL otherwise holds the whole result in memory
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> keys = keys(rs, cols, selected);
                    Tally cell = RollupSql.readCounts(rs, selected.size());
                    Tally group = groups.get(keys);
                    if (group == null) {
                        groups.put(keys, cell); // read fresh for this row: summed into, never shared
                    } else {
                        group.add(cell);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("report query failed", e);
        }
        List<SmallRows.Group> published = new ArrayList<>();
        for (Map.Entry<List<String>, Tally> g : groups.entrySet()) {
            published.add(new SmallRows.Group(g.getKey(), g.getValue()));
        }
        // Sorted here, not in SQL: database collations differ, Java's string order does not.
        published.sort(Comparator.comparing(SmallRows.Group::keys, ReportReader::compareKeys));
        if (threshold) {
            published = SmallRows.merge(published, policy.minUsers(), cols.size());
        }
        List<ReportRow> rows = new ArrayList<>();
        Tally all = new Tally();
        for (SmallRows.Group g : published) {
            Map<Dimension, String> keys = new LinkedHashMap<>();
            for (int d = 0; d < cols.size(); d++) {
                keys.put(cols.get(d), g.keys().get(d));
            }
            rows.add(new ReportRow(keys, counts(g.tally(), noise), reach(g.tally(), policy, noise)));
            all.add(g.tally());
        }
        Counts totals = rows.stream().map(ReportRow::counts).reduce(Counts.ZERO, Counts::plus);
        return new Report(q, rows, totals, reach(all, policy, noise));
    }

    /**
     * Published with the k threshold of user-linked figures: a row (or the totals) with fewer
     * than k distinct users shows none, nor does one with a cell of unknown reach. With noise on,
     * both numbers carry their own noise, like the other counts.
     */
    private static Reach reach(Tally t, ReportPolicy policy, DiscreteLaplace noise) {
        if (!t.reachKnown || t.users.users() < policy.minUsers()) {
            return Reach.WITHHELD;
        }
        long users = t.reach.users();
        long impressions = t.reachImpressions;
        if (noise != null) {
            users = noisy(users, noise);
            impressions = noisy(impressions, noise);
        }
        return new Reach(users, impressions, !t.reach.exact());
    }

    private static String where(ReportQuery q) {
        return " FROM " + RollupSql.TABLE + " WHERE advertiser_id = ? AND grain = ? AND period_ms >= ? AND period_ms < ?"
                + (q.campaignId() == null ? "" : " AND campaign_id = ?");
    }

    /** The roll-up columns holding {@code cols}' values; day and hour share {@code period_ms}. */
    private static List<String> selectedColumns(List<Dimension> cols) {
        List<String> out = new ArrayList<>();
        for (Dimension d : cols) {
            String c = ReportColumns.rollupColumn(d);
            if (!out.contains(c)) {
                out.add(c);
            }
        }
        return out;
    }

    private static List<String> keys(ResultSet rs, List<Dimension> cols, List<String> selected) throws SQLException {
        List<String> keys = new ArrayList<>(cols.size());
        for (Dimension d : cols) {
            int at = selected.indexOf(ReportColumns.rollupColumn(d)) + 1;
            keys.add(switch (d) {
                case DAY -> LocalDate.ofInstant(Instant.ofEpochMilli(rs.getLong(at)), ZoneOffset.UTC).toString();
                case HOUR -> Instant.ofEpochMilli(rs.getLong(at)).toString();
                default -> rs.getString(at);
            });
        }
        return List.copyOf(keys);
    }

    private static Counts counts(Tally t, DiscreteLaplace noise) {
        long spendMicros = Math.floorDiv(t.costNanos + 500, 1000); // half-up to a micro
        if (noise == null) {
            return new Counts(t.impressions, t.clicks, t.invalidClicks, t.conversions, spendMicros, t.valueMicros,
                    t.measuredImpressions, t.viewableImpressions);
        }
        return new Counts(noisy(t.impressions, noise), noisy(t.clicks, noise), noisy(t.invalidClicks, noise),
                noisy(t.conversions, noise), spendMicros, t.valueMicros,
                noisy(t.measuredImpressions, noise), noisy(t.viewableImpressions, noise));
    }

    /** Clamped at 0: a negative count would be nonsense, and post-processing costs no privacy. */
    private static long noisy(long count, DiscreteLaplace noise) {
        return Math.max(0, count + noise.sample());
    }

    private static long dayStart(LocalDate d) {
        return d.toEpochDay() * DAY_MS;
    }

    /** Key lists in Java string order, column by column. */
    static int compareKeys(List<String> a, List<String> b) {
        for (int i = 0; i < a.size(); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
