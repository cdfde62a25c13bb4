package io.precis.reports.event;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntBinaryOperator;

/**
 * The cells one report reads, before they become its rows: each cell's keys are kept as small
 * ids, one dictionary per column, and {@link #rows} sorts the cells by their keys in Java string
 * order, column by column, and sums the cells with equal keys. A report over the full grain
 * reads millions of cells whose keys are a few dozen strings per column: the sort compares
 * numbers, not strings, and a pack's key strings are looked up once per pack
 * ({@link #id(int, String[], int[], int)}), not once per cell.
 *
 * <p>One thread only.
 */
final class ReportCells {
    private final int columns;
    private final List<Map<String, Integer>> ids = new ArrayList<>();
    private final List<List<String>> values = new ArrayList<>();
    private int[] keyIds;
    private Tally[] tallies;
    private int size;

    ReportCells(int columns) {
        this.columns = columns;
        for (int d = 0; d < columns; d++) {
            ids.add(new HashMap<>());
            values.add(new ArrayList<>());
        }
        keyIds = new int[1024 * Math.max(1, columns)];
        tallies = new Tally[1024];
    }

    /** The id of {@code value} in column {@code column}. */
    int id(int column, String value) {
        Integer known = ids.get(column).get(value);
        if (known != null) {
            return known;
        }
        List<String> v = values.get(column);
        v.add(value);
        ids.get(column).put(value, v.size() - 1);
        return v.size() - 1;
    }

    /**
     * The id in column {@code column} of {@code strings[index]} (a pack's dictionary), looked
     * up when first asked for: -1 in {@code cache} marks one not looked up yet.
     */
    int id(int column, String[] strings, int[] cache, int index) {
        int id = cache[index];
        if (id < 0) {
            id = id(column, strings[index]);
            cache[index] = id;
        }
        return id;
    }

    /** Adds a cell: its key ids in column order (copied) and its tally (kept, summed into). */
    void add(int[] cellIds, Tally tally) {
        if (size == tallies.length) {
            tallies = Arrays.copyOf(tallies, size * 2);
            keyIds = Arrays.copyOf(keyIds, size * 2 * Math.max(1, columns));
        }
        System.arraycopy(cellIds, 0, keyIds, size * columns, columns);
        tallies[size++] = tally;
    }

    int size() {
        return size;
    }

    /**
     * The rows: cells sorted by their keys' strings, column by column, equal keys summed; with
     * {@code k} above 1, those of fewer than k users merged into {@code "(other)"}
     * ({@link SmallRows}), as each row is made.
     */
    List<SmallRows.Group> rows(int k) {
        return rows(k, false);
    }

    /** {@link #rows(int)}; {@code byRanks} takes the path of keys too many for one long (tests). */
    List<SmallRows.Group> rows(int k, boolean byRanks) {
        Rows out = new Rows(k > 1 ? new SmallRows.Split(k, columns) : null);
        int[][] rank = ranks();
        int indexBits = 32 - Integer.numberOfLeadingZeros(Math.max(1, size));
        long span = 1;
        boolean fits = true;
        for (int d = 0; d < columns && fits; d++) {
            long n = Math.max(1, values.get(d).size());
            fits = span <= (Long.MAX_VALUE >>> indexBits) / n;
            span *= n;
        }
        if (fits && !byRanks) {
            rowsByNumber(rank, indexBits, out);
        } else {
            rowsByRanks(rank, out);
        }
        return out.done();
    }

    /** Where the rows go as they are made: all kept, or through the k threshold. */
    private final class Rows {
        private final SmallRows.Split split;
        private final List<SmallRows.Group> all = new ArrayList<>();

        Rows(SmallRows.Split split) {
            this.split = split;
        }

        /** The row of {@code cell}'s keys, its sums {@code t} (every cell of those keys). */
        void row(int cell, Tally t) {
            if (split == null) {
                all.add(new SmallRows.Group(keys(cell), t));
            } else {
                split.add(t, () -> new SmallRows.Group(keys(cell), t));
            }
        }

        List<SmallRows.Group> done() {
            return split == null ? all : split.rows();
        }
    }

    /**
     * The keys fit in one long with the cell's index below them (every report this gateway
     * serves: dozens of campaigns, creatives, days, regions and sites): one primitive sort.
     */
    private void rowsByNumber(int[][] rank, int indexBits, Rows out) {
        long[] order = new long[size];
        for (int i = 0; i < size; i++) {
            long key = 0;
            for (int d = 0; d < columns; d++) {
                key = key * Math.max(1, values.get(d).size()) + rank[d][keyIds[i * columns + d]];
            }
            order[i] = key << indexBits | i;
        }
        Arrays.sort(order);
        long mask = (1L << indexBits) - 1;
        int[] sorted = new int[size];
        for (int i = 0; i < size; i++) {
            sorted[i] = (int) (order[i] & mask);
        }
        emit(sorted, byKeys(rank), out);
    }

    /** Too many distinct keys for one long: the cells' indexes sorted by their ranks, column by column. */
    private void rowsByRanks(int[][] rank, Rows out) {
        IntBinaryOperator byKeys = byKeys(rank);
        Integer[] order = new Integer[size];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, byKeys::applyAsInt);
        emit(Arrays.stream(order).mapToInt(Integer::intValue).toArray(), byKeys, out);
    }

    /** Compares two cells by their keys' ranks, column by column. */
    private IntBinaryOperator byKeys(int[][] rank) {
        return (a, b) -> {
            for (int d = 0; d < columns; d++) {
                int c = Integer.compare(rank[d][keyIds[a * columns + d]], rank[d][keyIds[b * columns + d]]);
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        };
    }

    /** Sums each run of equal keys in {@code sorted} (cell indexes in key order) into one row. */
    private void emit(int[] sorted, IntBinaryOperator byKeys, Rows out) {
        int first = -1;
        Tally row = null;
        for (int i : sorted) {
            if (row != null && byKeys.applyAsInt(first, i) == 0) {
                row.add(tallies[i]);
            } else {
                if (row != null) {
                    out.row(first, row);
                }
                row = tallies[i];
                first = i;
            }
            tallies[i] = null;
        }
        if (row != null) {
            out.row(first, row);
        }
    }

    /** For each column, the rank of each id among the column's strings in Java string order. */
    private int[][] ranks() {
        int[][] rank = new int[columns][];
        for (int d = 0; d < columns; d++) {
            List<String> v = values.get(d);
            Integer[] byValue = new Integer[v.size()];
            Arrays.setAll(byValue, i -> i);
            Arrays.sort(byValue, Comparator.comparing(v::get));
            rank[d] = new int[v.size()];
            for (int r = 0; r < byValue.length; r++) {
                rank[d][byValue[r]] = r;
            }
        }
        return rank;
    }

    /**
     * The keys of {@code cell}, read from the dictionaries when asked: most rows of a breakdown
     * with the k threshold are merged into "(other)" and their keys never read.
     */
    private List<String> keys(int cell) {
        return new java.util.AbstractList<>() {
            @Override
            public String get(int d) {
                java.util.Objects.checkIndex(d, columns);
                return values.get(d).get(keyIds[cell * columns + d]);
            }

            @Override
            public int size() {
                return columns;
            }
        };
    }
}
