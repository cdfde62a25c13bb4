package io.precis.reports.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link ReportCells} against the obvious answer: a tree map keyed by the key lists in
 * {@link ReportReader#compareKeys} order, summing every cell of a key. Keys mix cases, digits,
 * non-ASCII and prefixes of one another, where Java's string order is not the order of first
 * appearance; both sorting paths are checked.
 */
class ReportCellsTest {
    private static final String[] WORDS = {"a", "B", "ab", "a1", "Ab", "北京", "(other)", "z", "", "ä", "aa", "b"};

    @Test
    void rowsAreTheCellsSortedByTheirStringsWithEqualKeysSummed() {
        Random random = new Random(7);
        for (int round = 0; round < 50; round++) {
            int columns = random.nextInt(5);
            int cellCount = random.nextInt(400);
            List<List<String>> keys = new ArrayList<>();
            List<Long> impressions = new ArrayList<>();
            for (int c = 0; c < cellCount; c++) {
                List<String> k = new ArrayList<>();
                for (int d = 0; d < columns; d++) {
                    k.add(WORDS[random.nextInt(1 + random.nextInt(WORDS.length))]);
                }
                keys.add(k);
                impressions.add((long) random.nextInt(1000));
            }
            Map<List<String>, Long> expected = new TreeMap<>(ReportReader::compareKeys);
            for (int c = 0; c < cellCount; c++) {
                expected.merge(keys.get(c), impressions.get(c), Long::sum);
            }
            for (boolean byRanks : new boolean[] {false, true}) {
                ReportCells cells = new ReportCells(columns);
                int[] ids = new int[columns];
                for (int c = 0; c < cellCount; c++) {
                    for (int d = 0; d < columns; d++) {
                        ids[d] = cells.id(d, keys.get(c).get(d));
                    }
                    Tally t = new Tally();
                    t.impressions = impressions.get(c);
                    cells.add(ids, t);
                }
                Map<List<String>, Long> got = new java.util.LinkedHashMap<>();
                for (SmallRows.Group g : cells.rows(0, byRanks)) {
                    got.put(g.keys(), g.tally().impressions);
                }
                assertEquals(new ArrayList<>(expected.entrySet()), new ArrayList<>(got.entrySet()),
                        "round " + round + (byRanks ? ", by ranks" : ", by number"));
            }
        }
    }

    /**
     * With a k threshold, the rows of fewer than k users go into one "(other)" row, as
     * {@link SmallRows} says: here every row is kept or merged by its summed users, and the
     * totals of impressions and users stay those of every cell.
     */
    @Test
    void rowsOfFewerThanKUsersAreMergedIntoOther() {
        Random random = new Random(5);
        for (int round = 0; round < 50; round++) {
            int k = 2 + random.nextInt(8);
            Map<List<String>, Long> impressionsByKey = new TreeMap<>(ReportReader::compareKeys);
            Map<List<String>, io.precis.reports.privacy.UserSketch> usersByKey = new TreeMap<>(ReportReader::compareKeys);
            for (boolean byRanks : new boolean[] {false, true}) {
                ReportCells cells = new ReportCells(2);
                Random same = new Random(round);
                impressionsByKey.clear();
                usersByKey.clear();
                for (int c = 0; c < 300; c++) {
                    List<String> key = List.of(WORDS[same.nextInt(WORDS.length)], WORDS[same.nextInt(3)]);
                    Tally t = new Tally();
                    t.impressions = 1 + same.nextInt(5);
                    for (int u = same.nextInt(3); u > 0; u--) {
                        t.users = t.users.merge(io.precis.reports.privacy.UserSketch.ofHash(same.nextInt(40)));
                    }
                    impressionsByKey.merge(key, t.impressions, Long::sum);
                    usersByKey.merge(key, t.users, io.precis.reports.privacy.UserSketch::merge);
                    cells.add(new int[] {cells.id(0, key.get(0)), cells.id(1, key.get(1))}, t);
                }
                List<SmallRows.Group> rows = cells.rows(k, byRanks);
                long total = 0;
                for (SmallRows.Group g : rows) {
                    total += g.tally().impressions;
                    if (!g.keys().get(0).equals(Dimension.OTHER)) {
                        assertEquals(impressionsByKey.get(g.keys()), g.tally().impressions, g.keys().toString());
                        assertTrue(usersByKey.get(g.keys()).users() >= k, "a kept row has k users: " + g.keys());
                    }
                }
                assertEquals(impressionsByKey.values().stream().mapToLong(Long::longValue).sum(), total);
                long keptSmall = usersByKey.entrySet().stream().filter(e -> e.getValue().users() < k).count();
                boolean hasOther = rows.get(rows.size() - 1).keys().get(0).equals(Dimension.OTHER);
                assertEquals(keptSmall > 0, hasOther, "an (other) row exactly when a row was small, round " + round);
            }
        }
    }

    @Test
    void aPacksDictionaryIsLookedUpOncePerString() {
        ReportCells cells = new ReportCells(1);
        String[] dictionary = {"x", "y"};
        int[] cache = {-1, -1};
        int y = cells.id(0, dictionary, cache, 1);
        assertEquals(y, cells.id(0, "y"));
        assertEquals(y, cache[1]);
        assertEquals(-1, cache[0], "not asked for, not looked up");
    }
}
