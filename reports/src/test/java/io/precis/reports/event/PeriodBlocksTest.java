package io.precis.reports.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The blocks a report without day reads: for every range API.md allows (1 to 366 days, from
 * every alignment), they cover exactly its days, each once, each block aligned to its size, and
 * few: at most 10 periods for up to 31 days, at most 31 for a year.
 */
class PeriodBlocksTest {
    @Test
    void everyRangeIsCoveredExactlyOnceByFewAlignedBlocks() {
        LocalDate base = LocalDate.parse("2026-11-03");
        for (int start = 0; start < 32; start++) {
            for (int days = 1; days <= 366; days++) {
                LocalDate from = base.plusDays(start);
                LocalDate to = from.plusDays(days - 1);
                List<PeriodBlocks.Piece> pieces = PeriodBlocks.cover(from, to);
                long at = from.toEpochDay() * PeriodBlocks.DAY_MS;
                int blocks = 0;
                for (PeriodBlocks.Piece p : pieces) {
                    long span = PeriodBlocks.DAY_MS << p.level();
                    assertEquals(at, p.fromMs(), "contiguous, in order: " + from + ".." + to);
                    assertEquals(0, Math.floorMod(p.fromMs(), span), "aligned");
                    assertTrue(p.level() == 0 || p.level() >= PeriodBlocks.MIN_LEVEL && p.level() <= PeriodBlocks.LEVELS);
                    assertEquals(0, (p.toMs() - p.fromMs()) % span, "whole blocks");
                    blocks += (int) ((p.toMs() - p.fromMs()) / span);
                    at = p.toMs();
                }
                assertEquals((to.toEpochDay() + 1) * PeriodBlocks.DAY_MS, at, "covers " + from + ".." + to);
                assertTrue(blocks <= (days <= 31 ? 10 : 31), days + " days from " + from + ": " + blocks + " blocks");
            }
        }
    }

    @Test
    void aDayAndItsBlocksShareTheirStart() {
        long day = LocalDate.parse("2026-11-05").toEpochDay() * PeriodBlocks.DAY_MS;
        for (int level = 0; level <= PeriodBlocks.LEVELS; level++) {
            long start = PeriodBlocks.blockStart(day, level);
            assertTrue(start <= day && day < start + (PeriodBlocks.DAY_MS << level), "level " + level);
        }
    }
}
