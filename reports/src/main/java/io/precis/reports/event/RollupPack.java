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
 * {@code precis_rollup_packs} (migration V10): a dictionary of the key strings, then the cells.
 * A cell of a pack holds exactly what its row in {@code precis_rollups} held
 * ({@code RollupPackTest}).
 *
 * <p>Version 2 (written since 2026-12-02): the cells' keys first, per cell the indexes of its six
 * keys, the length of its body and its distinct users; then the bodies, per cell its counts as
 * variable-length integers, its user set as {@link UserSketch#toBytes()} stores it, and its reach
 * set as {@link ReachSet#toBytes()} does, or one byte when the reach set is exactly the user set
 * (two thirds of the full grain's cells at 10 M events: a fifth of the bytes). A report over the
 * full grain reads every cell's keys first and most bodies only later, in place: its first pass no
 * longer steps through the bodies byte by byte. Version 1 (each cell's keys, counts and both sets
 * in turn) is still read.
 */
final class RollupPack {
    /** A pack's cells are cut into parts of about this many bytes (H2 keeps a BYTEA under 1 MiB). */
    static final int PART_BYTES = 256 * 1024;
    private static final byte VERSION_1 = 1;
    private static final byte VERSION = 2;
    /** Version 2's reach set: none, the same hashes as the user set, or (at 2 and up) its length + 2 bytes. */
    private static final int REACH_NONE = 0;
    private static final int REACH_SAME = 1;

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
        ByteArrayOutputStream keys = new ByteArrayOutputStream(16 + cells.size() * 10);
        ByteArrayOutputStream bodies = new ByteArrayOutputStream(1024 + cells.size() * 48);
        for (Map.Entry<Key, Tally> e : cells) {
            int start = bodies.size();
            Tally t = e.getValue();
            for (long n : new long[] {t.impressions, t.clicks, t.invalidClicks, t.conversions, t.costNanos,
                t.valueMicros, t.measuredImpressions, t.viewableImpressions, t.reachImpressions}) {
                varLong(bodies, zigZag(n));
            }
            bodies.write(t.reachKnown ? 1 : 0);
            byte[] users = t.users.toBytes();
            bytes(bodies, users);
            byte[] reach = t.reach.toBytes();
            if (reach == null) {
                varLong(bodies, REACH_NONE);
            } else if (ReachSet.isExactly(reach, users)) {
                varLong(bodies, REACH_SAME);
            } else {
                varLong(bodies, reach.length + 2L);
                bodies.write(reach, 0, reach.length);
            }
            for (int i = 0; i < 6; i++) {
                varLong(keys, dictionary.get(e.getKey().get(i)));
            }
            varLong(keys, bodies.size() - start);
            keys.write(t.users.users());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + keys.size() + bodies.size());
        out.write(VERSION);
        varLong(out, strings.size());
        for (String s : strings) {
            bytes(out, s.getBytes(StandardCharsets.UTF_8));
        }
        varLong(out, cells.size());
        varLong(out, keys.size());
        out.writeBytes(keys.toByteArray());
        out.writeBytes(bodies.toByteArray());
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
     * cell again from there, without its keys. {@code reachSame}: the reach set is the user set's
     * hashes (version 2), {@code reachLength} 0 then.
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
        boolean reachSame;
        /** Distinct users of the user set, known from the keys alone ({@link #readKeys}). */
        int users;

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
            if (reachSame) {
                t.reach.addAllHashes(part, usersAt, usersLength);
            } else {
                t.reach.addAll(part, reachAt, reachLength);
            }
        }

        /** The distinct users of this cell's user set ({@link UserSketch#users()}), without decoding it. */
        int users() {
            return users;
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
     * As {@link #read}, but only each cell's keys, {@link Cell#at} and {@link Cell#users()}: its
     * counts and sets are passed over, not decoded, for {@link #cellAt} to read when needed.
     */
    static void readKeys(byte[] part, java.util.function.Consumer<Cell> sink) {
        read(part, false, sink);
    }

    private static void read(byte[] part, boolean counts, java.util.function.Consumer<Cell> sink) {
        Cursor in = new Cursor(part);
        byte version = in.get();
        if (version != VERSION && version != VERSION_1) {
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
        if (version == VERSION_1) {
            for (long c = 0; c < cells; c++) {
                readKeys(in, cell);
                if (counts) {
                    readBody(in, cell, VERSION_1);
                } else {
                    skipCounts(in, cell);
                }
                sink.accept(cell);
            }
            return;
        }
        int keysLength = (int) varLong(in);
        Cursor body = new Cursor(part);
        body.at = in.at + keysLength;
        for (long c = 0; c < cells; c++) {
            readKeys(in, cell);
            int length = (int) varLong(in);
            cell.users = in.get();
            cell.at = body.at;
            if (counts) {
                readBody(body, cell, VERSION);
            }
            body.at = cell.at + length;
            sink.accept(cell);
        }
    }

    private static void readKeys(Cursor in, Cell cell) {
        for (int i = 0; i < cell.keys.length; i++) {
            cell.keys[i] = (int) varLong(in);
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
        readBody(in, into, part[0]);
    }

    /** The counts, reach flag and set positions of a cell of a part of {@code version}, from its counts on. */
    private static void readBody(Cursor in, Cell cell, byte version) {
        cell.at = in.at;
        for (int i = 0; i < COUNTS; i++) {
            cell.counts[i] = unZigZag(varLong(in));
        }
        cell.reachKnown = in.get() != 0;
        if (version == VERSION_1) {
            sets(in, cell);
            return;
        }
        cell.usersLength = skip(in);
        cell.usersAt = in.at - cell.usersLength;
        cell.users = cell.usersLength / Long.BYTES;
        int reach = (int) varLong(in);
        cell.reachSame = reach == REACH_SAME;
        cell.reachLength = reach < 2 ? 0 : reach - 2;
        cell.reachAt = in.at;
        in.at += cell.reachLength;
    }

    /** As {@link #readBody} of version 1, but past the counts and reach flag without decoding them. */
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

    /** Where the user and reach sets of a cell of version 1 are. */
    private static void sets(Cursor in, Cell cell) {
        cell.usersLength = skip(in);
        cell.usersAt = in.at - cell.usersLength;
        cell.users = cell.usersLength / Long.BYTES;
        cell.reachLength = skip(in);
        cell.reachAt = in.at - cell.reachLength;
        cell.reachSame = false;
    }

    /** A byte string as length + 1 and its bytes; 0 for null. */
    static void bytes(ByteArrayOutputStream out, byte[] b) {
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

    /** An unsigned variable-length integer, 7 bits a byte, low bits first. */
    static void varLong(ByteArrayOutputStream out, long v) {
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

    static long zigZag(long n) {
        return (n << 1) ^ (n >> 63);
    }

    private static long unZigZag(long n) {
        return (n >>> 1) ^ -(n & 1);
    }
}
