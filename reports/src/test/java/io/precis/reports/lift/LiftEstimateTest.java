package io.precis.reports.lift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The lift estimator against synthetic populations whose true effect is known: each person of
 * the exposed group converts with the base rate plus the true lift, each held-out person with
 * the base rate alone, as a campaign that causes exactly that lift would make them.
 */
class LiftEstimateTest {
    private static final int RUNS = 100;

    /** One seeded run: a population of {@code people}, {@code holdout} of them held out. */
    private static LiftEstimate run(long seed, int people, double holdout, double base, double trueLift) {
        SplittableRandom random = new SplittableRandom(seed);
        long exposed = 0;
        long exposedConverters = 0;
        long heldOut = 0;
        long heldOutConverters = 0;
        for (int i = 0; i < people; i++) {
            if (random.nextDouble() < holdout) {
                heldOut++;
                heldOutConverters += random.nextDouble() < base ? 1 : 0;
            } else {
                exposed++;
                exposedConverters += random.nextDouble() < base + trueLift ? 1 : 0;
            }
        }
        return LiftEstimate.of(exposed, exposedConverters, heldOut, heldOutConverters,
                BigDecimal.valueOf(exposedConverters * 20L), BigDecimal.valueOf(heldOutConverters * 20L),
                BigDecimal.valueOf(500), 10);
    }

    @Test
    void theIntervalCoversTheTrueLiftInAtLeast90Of100SeededRuns() {
        for (double trueLift : new double[] {0.01, 0.004}) {
            int covered = 0;
            int significant = 0;
            for (int seed = 0; seed < RUNS; seed++) {
                LiftEstimate e = run(1_000 + seed, 40_000, 0.1, 0.03, trueLift);
                assertNotNull(e);
                if (e.absoluteLow() <= trueLift && trueLift <= e.absoluteHigh()) {
                    covered++;
                }
                if (e.significant()) {
                    significant++;
                }
            }
            System.out.printf("true lift %.3f: covered in %d of %d runs, significant in %d%n",
                    trueLift, covered, RUNS, significant);
            assertTrue(covered >= 90, "a 95% interval covered the true lift " + trueLift + " in only " + covered);
            assertTrue(covered < RUNS, "an interval that always covers is too wide to mean anything");
        }
    }

    @Test
    void aCampaignWithNoEffectIsCalledSignificantInAtMost10Of100SeededRuns() {
        int significant = 0;
        int covered = 0;
        for (int seed = 0; seed < RUNS; seed++) {
            LiftEstimate e = run(5_000 + seed, 40_000, 0.1, 0.03, 0);
            if (e.significant()) {
                significant++;
            }
            if (e.absoluteLow() <= 0 && 0 <= e.absoluteHigh()) {
                covered++;
            }
        }
        System.out.printf("no effect: significant in %d of %d runs%n", significant, RUNS);
        assertTrue(significant <= 10, "a campaign with no effect was significant in " + significant + " runs");
        assertEquals(RUNS - significant, covered, "significant exactly when the interval excludes zero");
    }

    @Test
    void aLargeTrueLiftIsFoundSignificantAlmostAlways() {
        // The power side: with 4,000 held out and a lift of a third of the base rate, a test that
        // never calls anything significant would pass the no-effect test above and be useless.
        int significant = 0;
        for (int seed = 0; seed < RUNS; seed++) {
            if (run(9_000 + seed, 40_000, 0.1, 0.03, 0.01).significant()) {
                significant++;
            }
        }
        assertTrue(significant >= 80, "significant in only " + significant + " of " + RUNS);
    }

    @Test
    void countsRatesRevenueAndIroasFollowTheirDefinitions() {
        LiftEstimate e = LiftEstimate.of(9_000, 450, 1_000, 30, new BigDecimal("9000.00"), new BigDecimal("600.00"),
                new BigDecimal("1500"), 10);
        assertEquals(0.05, e.exposedRate(), 1e-12);
        assertEquals(0.03, e.heldOutRate(), 1e-12);
        assertEquals(0.02, e.absoluteLift(), 1e-12);
        assertEquals(0.05 / 0.03 - 1, e.relativeLift(), 1e-12);
        assertEquals(180, e.incrementalConversions(), 1e-9); // 0.02 × 9,000 exposed
        // (9000/9000 − 600/1000) × 9,000 = 0.4 × 9,000
        assertEquals(0, new BigDecimal("3600").compareTo(e.incrementalRevenue()));
        assertEquals(0, new BigDecimal("2.4").compareTo(e.iroas()));
        assertTrue(e.absoluteLow() < 0.02 && 0.02 < e.absoluteHigh());
        assertTrue(e.relativeLow() < e.relativeLift() && e.relativeLift() < e.relativeHigh());
        assertTrue(e.significant());
    }

    @Test
    void groupsUnderKAreNotEstimatedAndNoConversionLeavesTheRelativeLiftOpen() {
        assertNull(LiftEstimate.of(5_000, 100, 9, 1, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ONE, 10));
        assertNull(LiftEstimate.of(9, 1, 5_000, 100, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ONE, 10));
        LiftEstimate none = LiftEstimate.of(5_000, 50, 500, 0, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, 10);
        assertNull(none.relativeLift());
        assertNull(none.iroas(), "no spend: no return on it");
        assertTrue(none.absoluteLow() <= 0.01 && 0.01 <= none.absoluteHigh());
        assertFalse(Double.isNaN(none.absoluteLow()));
        assertThrows(IllegalArgumentException.class,
                () -> LiftEstimate.of(10, 11, 10, 0, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, 1));
    }
}
