package io.precis.reports.event;

import io.precis.reports.privacy.DiscreteLaplace;
import io.precis.reports.privacy.ReportPolicy;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
        Grain grain = Grain.forColumns(cols, q.campaignId() != null);
        List<String> selected = selectedColumns(cols);
        // Every cell is read with its user sets: reach is a union, never a sum (no SQL GROUP BY).
        String sql = "SELECT " + String.join(", ", selected) + ", " + RollupSql.COUNTS + where(q);
        // Every cell read, then sorted by its keys and summed with its equals: most reports read
        // a grain whose cells are already their rows (the full breakdown's 2.7 M cells at 10 M
        // events are 2.7 M rows), and a hash map keyed by the key lists spent more than a third
        // of such a report putting, resizing and comparing colliding keys; the sort was needed
        // for the answer's order anyway. The keys are sorted as numbers (ReportCells).
        ReportCells cells = new ReportCells(cols.size());
        int k = threshold ? policy.minUsers() : 0;
        // When each cell is a row of its own, a packed cell of fewer than k users goes straight
        // into "(other)" as it is read, never kept, sorted nor read again: at 10 M events 2.6 M
        // of the full breakdown's 2.7 M cells.
        int straightToOther = k > 1 && grain.rowPerCell(cols) ? k : 0;
        // The totals' users and reach are the union of every row's, which is the union of every
        // cell's of any grain over the same days and campaign (each event adds to one cell of
        // each grain): read from the coarsest, campaign × creative in blocks of days, a few
        // hundred cells, rather than summed over the rows' sets (at 100 M events the full
        // breakdown's 1.6 M rows hashed into one HLL took a fifth of the report).
        ReportCells everyone = new ReportCells(0);
        // The packs and the cells of one moment (ReportSnapshot).
        ReportSnapshot.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql); PreparedStatement packs = c.prepareStatement(PACKS);
                 PreparedStatement total = c.prepareStatement("SELECT " + RollupSql.COUNTS + where(q))) {
                for (PeriodBlocks.Piece piece : pieces(grain, cols, q)) {
                    read(ps, packs, q, grain.code(piece.level()), piece, cols, selected, cells, straightToOther);
                }
                for (PeriodBlocks.Piece piece : PeriodBlocks.cover(q.from(), q.to())) {
                    read(total, packs, q, Grain.DAY.code(piece.level()), piece, List.of(), List.of(), everyone, 0);
                }
            }
        });
        // Sorted here, not in SQL: database collations differ, Java's string order does not.
        // Rows of fewer than k users are merged into "(other)" as they are made (SmallRows).
        List<SmallRows.Group> published = cells.rows(k);
        List<ReportRow> rows = new ArrayList<>(published.size());
        Counts totals = Counts.ZERO;
        for (SmallRows.Group g : published) {
            Counts counts = counts(g.tally(), noise);
            rows.add(new ReportRow(new RowKeys(cols, g.keys().toArray(new String[0])), counts,
                    reach(g.tally(), policy, noise)));
            totals = totals.plus(counts);
        }
        List<SmallRows.Group> all = everyone.rows(0);
        return new Report(q, rows, totals, reach(all.isEmpty() ? new Tally() : all.get(0).tally(), policy, noise));
    }

    /**
     * Adds the cells of grain code {@code code} in {@code piece} to {@code cells}: those of the
     * cell table ({@code ps}, its columns {@code selected}), then, for a packed code, the packs'.
     */
    private static void read(PreparedStatement ps, PreparedStatement packs, ReportQuery q, String code,
                             PeriodBlocks.Piece piece, List<Dimension> cols, List<String> selected,
                             ReportCells cells, int straightToOther) throws SQLException {
        // The cell table first: the periods it has cells of (late deltas to a packed period)
        // may share keys with their packs.
        Set<Long> loose = readCells(ps, q, code, piece, cols, selected, cells);
        if (RollupPacker.packed(code)) {
            readPacks(packs, q, code, piece, cols, cells, straightToOther, loose);
        }
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

    /**
     * The periods to read: the days (or hours) of the range when the report breaks down by day
     * or hour, or the grain has no blocks; else the fewest aligned blocks of days covering it.
     */
    private static List<PeriodBlocks.Piece> pieces(Grain grain, List<Dimension> cols, ReportQuery q) {
        if (!grain.blocked() || cols.contains(Dimension.DAY)) {
            return List.of(new PeriodBlocks.Piece(0, dayStart(q.from()), dayStart(q.to()) + DAY_MS));
        }
        return PeriodBlocks.cover(q.from(), q.to());
    }

    /**
     * Adds the cells of {@code code} in {@code piece} to {@code cells}, by their keys in
     * {@code cols}; returns the periods they are of when {@code cols} has day or hour (else none).
     */
    private static Set<Long> readCells(PreparedStatement ps, ReportQuery q, String code, PeriodBlocks.Piece piece,
                                       List<Dimension> cols, List<String> selected, ReportCells cells)
            throws SQLException {
        int i = 0;
        ps.setString(++i, q.advertiserId());
        ps.setString(++i, code);
        ps.setLong(++i, piece.fromMs());
        ps.setLong(++i, piece.toMs());
        if (q.campaignId() != null) {
            ps.setString(++i, q.campaignId());
        }
        ps.setFetchSize(10_000); // PostgreSQL honours it in the snapshot's transaction
        int[] ids = new int[cols.size()];
        // A day's or hour's string made once per period, not once per cell: formatting an
        // Instant per cell was a tenth of an hourly report.
        Map<Long, String> periods = new java.util.HashMap<>();
        int period = selected.indexOf(ReportColumns.rollupColumn(Dimension.DAY)) + 1;
        Set<Long> seen = new HashSet<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                List<String> keys = keys(rs, cols, selected, periods);
                for (int d = 0; d < ids.length; d++) {
                    ids[d] = cells.id(d, keys.get(d));
                }
                if (period > 0) {
                    seen.add(rs.getLong(period));
                }
                cells.add(ids, RollupSql.readCounts(rs, selected.size()));
            }
        }
        return seen;
    }

    private static final String PACKS = "SELECT period_ms, cells FROM " + RollupPacker.TABLE
            + " WHERE advertiser_id = ? AND grain = ? AND period_ms >= ? AND period_ms < ?";

    /**
     * Adds the packed cells of {@code code} in {@code piece} ({@link RollupPacker}: a few rows per
     * closed period, decoded here) to {@code cells}, as {@link #readCells} does for the cell table.
     * With {@code straightToOther} (a k above 1 when each cell is a row of its own, else 0), a
     * cell of fewer users of a period without {@code loose} cells is summed into
     * {@link ReportCells#other()} instead.
     */
    private static void readPacks(PreparedStatement ps, ReportQuery q, String code, PeriodBlocks.Piece piece,
                                  List<Dimension> cols, ReportCells cells, int straightToOther, Set<Long> loose)
            throws SQLException {
        ps.setString(1, q.advertiserId());
        ps.setString(2, code);
        ps.setLong(3, piece.fromMs());
        ps.setLong(4, piece.toMs());
        // Every part in one round trip: on PostgreSQL fetching 16 or 64 at a time (4 or 16 MB in
        // memory instead of 146 MB for the full breakdown at 10 M events) made that report 5 to
        // 20% slower, each round trip waiting for the decoding.
        ps.setFetchSize(0);
        String campaign = q.campaignId();
        // Where each column's value is in a packed cell's keys (RollupPack.Key), or -1 for the
        // period's own (day, hour): one value for the whole pack.
        int[] at = new int[cols.size()];
        for (int d = 0; d < at.length; d++) {
            at[d] = switch (cols.get(d)) {
                case CAMPAIGN -> 0;
                case CREATIVE -> 1;
                case TARGETING -> 2;
                case REGION -> 3;
                case SITE -> 4;
                case CHANNEL -> 5;
                case DAY, HOUR -> -1;
            };
        }
        int[] ids = new int[cols.size()];
        RollupPack.Cell body = new RollupPack.Cell();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long period = rs.getLong(1);
                int k = loose.contains(period) ? 0 : straightToOther;
                for (int d = 0; d < at.length; d++) {
                    if (at[d] < 0) {
                        ids[d] = cells.id(d, periodKey(cols.get(d), period));
                    }
                }
                // Each part's dictionary is looked up once per string and column, not once per cell.
                int[][] cache = new int[at.length][];
                String[][] dictionary = new String[1][];
                byte[] bytes = rs.getBytes(2);
                int[] part = {-1}; // kept by the cells once one of them is added (ReportCells#part)
                RollupPack.readKeys(bytes, cell -> {
                    String[] strings = cell.strings;
                    if (strings != dictionary[0]) {
                        dictionary[0] = strings;
                        for (int d = 0; d < at.length; d++) {
                            cache[d] = new int[strings.length];
                            java.util.Arrays.fill(cache[d], -1);
                        }
                    }
                    if (campaign != null && !campaign.equals(strings[cell.keys[0]])) {
                        return;
                    }
                    if (cell.users() < k) {
                        RollupPack.cellAt(bytes, cell.at, body);
                        body.addTo(cells.other());
                        return;
                    }
                    for (int d = 0; d < at.length; d++) {
                        if (at[d] >= 0) {
                            ids[d] = cells.id(d, strings, cache[d], cell.keys[at[d]]);
                        }
                    }
                    if (part[0] < 0) {
                        part[0] = cells.part(bytes);
                    }
                    cells.addPacked(ids, part[0], cell.at, cell.users());
                });
            }
        }
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

    /** The key of a {@code day} (its UTC date) or an {@code hour} (its start) beginning at {@code ms}. */
    private static String periodKey(Dimension d, long ms) {
        return d == Dimension.DAY ? LocalDate.ofInstant(Instant.ofEpochMilli(ms), ZoneOffset.UTC).toString()
                : Instant.ofEpochMilli(ms).toString();
    }

    /** A cell's keys in {@code cols}' order; {@code periods} keeps the strings of days and hours seen. */
    private static List<String> keys(ResultSet rs, List<Dimension> cols, List<String> selected,
                                     Map<Long, String> periods) throws SQLException {
        List<String> keys = new ArrayList<>(cols.size());
        for (Dimension d : cols) {
            int at = selected.indexOf(ReportColumns.rollupColumn(d)) + 1;
            keys.add(switch (d) {
                case DAY, HOUR -> {
                    long ms = rs.getLong(at);
                    // Keyed by the period and which of the two: a day and an hour may start alike.
                    yield periods.computeIfAbsent(ms << 1 | (d == Dimension.DAY ? 1 : 0), k -> periodKey(d, ms));
                }
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
