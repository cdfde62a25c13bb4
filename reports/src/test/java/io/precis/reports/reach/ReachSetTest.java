package io.precis.reports.reach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.reports.privacy.UserSketch;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReachSetTest {
    private static long user(int i) {
        return UserSketch.hash("user-" + i);
    }

    private static ReachSet of(int from, int to) {
        ReachSet s = new ReachSet();
        for (int i = from; i < to; i++) {
            s.add(user(i));
        }
        return s;
    }

    @Test
    void smallSetsAndTheirUnionsAreExactAndSurviveTheirBytes() {
        ReachSet a = of(0, 60);
        ReachSet b = ReachSet.fromBytes(of(30, 100).toBytes()); // 40 shared users
        a.addAll(b);
        assertTrue(a.exact());
        assertEquals(100, a.users());
        assertEquals(70, b.users(), "the union leaves its argument unchanged");
        ReachSet again = ReachSet.fromBytes(a.toBytes());
        assertEquals(100, again.users());
        assertEquals(1 + 100 * 8, a.toBytes().length);
        assertTrue(ReachSet.fromBytes(null).isEmpty());
        assertEquals(null, new ReachSet().toBytes());
    }

    @Test
    void aSetPromotedToHyperLogLogIsNoLargerThanTheExactHashesItReplaces() {
        ReachSet s = of(0, ReachSet.PROMOTE_ABOVE);
        assertTrue(s.exact());
        int exactBytes = s.toBytes().length;
        s.add(user(ReachSet.PROMOTE_ABOVE));
        assertFalse(s.exact());
        assertTrue(s.toBytes().length <= exactBytes + 80, "HLL " + s.toBytes().length + " vs exact " + exactBytes);
        assertEquals(ReachSet.PROMOTE_ABOVE + 1, s.users(), 3);
    }

    /**
     * Unions across many cells (as days and keys of a report) count each user once: overlapping
     * cells, some promoted and some exact, estimate the union within 4 standard errors.
     */
    @Test
    void unionsOfManyOverlappingCellsCountEachUserOnceWithinTheStatedError() {
        SplittableRandom r = new SplittableRandom(14);
        ReachSet all = new ReachSet();
        int users = 20_000;
        for (int cell = 0; cell < 400; cell++) {
            ReachSet c = new ReachSet();
            int size = r.nextInt(4) == 0 ? 1_000 : 40; // some promoted, most exact
            for (int i = 0; i < size; i++) {
                c.add(user(r.nextInt(users)));
            }
            all.addAll(ReachSet.fromBytes(c.toBytes()));
        }
        long truth = distinct(new SplittableRandom(14), users);
        double rse = Double.parseDouble(ReachSet.RSE_PERCENT) / 100;
        assertFalse(all.exact());
        assertEquals(truth, all.users(), 4 * rse * truth, "estimate of " + truth);
    }

    /** The same draws as the test, counted exactly. */
    private static long distinct(SplittableRandom r, int users) {
        java.util.BitSet seen = new java.util.BitSet(users);
        for (int cell = 0; cell < 400; cell++) {
            int size = r.nextInt(4) == 0 ? 1_000 : 40;
            for (int i = 0; i < size; i++) {
                seen.set(r.nextInt(users));
            }
        }
        return seen.cardinality();
    }

    /** A user sketch's hashes (untagged) say a reach set exactly when they are its hashes, and add as they would one by one. */
    @Test
    void theHashesOfAUserSketchAreAReachSetWhenTheyAreItsHashes() {
        UserSketch users = UserSketch.EMPTY;
        ReachSet reach = new ReachSet();
        for (int i = 0; i < 20; i++) {
            users = users.merge(UserSketch.ofHash(user(i)));
            reach.add(user(i));
        }
        assertTrue(ReachSet.isExactly(reach.toBytes(), users.toBytes()));
        assertTrue(ReachSet.isExactly(null, null));
        assertFalse(ReachSet.isExactly(of(0, 19).toBytes(), users.toBytes()), "one user fewer");
        assertFalse(ReachSet.isExactly(reach.toBytes(), null));
        assertFalse(ReachSet.isExactly(of(0, 200).toBytes(), users.merge(UserSketch.ofHash(user(300))).toBytes()),
                "a HyperLogLog is never a list of hashes");

        ReachSet added = of(10, 30); // 10 shared users
        byte[] hashes = users.toBytes();
        added.addAllHashes(hashes, 0, hashes.length);
        ReachSet oneByOne = of(10, 30);
        oneByOne.addAll(reach);
        assertEquals(30, added.users());
        assertEquals(java.util.Arrays.toString(oneByOne.toBytes()), java.util.Arrays.toString(added.toBytes()));

        // Into an empty set (a report row's first cell): the set becomes those hashes, and
        // keeps none of the bytes it was read from.
        byte[] padded = new byte[hashes.length + 11];
        System.arraycopy(hashes, 0, padded, 5, hashes.length);
        ReachSet fresh = new ReachSet();
        fresh.addAllHashes(padded, 5, hashes.length);
        java.util.Arrays.fill(padded, (byte) 0);
        assertEquals(20, fresh.users());
        assertTrue(fresh.exact());
        assertEquals(java.util.Arrays.toString(reach.toBytes()), java.util.Arrays.toString(fresh.toBytes()));
        fresh.add(user(25));
        assertEquals(21, fresh.users());
    }
}
