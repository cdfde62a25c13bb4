package io.precis.reports.privacy;

import io.precis.consent.crypto.Digests;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The distinct users of a roll-up cell, kept as the {@value #CAPACITY} smallest 64-bit hashes of
 * their measurement pseudonyms (a bottom-k sketch). Two sketches merge into the sketch of the
 * union, so the users of any report row come from its cells without reading events.
 *
 * <p>Exact for the threshold: a merged sketch with fewer than {@value #CAPACITY} entries holds
 * every user of the union, and one with {@value #CAPACITY} proves at least that many, so "fewer
 * than k users" (k ≤ {@value #CAPACITY}) is decided exactly, up to a 64-bit hash collision
 * (~n²/2^65). Stored as at most 256 bytes per cell. The hashes are unsalted SHA-256 of a keyed
 * pseudonym: unlinkable once the pseudonym's key epoch is destroyed, like the pseudonym.
 * A DataSketches theta sketch of the same k keeps the same 8-byte hashes plus a preamble, so it
 * would not be smaller for this guarantee (perf/README.md: 8 bytes per event at 10 M events).
 *
 * <p>Immutable; values sorted ascending, distinct.
 */
public final class UserSketch {
    /** k ≤ 32 covers API.md's default of 10 with room; 32 × 8 bytes keeps a cell small. */
    public static final int CAPACITY = 32;
    public static final UserSketch EMPTY = new UserSketch(new long[0]);

    private final long[] hashes;

    private UserSketch(long[] sortedDistinct) {
        this.hashes = sortedDistinct;
    }

    /** The sketch of one user. */
    public static UserSketch of(String pseudonym) {
        return ofHash(hash(pseudonym));
    }

    /** The sketch of the one user whose {@link #hash} is {@code hash}. */
    public static UserSketch ofHash(long hash) {
        return new UserSketch(new long[] {hash});
    }

    /** The 64-bit value a pseudonym is kept as. */
    public static long hash(String pseudonym) {
        return ByteBuffer.wrap(Digests.sha256(pseudonym)).getLong();
    }

    /** The sketch of the union: the smallest {@value #CAPACITY} of both value sets. */
    public UserSketch merge(UserSketch o) {
        if (o.hashes.length == 0) {
            return this;
        }
        if (hashes.length == 0) {
            return o;
        }
        // A full sketch whose largest value is below all of the other's is already the union's
        // smallest CAPACITY: the usual case when a report sums many cells into one row.
        if (hashes.length == CAPACITY && hashes[CAPACITY - 1] < o.hashes[0]) {
            return this;
        }
        if (o.hashes.length == CAPACITY && o.hashes[CAPACITY - 1] < hashes[0]) {
            return o;
        }
        long[] out = new long[Math.min(CAPACITY, hashes.length + o.hashes.length)];
        int i = 0;
        int j = 0;
        int n = 0;
        while (n < out.length && (i < hashes.length || j < o.hashes.length)) {
            long next;
            if (j >= o.hashes.length || (i < hashes.length && hashes[i] < o.hashes[j])) {
                next = hashes[i++];
            } else if (i >= hashes.length || o.hashes[j] < hashes[i]) {
                next = o.hashes[j++];
            } else {
                next = hashes[i++];
                j++;
            }
            out[n++] = next;
        }
        return new UserSketch(n == out.length ? out : Arrays.copyOf(out, n));
    }

    /**
     * {@code merge(fromBytes(bytes, offset, length))}, without decoding the other sketch when
     * this one is full and below all of it (its first value is its smallest).
     */
    public UserSketch merge(byte[] bytes, int offset, int length) {
        if (length == 0) {
            return this;
        }
        if (hashes.length == CAPACITY && length >= Long.BYTES
                && hashes[CAPACITY - 1] < (long) BIG_ENDIAN_LONG.get(bytes, offset)) {
            return this;
        }
        return merge(fromBytes(bytes, offset, length));
    }

    private static final java.lang.invoke.VarHandle BIG_ENDIAN_LONG =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);

    /** Distinct users, exact below {@value #CAPACITY}; {@value #CAPACITY} means "at least that many". */
    public int users() {
        return hashes.length;
    }

    /** Big-endian longs, ascending; null for the empty sketch (stored as SQL NULL). */
    public byte[] toBytes() {
        if (hashes.length == 0) {
            return null;
        }
        ByteBuffer b = ByteBuffer.allocate(hashes.length * Long.BYTES);
        for (long h : hashes) {
            b.putLong(h);
        }
        return b.array();
    }

    /** Reads {@link #toBytes()}; null or empty is the empty sketch. */
    public static UserSketch fromBytes(byte[] bytes) {
        return bytes == null ? EMPTY : fromBytes(bytes, 0, bytes.length);
    }

    /** Reads {@link #toBytes()} from {@code length} bytes of {@code bytes} at {@code offset}; 0 is the empty sketch. */
    public static UserSketch fromBytes(byte[] bytes, int offset, int length) {
        if (length == 0) {
            return EMPTY;
        }
        if (length % Long.BYTES != 0 || length > CAPACITY * Long.BYTES) {
            throw new IllegalArgumentException("not a user sketch");
        }
        return new UserSketch(hashesOf(bytes, offset, length));
    }

    /**
     * The big-endian longs in {@code length} bytes (a multiple of 8) of {@code bytes} at
     * {@code offset}: how a sketch's hashes, and a reach set's, are stored. A loop, without the
     * two buffer objects a {@code LongBuffer} takes per set: the sets are a few hashes each, read
     * by the million for one report (no difference in time measured, perf/README.md).
     */
    public static long[] hashesOf(byte[] bytes, int offset, int length) {
        long[] h = new long[length / Long.BYTES];
        for (int i = 0; i < h.length; i++) {
            h[i] = (long) BIG_ENDIAN_LONG.get(bytes, offset + i * Long.BYTES);
        }
        return h;
    }
}
