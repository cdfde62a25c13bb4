package io.precis.reports.event;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.reports.privacy.UserSketch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A pack gives back every cell as the cell table stores it: keys, counts, user and reach sets, in parts. */
class RollupPackTest {
    @Test
    void decodesWhatItEncodedAcrossParts() {
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
            for (int u = 0; u < users; u++) {
                long h = r.nextLong();
                t.users = t.users.merge(UserSketch.ofHash(h));
                t.reach.add(h);
            }
            cells.put(new RollupPack.Key("cmp-" + r.nextInt(20), "cr-" + r.nextInt(3), i % 11 == 0 ? "*" : "geo",
                    "CN-" + i, "site-" + r.nextInt(10) + ".example.cn", "*"), t);
        }
        assertTrue(cells.values().stream().filter(t -> !t.reach.exact()).count() > 20, "cells with an HLL");
        List<byte[]> parts = RollupPack.encode(cells);
        assertTrue(parts.size() > 1, "parts: " + parts.size());
        List<Map.Entry<RollupPack.Key, Tally>> got = new ArrayList<>();
        for (byte[] part : parts) {
            assertTrue(part.length < 2 * RollupPack.PART_BYTES);
            RollupPack.decode(part, (k, t) -> got.add(Map.entry(k, t)));
        }
        assertEquals(new ArrayList<>(cells.keySet()), got.stream().map(Map.Entry::getKey).toList());
        int i = 0;
        for (Tally want : cells.values()) {
            Tally t = got.get(i++).getValue();
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
    }
}
