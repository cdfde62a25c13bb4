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
 * <p>A packed cell ({@link #addPacked}) is kept as where it is in its part, not as a tally: the
 * full breakdown reads millions of cells, most of them rows of their own below the k threshold,
 * and a tally, sketch and set for each (about 400 bytes, alive until the sort is done) cost more
 * in allocation and collection than reading them. They are read from the part when their row is
 * made, and a one-cell row below k is summed into {@code "(other)"} straight from its bytes.
 *
 * <p>One thread only.
 */
final class ReportCells {
    /**
     * Cells are kept in chunks of 2^16, which are never copied to grow once full: the full
     * breakdown reads 2.7 M cells at 10 M events, and arrays doubled as they filled allocated
     * twice what they kept and copied it (638 MB allocated per report then, 414 MB in chunks;
     * perf/README.md).
     */
    private static final int CHUNK_BITS = 16;
    /** The first chunk starts this small and doubles up to a chunk's size: most reports read a few cells. */
    private static final int FIRST_CELLS = 1024;

    private final int columns;
    private final int chunkBits;
    private final int chunkMask;
    private final List<Map<String, Integer>> ids = new ArrayList<>();
    private final List<List<String>> values = new ArrayList<>();
    /** Each cell's key ids, {@code columns} per cell. */
    private int[][] keyIds = new int[0][];
    /**
     * A cell's tally, or null for a packed cell, which {@link #packedAt} locates; a chunk is made
     * when its first cell with a tally comes (a report over packs alone makes none).
     */
    private Tally[][] tallies = new Tally[0][];
    /** A packed cell's part (index in {@link #parts}) above, where its counts start below. */
    private long[][] packedAt = new long[0][];
    /** A packed cell's distinct users ({@link RollupPack.Cell#users()}, at most 32). */
    private byte[][] packedUsers = new byte[0][];
    private byte[][] parts = new byte[16][];
    private int partCount;
    private int size;
    /** {@code "(other)"} so far ({@link #other()}), or null. */
    private Tally other;

    ReportCells(int columns) {
        this(columns, CHUNK_BITS);
    }

    /** {@code chunkBits}: cells per chunk as a power of two (tests cross chunks with few cells). */
    ReportCells(int columns, int chunkBits) {
        this.columns = columns;
        this.chunkBits = chunkBits;
        this.chunkMask = (1 << chunkBits) - 1;
        for (int d = 0; d < columns; d++) {
            ids.add(new HashMap<>());
            values.add(new ArrayList<>());
        }
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
        int cell = append(cellIds);
        int chunk = cell >>> chunkBits;
        if (tallies[chunk] == null) {
            tallies[chunk] = new Tally[packedAt[chunk].length];
        }
        tallies[chunk][cell & chunkMask] = tally;
    }

    /**
     * Keeps a part of a pack ({@link RollupPack#read}) for the packed cells in it, whose
     * {@link #addPacked} is given the index returned; the part is read again as rows are made.
     */
    int part(byte[] part) {
        if (partCount == parts.length) {
            parts = Arrays.copyOf(parts, partCount * 2);
        }
        parts[partCount] = part;
        return partCount++;
    }

    /**
     * Adds a packed cell: its key ids, where its counts start ({@link RollupPack.Cell#at}) in
     * part {@code part}, and its distinct users ({@link RollupPack.Cell#users()}).
     */
    void addPacked(int[] cellIds, int part, int at, int users) {
        int cell = append(cellIds);
        packedAt[cell >>> chunkBits][cell & chunkMask] = (long) part << 32 | at;
        packedUsers[cell >>> chunkBits][cell & chunkMask] = (byte) users;
    }

    private int append(int[] cellIds) {
        int chunk = size >>> chunkBits;
        int offset = size & chunkMask;
        if (chunk == keyIds.length) {
            int n = chunk + 1;
            keyIds = Arrays.copyOf(keyIds, n);
            tallies = Arrays.copyOf(tallies, n);
            packedAt = Arrays.copyOf(packedAt, n);
            packedUsers = Arrays.copyOf(packedUsers, n);
            int cells = chunk == 0 ? Math.min(FIRST_CELLS, chunkMask + 1) : chunkMask + 1;
            keyIds[chunk] = new int[cells * columns];
            packedAt[chunk] = new long[cells];
            packedUsers[chunk] = new byte[cells];
        } else if (offset == packedAt[chunk].length) { // the first chunk, not yet at its full size
            int cells = Math.min(offset * 2, chunkMask + 1);
            keyIds[chunk] = Arrays.copyOf(keyIds[chunk], cells * columns);
            packedAt[chunk] = Arrays.copyOf(packedAt[chunk], cells);
            packedUsers[chunk] = Arrays.copyOf(packedUsers[chunk], cells);
            if (tallies[chunk] != null) {
                tallies[chunk] = Arrays.copyOf(tallies[chunk], cells);
            }
        }
        System.arraycopy(cellIds, 0, keyIds[chunk], offset * columns, columns);
        return size++;
    }

    /** The id in column {@code d} of cell {@code cell}'s key. */
    private int keyId(int cell, int d) {
        return keyIds[cell >>> chunkBits][(cell & chunkMask) * columns + d];
    }

    /** Cell {@code cell}'s tally, null for a packed cell (or one already summed into its row). */
    private Tally tally(int cell) {
        Tally[] chunk = tallies[cell >>> chunkBits];
        return chunk == null ? null : chunk[cell & chunkMask];
    }

    /** Forgets cell {@code cell}'s tally once it is summed into its row. */
    private void clearTally(int cell) {
        Tally[] chunk = tallies[cell >>> chunkBits];
        if (chunk != null) {
            chunk[cell & chunkMask] = null;
        }
    }

    int size() {
        return size;
    }

    /**
     * The sums of {@code "(other)"} so far, for a cell known to be a row of its own with fewer
     * than k users ({@link Grain#rowPerCell}) to be added to as it is read, never kept as a cell:
     * most of the full breakdown's 2.7 M cells at 10 M events. {@link #rows} must then be asked
     * with that k.
     */
    Tally other() {
        if (other == null) {
            other = new Tally();
        }
        return other;
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
        if (k <= 1 && other != null) {
            throw new IllegalStateException("cells were summed into (other) without a k threshold");
        }
        Rows out = new Rows(k > 1 ? new SmallRows.Split(k, columns, other) : null);
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

        /** Whether a row of {@code users} distinct users goes into {@code "(other)"}. */
        boolean small(int users) {
            return split != null && split.small(users);
        }

        /** The sums of {@code "(other)"}, for a small row ({@link #small}) to be added to. */
        Tally other() {
            return split.other();
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
        int[] radix = new int[columns];
        for (int d = 0; d < columns; d++) {
            radix[d] = Math.max(1, values.get(d).size());
        }
        for (int i = 0; i < size; i++) {
            int[] chunk = keyIds[i >>> chunkBits];
            int base = (i & chunkMask) * columns;
            long key = 0;
            for (int d = 0; d < columns; d++) {
                key = key * radix[d] + rank[d][chunk[base + d]];
            }
            order[i] = key << indexBits | i;
        }
        Arrays.sort(order);
        long mask = (1L << indexBits) - 1;
        int[] sorted = new int[size];
        for (int i = 0; i < size; i++) {
            sorted[i] = (int) (order[i] & mask);
        }
        emit(sorted, p -> order[p] >>> indexBits == order[p - 1] >>> indexBits, out);
    }

    /** Too many distinct keys for one long: the cells' indexes sorted by their ranks, column by column. */
    private void rowsByRanks(int[][] rank, Rows out) {
        IntBinaryOperator byKeys = byKeys(rank);
        Integer[] order = new Integer[size];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, byKeys::applyAsInt);
        int[] sorted = Arrays.stream(order).mapToInt(Integer::intValue).toArray();
        emit(sorted, p -> byKeys.applyAsInt(sorted[p - 1], sorted[p]) == 0, out);
    }

    /** Compares two cells by their keys' ranks, column by column. */
    private IntBinaryOperator byKeys(int[][] rank) {
        return (a, b) -> {
            for (int d = 0; d < columns; d++) {
                int c = Integer.compare(rank[d][keyId(a, d)], rank[d][keyId(b, d)]);
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        };
    }

    /**
     * Sums each run of equal keys in {@code sorted} (cell indexes in key order; {@code sameKeys}
     * tells whether position p has the keys of p - 1) into one row. A row of one packed cell
     * below k is only marked as it goes, and the marked cells are summed into "(other)" at the
     * end in the order they were read: most of the full breakdown's cells, read from their parts
     * one after the other, not in key order all over them.
     */
    private void emit(int[] sorted, java.util.function.IntPredicate sameKeys, Rows out) {
        RollupPack.Cell packed = new RollupPack.Cell();
        java.util.BitSet toOther = new java.util.BitSet(size);
        int start = 0;
        while (start < sorted.length) {
            int first = sorted[start];
            int end = start + 1;
            while (end < sorted.length && sameKeys.test(end)) {
                end++;
            }
            Tally firstTally = tally(first);
            if (end - start == 1 && firstTally == null
                    && out.small(packedUsers[first >>> chunkBits][first & chunkMask])) {
                toOther.set(first);
            } else {
                Tally row = firstTally != null ? firstTally : read(first, packed).tally();
                clearTally(first);
                for (int j = start + 1; j < end; j++) {
                    int cell = sorted[j];
                    Tally t = tally(cell);
                    if (t != null) {
                        row.add(t);
                        clearTally(cell);
                    } else {
                        read(cell, packed).addTo(row);
                    }
                }
                out.row(first, row);
            }
            start = end;
        }
        for (int cell = toOther.nextSetBit(0); cell >= 0; cell = toOther.nextSetBit(cell + 1)) {
            read(cell, packed).addTo(out.other());
        }
    }

    /** Packed cell {@code cell}, read into {@code into}. */
    private RollupPack.Cell read(int cell, RollupPack.Cell into) {
        long at = packedAt[cell >>> chunkBits][cell & chunkMask];
        RollupPack.cellAt(parts[(int) (at >>> 32)], (int) at, into);
        return into;
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
                return values.get(d).get(keyId(cell, d));
            }

            @Override
            public int size() {
                return columns;
            }
        };
    }
}
