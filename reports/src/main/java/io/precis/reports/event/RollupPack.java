package io.precis.reports.event;

import io.precis.reports.privacy.UserSketch;
import io.precis.reports.reach.ReachSet;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cells of one advertiser, grain code and period, encoded together for
 * {@code precis_rollup_packs} (migration V10): a dictionary of the key strings, then per cell the
 * indexes of its six keys, its counts as variable-length integers, and its user and reach sets
 * as {@link UserSketch#toBytes()} and {@link ReachSet#toBytes()} store them. A cell of a pack
 * holds exactly what its row in {@code precis_rollups} held ({@code RollupPackTest}).
 */
final class RollupPack {
    /** A pack's cells are cut into parts of about this many bytes (H2 keeps a BYTEA under 1 MiB). */
    static final int PART_BYTES = 256 * 1024;
    private static final byte VERSION = 1;

    /** The keys of a packed cell; the advertiser, grain and period are the pack's. */
    record Key(String campaignId, String creativeId, String targeting, String region, String site, String channel) {
        String get(int i) {
            return switch (i) {
                case 0 -> campaignId;
                case 1 -> creativeId;
                case 2 -> targeting;
                case 3 -> region;
                case 4 -> site;
                default -> channel;
            };
        }
    }

    private RollupPack() {
    }

    /** The cells in parts of about {@link #PART_BYTES} each, in {@code cells}' order. */
    static List<byte[]> encode(Map<Key, Tally> cells) {
        List<byte[]> parts = new ArrayList<>();
        List<Map.Entry<Key, Tally>> part = new ArrayList<>();
        long bytes = 0;
        for (Map.Entry<Key, Tally> e : cells.entrySet()) {
            part.add(e);
            bytes += 64 + size(e.getValue().users.toBytes()) + size(e.getValue().reach.toBytes());
            if (bytes >= PART_BYTES) {
                parts.add(encodePart(part));
                part.clear();
                bytes = 0;
            }
        }
        if (!part.isEmpty() || parts.isEmpty()) {
            parts.add(encodePart(part));
        }
        return parts;
    }

    private static int size(byte[] b) {
        return b == null ? 0 : b.length;
    }

    private static byte[] encodePart(List<Map.Entry<Key, Tally>> cells) {
        Map<String, Integer> dictionary = new HashMap<>();
        List<String> strings = new ArrayList<>();
        for (Map.Entry<Key, Tally> e : cells) {
            for (int i = 0; i < 6; i++) {
                dictionary.computeIfAbsent(e.getKey().get(i), s -> {
                    strings.add(s);
                    return strings.size() - 1;
                });
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024 + cells.size() * 64);
        out.write(VERSION);
        varLong(out, strings.size());
        for (String s : strings) {
            bytes(out, s.getBytes(StandardCharsets.UTF_8));
        }
        varLong(out, cells.size());
        for (Map.Entry<Key, Tally> e : cells) {
            for (int i = 0; i < 6; i++) {
                varLong(out, dictionary.get(e.getKey().get(i)));
            }
            Tally t = e.getValue();
            for (long n : new long[] {t.impressions, t.clicks, t.invalidClicks, t.conversions, t.costNanos,
                t.valueMicros, t.measuredImpressions, t.viewableImpressions, t.reachImpressions}) {
                varLong(out, zigZag(n));
            }
            out.write(t.reachKnown ? 1 : 0);
            bytes(out, t.users.toBytes());
            bytes(out, t.reach.toBytes());
        }
        return out.toByteArray();
    }

    /** Receives each decoded cell; the tally is new, the caller's to keep. */
    interface Sink {
        void cell(Key key, Tally tally);
    }

    /** Decodes one part made by {@link #encode}. */
    static void decode(byte[] part, Sink sink) {
        ByteBuffer in = ByteBuffer.wrap(part);
        if (in.get() != VERSION) {
            throw new IllegalArgumentException("not a roll-up pack");
        }
        String[] strings = new String[(int) varLong(in)];
        for (int i = 0; i < strings.length; i++) {
            strings[i] = new String(bytes(in), StandardCharsets.UTF_8);
        }
        long cells = varLong(in);
        for (long c = 0; c < cells; c++) {
            Key key = new Key(strings[(int) varLong(in)], strings[(int) varLong(in)], strings[(int) varLong(in)],
                    strings[(int) varLong(in)], strings[(int) varLong(in)], strings[(int) varLong(in)]);
            Tally t = new Tally();
            t.impressions = unZigZag(varLong(in));
            t.clicks = unZigZag(varLong(in));
            t.invalidClicks = unZigZag(varLong(in));
            t.conversions = unZigZag(varLong(in));
            t.costNanos = unZigZag(varLong(in));
            t.valueMicros = unZigZag(varLong(in));
            t.measuredImpressions = unZigZag(varLong(in));
            t.viewableImpressions = unZigZag(varLong(in));
            t.reachImpressions = unZigZag(varLong(in));
            t.reachKnown = in.get() != 0;
            t.users = UserSketch.fromBytes(bytes(in));
            t.reach = ReachSet.fromBytes(bytes(in));
            sink.cell(key, t);
        }
    }

    private static void bytes(ByteArrayOutputStream out, byte[] b) {
        if (b == null) {
            varLong(out, 0);
            return;
        }
        varLong(out, b.length + 1L);
        out.write(b, 0, b.length);
    }

    /** Null for length 0 (SQL NULL in the cell table), else the bytes. */
    private static byte[] bytes(ByteBuffer in) {
        int n = (int) varLong(in);
        if (n == 0) {
            return null;
        }
        byte[] b = new byte[n - 1];
        in.get(b);
        return b;
    }

    private static void varLong(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static long varLong(ByteBuffer in) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = in.get();
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
    }

    private static long zigZag(long n) {
        return (n << 1) ^ (n >> 63);
    }

    private static long unZigZag(long n) {
        return (n >>> 1) ^ -(n & 1);
    }
}
