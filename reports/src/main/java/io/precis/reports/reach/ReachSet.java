package io.precis.reports.reach;

import io.precis.reports.privacy.UserSketch;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.HllUnion;
import org.apache.datasketches.hll.TgtHllType;

/**
 * The distinct reached users of a roll-up cell or report row: the exact set of their 64-bit
 * user hashes ({@link io.precis.reports.privacy.UserSketch#hash}) while small, promoted to an
 * Apache DataSketches HyperLogLog sketch once the exact set would take more bytes than the
 * sketch. Unions of cells (across days, keys and grains) are exact while the union stays small;
 * as soon as it, or any part of it, is promoted, the union is the HLL union, whose relative
 * standard error is about {@value #RSE_PERCENT}% (DataSketches' table for lgK {@value #LG_K}).
 *
 * <p>Mutable and not thread-safe: one per cell or row while it is summed on one thread. Never
 * shares its state with the set it was built from ({@link #addAll} copies).
 */
public final class ReachSet {
    /**
     * 2^11 HLL buckets: 4-bit buckets serialise to ~1,070 bytes, 1σ error ~1.8% after unions,
     * 3.7% at 2σ (HllSketch.getRelErr). lgK 10 halves the bytes and raises the error to 2.6%.
     */
    public static final int LG_K = 11;
    /** Documented in API.md; from {@code HllSketch.getRelErr(false, false, 11, 1)}. */
    public static final String RSE_PERCENT = "1.8";
    /** An exact set above this many hashes is larger (8 bytes each) than the compact HLL. */
    public static final int PROMOTE_ABOVE = 128;
    private static final byte EXACT = 1;
    private static final byte HLL = 2;

    private static final long[] NONE = new long[0];
    /**
     * Ascending distinct hashes in {@code exact[0..size)} while neither sketch is set; never
     * written in place while {@link #NONE} (its length is 0, so the first add copies it).
     */
    private long[] exact = NONE;
    private int size;
    /** Once promoted: the sketch as read (never changed), until something is added to it. */
    private HllSketch read;
    /** Once promoted and added to. */
    private HllUnion union;

    /** Adds one user. */
    public void add(long hash) {
        if (promoted()) {
            union().update(hash);
            return;
        }
        int at = Arrays.binarySearch(exact, 0, size, hash);
        if (at >= 0) {
            return;
        }
        int insert = -at - 1;
        if (size == exact.length) {
            exact = Arrays.copyOf(exact, Math.max(4, size * 2));
        }
        System.arraycopy(exact, insert, exact, insert + 1, size - insert);
        exact[insert] = hash;
        size++;
        if (size > PROMOTE_ABOVE) {
            promote();
        }
    }

    /** Adds every user of {@code o} (the union); {@code o} is unchanged. */
    public void addAll(ReachSet o) {
        if (o.promoted()) {
            if (!promoted()) {
                promote();
            }
            union().update(o.read != null ? o.read : o.union.getResult(TgtHllType.HLL_8));
            return;
        }
        for (int i = 0; i < o.size; i++) {
            add(o.exact[i]);
        }
    }

    /**
     * Adds every user of the set {@link #toBytes()} wrote at {@code offset} ({@code length}
     * bytes; 0 is the empty set), as {@code addAll(fromBytes(bytes, offset, length))} would:
     * an exact set's hashes are added from the bytes, with no set of their own.
     */
    public void addAll(byte[] bytes, int offset, int length) {
        if (length == 0) {
            return;
        }
        if (bytes[offset] == HLL) {
            ReachSet other = fromBytes(bytes, offset, length);
            if (!promoted() && size == 0) {
                this.read = other.read; // this set is empty: it becomes that sketch, as read
            } else {
                addAll(other);
            }
            return;
        }
        checkExact(bytes, offset, length);
        addAllHashes(bytes, offset + 1, length - 1);
    }

    /**
     * Adds every hash of {@code length} bytes of {@code bytes} at {@code offset}: big-endian
     * longs, ascending and distinct, with no tag ({@link io.precis.reports.privacy.UserSketch#toBytes()}'s form).
     */
    public void addAllHashes(byte[] bytes, int offset, int length) {
        if (length % Long.BYTES != 0) {
            throw new IllegalArgumentException("not a set of hashes");
        }
        if (!promoted() && size == 0 && length <= PROMOTE_ABOVE * Long.BYTES) {
            exact = UserSketch.hashesOf(bytes, offset, length); // this set is empty: it becomes those
            size = exact.length;
            return;
        }
        for (int at = offset; at < offset + length; at += Long.BYTES) {
            add((long) BIG_ENDIAN_LONG.get(bytes, at));
        }
    }

    /**
     * Whether {@code image} ({@link #toBytes()}) is the exact set of the hashes {@code hashes}
     * holds (big-endian longs, ascending, untagged; null for none), so that those alone say it.
     */
    public static boolean isExactly(byte[] image, byte[] hashes) {
        if (image == null || hashes == null) {
            return image == null && hashes == null;
        }
        return image.length == hashes.length + 1 && image[0] == EXACT
                && Arrays.equals(image, 1, image.length, hashes, 0, hashes.length);
    }

    private static final java.lang.invoke.VarHandle BIG_ENDIAN_LONG =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);

    private static void checkExact(byte[] bytes, int offset, int length) {
        if (bytes[offset] != EXACT || (length - 1) % Long.BYTES != 0 || length - 1 > PROMOTE_ABOVE * Long.BYTES) {
            throw new IllegalArgumentException("not a reach set");
        }
    }

    /** Distinct users: exact when {@link #exact()}, else the HLL estimate rounded. */
    public long users() {
        return !promoted() ? size : Math.round(read != null ? read.getEstimate() : union.getEstimate());
    }

    /** Whether {@link #users()} is an exact count (no part of the set was ever promoted). */
    public boolean exact() {
        return !promoted();
    }

    public boolean isEmpty() {
        return !promoted() ? size == 0 : read != null ? read.isEmpty() : union.isEmpty();
    }

    private boolean promoted() {
        return read != null || union != null;
    }

    /** The mutable union, made from the sketch as read on the first change. */
    private HllUnion union() {
        if (union == null) {
            union = new HllUnion(LG_K);
            if (read != null) {
                union.update(read);
                read = null;
            }
        }
        return union;
    }

    private void promote() {
        HllUnion u = union();
        for (int i = 0; i < size; i++) {
            u.update(exact[i]);
        }
        exact = NONE;
        size = 0;
    }

    /** Tag, then big-endian hashes ascending or the compact HLL_4 image; null when empty (SQL NULL). */
    public byte[] toBytes() {
        if (isEmpty()) {
            return null;
        }
        if (promoted()) {
            byte[] hll = (read != null ? read : union.getResult(TgtHllType.HLL_4)).toCompactByteArray();
            return ByteBuffer.allocate(1 + hll.length).put(HLL).put(hll).array();
        }
        ByteBuffer b = ByteBuffer.allocate(1 + size * Long.BYTES).put(EXACT);
        for (int i = 0; i < size; i++) {
            b.putLong(exact[i]);
        }
        return b.array();
    }

    /** Reads {@link #toBytes()}; null or empty is the empty set. */
    public static ReachSet fromBytes(byte[] bytes) {
        return bytes == null ? new ReachSet() : fromBytes(bytes, 0, bytes.length);
    }

    /** Reads {@link #toBytes()} from {@code length} bytes of {@code bytes} at {@code offset}; 0 is the empty set. */
    public static ReachSet fromBytes(byte[] bytes, int offset, int length) {
        ReachSet s = new ReachSet();
        if (length == 0) {
            return s;
        }
        if (bytes[offset] == HLL) {
            s.read = HllSketch.heapify(Arrays.copyOfRange(bytes, offset + 1, offset + length));
            return s;
        }
        checkExact(bytes, offset, length);
        s.exact = UserSketch.hashesOf(bytes, offset + 1, length - 1);
        s.size = s.exact.length;
        return s;
    }
}
