package io.precis.reports.event;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Aligned blocks of days for the reports that do not break down by day or hour (issue 14).
 *
 * <p>A cell of level {@code j} ({@value #MIN_LEVEL} to {@value #LEVELS}) sums 2^j days starting at
 * a UTC epoch day divisible by 2^j; level 0 is the day itself. Any range of days is the disjoint
 * union of such blocks and days ({@link #cover}): a 31-day report reads at most 10 periods of cells
 * instead of 31, a 366-day one at most 31. The writer adds every event to its day's cell and to
 * the 3 blocks that hold the day ({@link #addBlocks}), in the same transaction, so a block that
 * includes today is as exact as today's cell: up to the last acknowledged event.
 *
 * <p>Why 4, 8 and 16 days: once a grain's keys are all present every day, each level holds half
 * the cells of the level below, but its cells hold more users (bigger user sets), so each level
 * costs about two thirds of the bytes of the one below. At 10 M events 2-day blocks would cost 23
 * bytes per event (perf/README.md) and save at most 2 periods per report, which took the whole
 * store past the 300 bytes per event; a 32-day block would rarely fit inside a 30-day
 * report.
 */
final class PeriodBlocks {
    /** The smallest block: 4 days. */
    static final int MIN_LEVEL = 2;
    /** The largest block: 16 days. */
    static final int LEVELS = 4;
    static final long DAY_MS = 86_400_000L;

    /** Consecutive blocks of one level, {@code [fromMs, toMs)}. */
    record Piece(int level, long fromMs, long toMs) {
    }

    private PeriodBlocks() {
    }

    /** The fewest aligned blocks covering exactly {@code from}..{@code to} (inclusive), in order. */
    static List<Piece> cover(LocalDate from, LocalDate to) {
        long day = from.toEpochDay();
        long end = to.toEpochDay() + 1;
        List<Piece> out = new ArrayList<>();
        while (day < end) {
            int level = LEVELS;
            while (level >= MIN_LEVEL && (Math.floorMod(day, 1L << level) != 0 || day + (1L << level) > end)) {
                level--;
            }
            if (level < MIN_LEVEL) {
                level = 0; // a day
            }
            long next = day + (1L << level);
            Piece last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.level() == level) {
                out.set(out.size() - 1, new Piece(level, last.fromMs(), next * DAY_MS)); // contiguous: one range
            } else {
                out.add(new Piece(level, day * DAY_MS, next * DAY_MS));
            }
            day = next;
        }
        return out;
    }

    /** Start of the block of {@code level} holding the day that starts at {@code dayMs}. */
    static long blockStart(long dayMs, int level) {
        long span = DAY_MS << level;
        return Math.floorDiv(dayMs, span) * span;
    }

    /**
     * Adds to {@code cells} the blocks of its daily cells of {@link Grain#blocked() blocked}
     * grains: each such cell's tally is added to its block of every level. Cells of other grains
     * and levels are left alone; the daily tallies are not changed.
     */
    static void addBlocks(Map<RollupCell, Tally> cells) {
        addBlocks(new ArrayList<>(cells.entrySet()), cells);
    }

    /** As {@link #addBlocks(Map)}, but the blocks of the daily cells of {@code days} go into {@code blocks}. */
    static void addBlocks(Map<RollupCell, Tally> days, Map<RollupCell, Tally> blocks) {
        addBlocks(days.entrySet(), blocks);
    }

    private static void addBlocks(Iterable<Map.Entry<RollupCell, Tally>> days, Map<RollupCell, Tally> blocks) {
        for (Map.Entry<RollupCell, Tally> e : days) {
            if (e.getKey().level() == 0 && e.getKey().grain().blocked()) {
                for (int level = MIN_LEVEL; level <= LEVELS; level++) {
                    blocks.computeIfAbsent(e.getKey().inBlock(level), k -> new Tally()).add(e.getValue());
                }
            }
        }
    }
}
