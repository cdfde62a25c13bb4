package io.precis.matcher.index;

import io.precis.matcher.campaign.AgeBand;
import java.util.Collection;

/**
 * A compact pre-check of the targeting dimensions the index query leaves out (region, segment,
 * age, gender, allowed site, geofence), so a candidate is ruled out from a few packed bits per
 * document, read in doc order from one array, before its campaign objects are touched.
 *
 * <p>Each document has {@link #SLOTS} longs. In each dimension a campaign's values set bits (a
 * hash of each value, or the age buckets its bands cover), nothing when it leaves the dimension
 * untargeted; a request sets the bits of its own values. A document passes a dimension when it
 * sets no bit there or shares one with the request. Distinct values may share a bit, so this
 * over-selects and {@code Eligibility} still decides exactly; it never rules out a campaign the
 * exact rules accept (same values, same bits; an age in a band falls in one of its buckets).
 * Exclusions are not checked here: a shared bit would wrongly exclude.
 */
public final class TargetingMask {
    /** Longs per document: regions, segments, age buckets, gender | allowed sites | geofence. */
    static final int SLOTS = 4;
    private static final long GENDER_BITS = 0xFFFF_FFFFL;
    private static final long SITE_BITS = 0x7FFF_FFFFL << 32;
    private static final long GEO_BIT = 1L << 63;

    private final long regions;
    private final long segments;
    private final long age;
    private final long other;

    private TargetingMask(long regions, long segments, long age, long other) {
        this.regions = regions;
        this.segments = segments;
        this.age = age;
        this.other = other;
    }

    /**
     * The request side: the values the request offers in each dimension, empty or null where
     * it offers none (then every campaign targeting that dimension is ruled out).
     *
     * @param geo whether the request has a point that a geofence could contain
     */
    public static TargetingMask request(Collection<String> regions, Collection<String> segments,
                                        Integer age, String gender, Collection<String> sites,
                                        boolean geo) {
        long other = (gender == null ? 0 : genderBit(gender)) | (geo ? GEO_BIT : 0);
        for (String s : sites) {
            other |= siteBit(s);
        }
        return new TargetingMask(bits(regions), bits(segments),
                age == null ? 0 : 1L << bucket(age), other);
    }

    /** Writes {@code ic}'s bits at {@code offset} of {@code out}. */
    static void write(IndexedCampaign ic, long[] out, int offset) {
        long age = 0;
        for (AgeBand b : ic.ageBands()) {
            for (int i = bucket(b.min()), last = bucket(b.max()); i <= last; i++) {
                age |= 1L << i;
            }
        }
        long other = 0;
        for (String g : ic.genders()) {
            other |= genderBit(g);
        }
        for (String s : ic.campaign().targeting().sites().allow()) {
            other |= siteBit(s);
        }
        if (ic.campaign().targeting().geo() != null) {
            other |= GEO_BIT;
        }
        out[offset] = bits(ic.regions());
        out[offset + 1] = bits(ic.segments());
        out[offset + 2] = age;
        out[offset + 3] = other;
    }

    /** Whether the document whose bits start at {@code offset} of {@code docs} may fit. */
    boolean admits(long[] docs, int offset) {
        long r = docs[offset];
        long s = docs[offset + 1];
        long a = docs[offset + 2];
        long o = docs[offset + 3];
        return (r == 0 || (r & regions) != 0)
                && (s == 0 || (s & segments) != 0)
                && (a == 0 || (a & age) != 0)
                && ((o & GENDER_BITS) == 0 || (o & other & GENDER_BITS) != 0)
                && ((o & SITE_BITS) == 0 || (o & other & SITE_BITS) != 0)
                && ((o & GEO_BIT) == 0 || (other & GEO_BIT) != 0);
    }

    /** Age buckets of two years, 0..63 (126 and over share the last); monotone in the age. */
    private static int bucket(int age) {
        return Math.max(0, Math.min(126, age)) >>> 1;
    }

    private static long bits(Collection<String> values) {
        long bits = 0;
        for (String v : values) {
            bits |= 1L << mix(v);
        }
        return bits;
    }

    private static long genderBit(String g) {
        return 1L << (mix(g) & 31);
    }

    private static long siteBit(String s) {
        return 1L << (32 + Integer.remainderUnsigned(mix(s), 31));
    }

    private static int mix(String v) {
        int h = v.hashCode() * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
