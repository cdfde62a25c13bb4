package io.precis.reports.privacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Merging sketches in any order gives the sketch of the union: the smallest
 * {@value UserSketch#CAPACITY} hashes of all the users, byte for byte (stored cells and packs are
 * compared that way), including when a full sketch is merged with one it already covers.
 */
class UserSketchTest {
    @Test
    void anyOrderOfMergesIsTheSmallestHashesOfTheUnion() {
        Random random = new Random(11);
        for (int round = 0; round < 500; round++) {
            List<UserSketch> parts = new ArrayList<>();
            TreeSet<Long> all = new TreeSet<>();
            int n = 1 + random.nextInt(40);
            for (int p = 0; p < n; p++) {
                UserSketch s = UserSketch.EMPTY;
                int users = random.nextInt(random.nextBoolean() ? 4 : 60);
                for (int u = 0; u < users; u++) {
                    // A small range makes the parts overlap, and equal hashes meet at the edges.
                    long h = random.nextBoolean() ? random.nextInt(200) : random.nextLong();
                    s = s.merge(UserSketch.ofHash(h));
                    all.add(h);
                }
                parts.add(s);
            }
            java.util.Collections.shuffle(parts, random);
            UserSketch merged = UserSketch.EMPTY;
            for (UserSketch s : parts) {
                merged = random.nextBoolean() ? merged.merge(s) : s.merge(merged);
            }
            UserSketch expected = UserSketch.EMPTY;
            for (long h : all.stream().limit(UserSketch.CAPACITY).toList()) {
                expected = expected.merge(UserSketch.ofHash(h));
            }
            assertArrayEquals(expected.toBytes(), merged.toBytes(), "round " + round);
        }
    }
}
