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
                ReportCells cells = new ReportCells(columns, round % 2 == 0 ? 16 : 4); // chunks of 16 cells: many
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
                ReportCells cells = new ReportCells(2, 5);
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

    /**
     * Packed cells, kept as where they are in their part and read again as rows are made
     * ({@link ReportCells#addPacked}), give the rows the same cells give as tallies: keys,
     * counts, user sketches byte for byte, reach (exact, and HLL once a set is promoted) and
     * the "(other)" row, with packed and unpacked cells of one key mixed in one row.
     */
    @Test
    void packedCellsGiveTheRowsTheirTalliesGive() {
        Random random = new Random(11);
        for (int round = 0; round < 30; round++) {
            int k = 2 + random.nextInt(8);
            Map<RollupPack.Key, Tally> packedCells = new java.util.LinkedHashMap<>();
            List<RollupPack.Key> tableKeys = new ArrayList<>();
            List<Tally> tableTallies = new ArrayList<>();
            int cellCount = round % 5 == 0 ? 3_000 : 400;
            for (int c = 0; c < cellCount; c++) {
                RollupPack.Key key = new RollupPack.Key(WORDS[random.nextInt(WORDS.length)], WORDS[random.nextInt(WORDS.length)],
                        "t", "r", "s", "web");
                Tally t = new Tally();
                t.impressions = 1 + random.nextInt(5);
                t.clicks = random.nextInt(3);
                t.costNanos = random.nextInt(1_000_000);
                t.reachImpressions = t.impressions;
                t.reachKnown = random.nextInt(20) != 0;
                for (int u = random.nextInt(random.nextInt(10) == 0 ? 200 : 4); u > 0; u--) {
                    long hash = random.nextInt(300);
                    t.users = t.users.merge(io.precis.reports.privacy.UserSketch.ofHash(hash));
                    t.reach.add(hash);
                }
                if (random.nextInt(4) == 0 || packedCells.containsKey(key)) {
                    tableKeys.add(key); // as a cell of the cell table, a tally
                    tableTallies.add(t);
                } else {
                    packedCells.put(key, t);
                }
            }
            List<byte[]> parts = RollupPack.encode(packedCells);
            for (int threshold : new int[] {0, k}) { // rows() sums into the cells' tallies: new ones each time
                // Across chunks of 128 cells, or in a first chunk that grows from 1,024 cells (3,000 cells).
                ReportCells mixed = new ReportCells(2, round % 2 == 0 ? 16 : 7);
                ReportCells tallies = new ReportCells(2);
                for (byte[] part : parts) {
                    int at = mixed.part(part);
                    RollupPack.readKeys(part, cell -> mixed.addPacked(new int[] {
                        mixed.id(0, cell.strings[cell.keys[0]]), mixed.id(1, cell.strings[cell.keys[1]])},
                        at, cell.at, cell.users()));
                    RollupPack.read(part, cell -> tallies.add(new int[] {tallies.id(0, cell.strings[cell.keys[0]]),
                        tallies.id(1, cell.strings[cell.keys[1]])}, cell.tally()));
                }
                for (int c = 0; c < tableKeys.size(); c++) {
                    RollupPack.Key key = tableKeys.get(c);
                    Tally one = new Tally();
                    one.add(tableTallies.get(c));
                    Tally other = new Tally();
                    other.add(tableTallies.get(c));
                    mixed.add(new int[] {mixed.id(0, key.campaignId()), mixed.id(1, key.creativeId())}, one);
                    tallies.add(new int[] {tallies.id(0, key.campaignId()), tallies.id(1, key.creativeId())}, other);
                }
                assertEquals(describe(tallies.rows(threshold)), describe(mixed.rows(threshold)),
                        "round " + round + ", k " + threshold);
            }
        }
    }

    private static List<String> describe(List<SmallRows.Group> rows) {
        List<String> out = new ArrayList<>();
        for (SmallRows.Group g : rows) {
            Tally t = g.tally();
            out.add(g.keys() + " " + t.impressions + " " + t.clicks + " " + t.costNanos + " " + t.reachImpressions
                    + " " + t.reachKnown + " " + java.util.Arrays.hashCode(t.users.toBytes()) + " " + t.reach.users()
                    + " " + t.reach.exact());
        }
        assertTrue(rows.size() > 1, "rows to compare");
        return out;
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
