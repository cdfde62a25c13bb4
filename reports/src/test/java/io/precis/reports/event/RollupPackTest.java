package io.precis.reports.event;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.reports.privacy.UserSketch;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A pack gives back every cell as the cell table stores it: keys, counts, user and reach sets, in
 * parts; read whole ({@link RollupPack#decode}) or keys first and bodies later where they lie
 * ({@link RollupPack#readKeys}, {@link RollupPack#cellAt}); in the version written now and in
 * version 1, which packs written before 2026-12-02 hold.
 */
class RollupPackTest {
    @Test
    void decodesWhatItEncodedAcrossParts() {
        Map<RollupPack.Key, Tally> cells = randomCells();
        List<byte[]> parts = RollupPack.encode(cells);
        assertTrue(parts.size() > 1, "parts: " + parts.size());
        for (byte[] part : parts) {
            assertTrue(part.length < 2 * RollupPack.PART_BYTES);
        }
        assertReadBack(cells, parts);
    }

    /** Packs of version 1 (written by the version-1 layout below) are read as they always were. */
    @Test
    void readsPacksOfVersionOne() {
        Map<RollupPack.Key, Tally> cells = randomCells();
        List<Map.Entry<RollupPack.Key, Tally>> all = new ArrayList<>(cells.entrySet());
        List<byte[]> parts = List.of(versionOne(all.subList(0, 1_000)), versionOne(all.subList(1_000, all.size())));
        assertReadBack(cells, parts);
    }

    /** A reach set that is the user set's hashes takes one byte, not its hashes again. */
    @Test
    void aReachSetThatIsTheUserSetIsNotStoredTwice() {
        Map<RollupPack.Key, Tally> cells = new LinkedHashMap<>();
        Random r = new Random(3);
        for (int i = 0; i < 500; i++) {
            Tally t = new Tally();
            t.impressions = 1 + r.nextInt(5);
            for (int u = 0; u < 4; u++) {
                long h = r.nextLong();
                t.users = t.users.merge(UserSketch.ofHash(h));
                t.reach.add(h);
            }
            cells.put(new RollupPack.Key("cmp", "cr", "*", "CN-" + i, "site", "*"), t);
        }
        byte[] now = RollupPack.encode(cells).getFirst();
        byte[] before = versionOne(new ArrayList<>(cells.entrySet()));
        // Each cell: its four hashes not again (32 bytes), less the body's length and user count in its keys.
        assertTrue(now.length <= before.length - 500 * (4 * Long.BYTES - 2), now.length + " bytes against " + before.length);
        assertReadBack(cells, List.of(now));
    }

    /** 3,000 cells, some without users, some with more than the sketch keeps, some reached by part of their users. */
    private static Map<RollupPack.Key, Tally> randomCells() {
        Random r = new Random(5);
        Map<RollupPack.Key, Tally> cells = new LinkedHashMap<>();
        for (int i = 0; i < 3_000; i++) {
            Tally t = new Tally();
            t.impressions = r.nextInt(1_000_000);
            t.clicks = r.nextInt(1000);
            t.invalidClicks = r.nextInt(10);
            t.conversions = r.nextInt(10);
            t.costNanos = r.nextLong() >>> 8;
            t.valueMicros = r.nextLong() >>> 20;
            t.measuredImpressions = r.nextInt(100);
            t.viewableImpressions = r.nextInt(100);
            t.reachKnown = r.nextInt(10) != 0;
            t.reachImpressions = t.reachKnown ? r.nextInt(100) : 0;
            int users = i % 7 == 0 ? 0 : r.nextInt(i % 50 == 0 ? 400 : 40); // some reach sets become HLLs
            boolean partlyReached = i % 3 == 0;
            for (int u = 0; u < users; u++) {
                long h = r.nextLong();
                t.users = t.users.merge(UserSketch.ofHash(h));
                if (!partlyReached || u % 2 == 0) { // the others only clicked or converted
                    t.reach.add(h);
                }
            }
            cells.put(new RollupPack.Key("cmp-" + r.nextInt(20), "cr-" + r.nextInt(3), i % 11 == 0 ? "*" : "geo",
                    "CN-" + i, "site-" + r.nextInt(10) + ".example.cn", "*"), t);
        }
        assertTrue(cells.values().stream().filter(t -> !t.reach.exact()).count() > 20, "cells with an HLL");
        assertTrue(cells.values().stream().filter(t -> t.users.users() > 0
                && t.reach.exact() && t.reach.users() < t.users.users()).count() > 100, "cells reached in part");
        return cells;
    }

    /** Every cell of {@code parts}, read whole and read keys first, equals its cell in {@code cells}. */
    private static void assertReadBack(Map<RollupPack.Key, Tally> cells, List<byte[]> parts) {
        List<Map.Entry<RollupPack.Key, Tally>> got = new ArrayList<>();
        List<Tally> inPlace = new ArrayList<>();
        List<Integer> users = new ArrayList<>();
        for (byte[] part : parts) {
            RollupPack.decode(part, (k, t) -> got.add(Map.entry(k, t)));
            List<Integer> at = new ArrayList<>();
            RollupPack.readKeys(part, c -> {
                at.add(c.at);
                users.add(c.users());
            });
            RollupPack.Cell cell = new RollupPack.Cell();
            for (int a : at) {
                RollupPack.cellAt(part, a, cell);
                inPlace.add(cell.tally());
            }
        }
        assertEquals(new ArrayList<>(cells.keySet()), got.stream().map(Map.Entry::getKey).toList());
        int i = 0;
        for (Tally want : cells.values()) {
            assertSame(want, got.get(i).getValue());
            assertSame(want, inPlace.get(i));
            assertEquals(want.users.users(), users.get(i));
            i++;
        }
    }

    private static void assertSame(Tally want, Tally t) {
        assertArrayEquals(new long[] {want.impressions, want.clicks, want.invalidClicks, want.conversions,
            want.costNanos, want.valueMicros, want.measuredImpressions, want.viewableImpressions,
            want.reachImpressions}, new long[] {t.impressions, t.clicks, t.invalidClicks, t.conversions,
                t.costNanos, t.valueMicros, t.measuredImpressions, t.viewableImpressions, t.reachImpressions});
        assertEquals(want.reachKnown, t.reachKnown);
        assertArrayEquals(want.users.toBytes(), t.users.toBytes());
        // An HLL's image as the union wrote it and as read back differ in a header flag, not in its buckets.
        assertEquals(want.reach.exact(), t.reach.exact());
        assertEquals(want.reach.users(), t.reach.users());
        if (want.reach.exact()) {
            assertArrayEquals(want.reach.toBytes(), t.reach.toBytes());
        }
    }

    /**
     * A part in version 1's layout, as packs written before 2026-12-02 hold it: the version, the
     * dictionary, then per cell its six key indexes, nine zig-zag counts, the reach flag, and its
     * user and reach sets (each as length + 1 and bytes, 0 for none).
     */
    private static byte[] versionOne(List<Map.Entry<RollupPack.Key, Tally>> cells) {
        Map<String, Integer> dictionary = new HashMap<>();
        List<String> strings = new ArrayList<>();
        for (Map.Entry<RollupPack.Key, Tally> e : cells) {
            for (int i = 0; i < 6; i++) {
                dictionary.computeIfAbsent(e.getKey().get(i), s -> {
                    strings.add(s);
                    return strings.size() - 1;
                });
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1);
        RollupPack.varLong(out, strings.size());
        for (String s : strings) {
            RollupPack.bytes(out, s.getBytes(StandardCharsets.UTF_8));
        }
        RollupPack.varLong(out, cells.size());
        for (Map.Entry<RollupPack.Key, Tally> e : cells) {
            for (int i = 0; i < 6; i++) {
                RollupPack.varLong(out, dictionary.get(e.getKey().get(i)));
            }
            Tally t = e.getValue();
            for (long n : new long[] {t.impressions, t.clicks, t.invalidClicks, t.conversions, t.costNanos,
                t.valueMicros, t.measuredImpressions, t.viewableImpressions, t.reachImpressions}) {
                RollupPack.varLong(out, RollupPack.zigZag(n));
            }
            out.write(t.reachKnown ? 1 : 0);
            RollupPack.bytes(out, t.users.toBytes());
            RollupPack.bytes(out, t.reach.toBytes());
        }
        return out.toByteArray();
    }
}
