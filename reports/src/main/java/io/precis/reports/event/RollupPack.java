package io.precis.reports.event;

import io.precis.reports.privacy.UserSketch;
import io.precis.reports.reach.ReachSet;
import java.io.ByteArrayOutputStream;
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

    /**
     * One decoded cell, read in place: the same object for every cell of a part, its fields
     * overwritten by the next. {@code strings} is the part's dictionary and {@code keys}
     * (campaign, creative, targeting, region, site, channel) index it; the user and reach sets
     * stay bytes of {@code part} ({@code usersAt}/{@code usersLength}, {@code reachAt}/
     * {@code reachLength}; length 0 for none) until {@link #tally} (or the caller) reads them.
     * {@code at} is where the cell's counts start in {@code part}: {@link #cellAt} reads the
     * cell again from there, without its keys.
     */
    static final class Cell {
        String[] strings;
        final int[] keys = new int[6];
        int at;
        /** impressions, clicks, invalid clicks, conversions, cost nanos, value micros, measured, viewable, reach impressions. */
        final long[] counts = new long[COUNTS];
        boolean reachKnown;
        byte[] part;
        int usersAt;
        int usersLength;
        int reachAt;
        int reachLength;

        /** This cell as a new tally (an empty one with the cell added: the sets are then read from the part). */
        Tally tally() {
            Tally t = new Tally();
            addTo(t);
            return t;
        }

        /**
         * Adds this cell to {@code t}, as {@code t.add(tally())} would, with its sets merged from
         * the part's bytes: no tally, sketch or set of its own.
         */
        void addTo(Tally t) {
            t.impressions += counts[0];
            t.clicks += counts[1];
            t.invalidClicks += counts[2];
            t.conversions += counts[3];
            t.costNanos += counts[4];
            t.valueMicros += counts[5];
            t.measuredImpressions += counts[6];
            t.viewableImpressions += counts[7];
            t.reachImpressions += counts[8];
            t.reachKnown &= reachKnown;
            t.users = t.users.merge(part, usersAt, usersLength);
            t.reach.addAll(part, reachAt, reachLength);
        }

        /** The distinct users of this cell's user set ({@link UserSketch#users()}), without decoding it. */
        int users() {
            return usersLength / Long.BYTES;
        }
    }

    /** The counts a cell holds, in the order of {@link Cell#counts}. */
    static final int COUNTS = 9;

    /** Decodes one part made by {@link #encode}. */
    static void decode(byte[] part, Sink sink) {
        read(part, c -> sink.cell(new Key(c.strings[c.keys[0]],
                c.strings[c.keys[1]], c.strings[c.keys[2]], c.strings[c.keys[3]], c.strings[c.keys[4]],
                c.strings[c.keys[5]]), c.tally()));
    }

    /** Decodes one part made by {@link #encode}, each cell in place ({@link Cell}). */
    static void read(byte[] part, java.util.function.Consumer<Cell> sink) {
        read(part, true, sink);
    }

    /**
     * As {@link #read}, but only each cell's keys, {@link Cell#at} and where its sets are: its
     * counts are passed over, not decoded, for {@link #cellAt} to read when they are needed.
     */
    static void readKeys(byte[] part, java.util.function.Consumer<Cell> sink) {
        read(part, false, sink);
    }

    private static void read(byte[] part, boolean counts, java.util.function.Consumer<Cell> sink) {
        Cursor in = new Cursor(part);
        if (in.get() != VERSION) {
            throw new IllegalArgumentException("not a roll-up pack");
        }
        Cell cell = new Cell();
        cell.part = part;
        cell.strings = new String[(int) varLong(in)];
        for (int i = 0; i < cell.strings.length; i++) {
            int n = skip(in);
            cell.strings[i] = new String(in.bytes, in.at - n, n, StandardCharsets.UTF_8);
        }
        long cells = varLong(in);
        for (long c = 0; c < cells; c++) {
            for (int i = 0; i < cell.keys.length; i++) {
                cell.keys[i] = (int) varLong(in);
            }
            if (counts) {
                readBody(in, cell);
            } else {
                skipCounts(in, cell);
            }
            sink.accept(cell);
        }
    }

    /**
     * Reads into {@code into} the counts and sets of the cell of {@code part} whose counts start
     * at {@code at} (a {@link Cell#at} seen by {@link #read}); its keys and strings are left as
     * they were.
     */
    static void cellAt(byte[] part, int at, Cell into) {
        Cursor in = new Cursor(part);
        in.at = at;
        into.part = part;
        readBody(in, into);
    }

    /** The counts, reach flag and set positions of a cell, from its counts on. */
    private static void readBody(Cursor in, Cell cell) {
        cell.at = in.at;
        for (int i = 0; i < COUNTS; i++) {
            cell.counts[i] = unZigZag(varLong(in));
        }
        cell.reachKnown = in.get() != 0;
        sets(in, cell);
    }

    /** As {@link #readBody}, but past the counts and reach flag without decoding them. */
    private static void skipCounts(Cursor in, Cell cell) {
        cell.at = in.at;
        byte[] b = in.bytes;
        int at = in.at;
        for (int n = 0; n < COUNTS; at++) {
            if (b[at] >= 0) { // the last byte of a variable-length integer
                n++;
            }
        }
        in.at = at + 1;
        sets(in, cell);
    }

    /** Where the user and reach sets of a cell are. */
    private static void sets(Cursor in, Cell cell) {
        cell.usersLength = skip(in);
        cell.usersAt = in.at - cell.usersLength;
        cell.reachLength = skip(in);
        cell.reachAt = in.at - cell.reachLength;
    }

    private static void bytes(ByteArrayOutputStream out, byte[] b) {
        if (b == null) {
            varLong(out, 0);
            return;
        }
        varLong(out, b.length + 1L);
        out.write(b, 0, b.length);
    }

    /** Moves past what {@link #bytes(ByteArrayOutputStream, byte[])} wrote; returns its length (0 for null). */
    private static int skip(Cursor in) {
        int n = (int) varLong(in);
        if (n == 0) {
            return 0;
        }
        in.at += n - 1;
        return n - 1;
    }

    /**
     * A read position in a part, read in place: not a {@link java.nio.ByteBuffer} (whose
     * {@code get} per byte, position and limit checks included, showed as a fifth of a report
     * over the full grain), and each set decoded from the part, not from a copy of its bytes.
     */
    private static final class Cursor {
        final byte[] bytes;
        int at;

        Cursor(byte[] bytes) {
            this.bytes = bytes;
        }

        byte get() {
            return bytes[at++];
        }
    }

    private static void varLong(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static long varLong(Cursor in) {
        byte[] b = in.bytes;
        int at = in.at;
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            byte next = b[at++];
            v |= (long) (next & 0x7F) << shift;
            if (next >= 0) {
                in.at = at;
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
