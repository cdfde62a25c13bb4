package io.precis.matcher.index;

import io.precis.matcher.campaign.AgeBand;
import io.precis.matcher.campaign.Schedule;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A compact pre-check of the targeting dimensions the index query leaves out (region, segment,
 * age, gender, allowed site, geofence), so a candidate is ruled out from a few packed bits per
 * document, read in doc order from one array, before its campaign objects are touched; and,
 * where the bits are exact, the demographic and segment hits of the candidates it admits, so
 * {@code Eligibility} need not walk those sets either.
 *
 * <p>Each document has {@link #SLOTS} longs. In each dimension a campaign's values set bits,
 * nothing when it leaves the dimension untargeted; a request sets the bits of its own values.
 * A document passes a dimension when it leaves it untargeted or shares a bit with the request.
 * Bits are given per index segment ({@link Dictionaries}): the segment's most frequent values
 * of a dimension get a bit each (exact), the rest share a few hashed bits. A shared exact bit
 * is a certain hit; a shared hashed bit may be a collision, so this over-selects there and
 * reports the fit as {@link #UNKNOWN} for {@code Eligibility} to decide exactly. It never rules
 * out a campaign the exact rules accept (the same value gets the same bit on both sides).
 * Age: one bit per year of age from 12 to 75 (ages outside share the end bits, not exact).
 * Exclusions are not checked here: a shared bit would wrongly exclude. Customer lists are not
 * either: they make a document not {@link #simple}, so {@code Eligibility} checks them exactly.
 *
 * <p>The schedule is exact: start and end as whole seconds since 1970 (32 bits each), and the
 * hours as a 24-bit mask with the index of the campaign's time zone in the segment's zone
 * dictionary; the request brings its time and its hour in each of those zones. A schedule the
 * bits cannot hold (a start or end with a fraction of a second or past 2106, a zone past the
 * dictionary) is left to {@code Eligibility}.
 */
public final class TargetingMask {
    /**
     * Longs per document: regions, segments, age, gender | allowed sites | flags | schedule
     * hours and zone, schedule start | end.
     */
    static final int SLOTS = 5;

    /** {@link #check}: the document is ruled out. */
    static final int REJECT = -2;
    /**
     * {@link #check} and {@link CandidateVisitor}: admitted, but the demographic and segment
     * hits are not known from the bits (a hashed bit, or the campaign changed since).
     */
    public static final int UNKNOWN = -1;
    /** In known facts: bits 0..1 the targeted demographic dimensions (all fitting). */
    private static final int DEMOGRAPHIC_MASK = 3;
    /** In known facts: no exclusions, site lists or geofence (see {@link #simple}). */
    private static final int SIMPLE_FACT = 1 << 2;
    /** In known facts: the schedule is open at the request's time (checked exactly). */
    private static final int SCHEDULE_FACT = 1 << 3;
    /** In known facts: the campaign targets keywords or categories (its context is still to check). */
    private static final int CONTEXTUAL_FACT = 1 << 4;
    /** In known facts: the required segments the user has, from this bit up. */
    private static final int SEGMENT_SHIFT = 5;
    // Slot 3: hours at 30..53, zone index at 54..58, CONTEXTUAL, SCHEDULE_KNOWN; slot 4: start | end << 32.
    private static final int HOURS_SHIFT = 30;
    private static final long HOURS_BITS = 0xFF_FFFFL;
    private static final int ZONE_SHIFT = 54;
    private static final int MAX_ZONES = 31;
    private static final long CONTEXTUAL = 1L << 59;
    private static final long SCHEDULE_KNOWN = 1L << 62;
    private static final long SECONDS = 0xFFFF_FFFFL;
    /** Request slots: the time's key, whether it has one, then its hour in each zone. */
    private static final int Q_NOW = 4;
    private static final int Q_HAS_NOW = 5;
    private static final int Q_HOURS = 6;

    // Regions and segments: 56 exact bits, 8 hashed.
    private static final int WIDE_EXACT = 56;
    private static final int WIDE_HASHED = 8;
    private static final long WIDE_EXACT_BITS = (1L << WIDE_EXACT) - 1;
    // Slot 3: gender bits 0..7 (7 exact), allowed sites 8..27 (16 exact), flags above.
    private static final int GENDER_BASE = 0;
    private static final int GENDER_EXACT = 7;
    private static final int GENDER_HASHED = 1;
    private static final long GENDER_BITS = 0xFFL;
    private static final long GENDER_EXACT_BITS = (1L << GENDER_EXACT) - 1;
    private static final int SITE_BASE = 8;
    private static final int SITE_EXACT = 16;
    private static final int SITE_HASHED = 4;
    private static final long SITE_BITS = 0xFFF_FFFFL & ~0xFFL;
    private static final long AGE_TARGETED = 1L << 28;
    private static final long SIMPLE = 1L << 29;
    private static final long GEO_BIT = 1L << 63;
    // Age: bit = age - 12, clamped to 0..63; bits 1..62 hold one age each.
    private static final int AGE_BASE = 12;
    private static final long AGE_EXACT_BITS = 0x7FFF_FFFF_FFFF_FFFEL;

    private final Collection<String> regions;
    private final Collection<String> segments;
    private final Integer age;
    private final String gender;
    private final Collection<String> sites;
    private final boolean geo;
    private final Instant now;

    private TargetingMask(Collection<String> regions, Collection<String> segments, Integer age,
                          String gender, Collection<String> sites, boolean geo, Instant now) {
        this.regions = regions == null ? List.of() : regions;
        this.segments = segments == null ? List.of() : segments;
        this.age = age;
        this.gender = gender;
        this.sites = sites == null ? List.of() : sites;
        this.geo = geo;
        this.now = now;
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
        return new TargetingMask(regions, segments, age, gender, sites, geo, null);
    }

    /**
     * As {@link #request(Collection, Collection, Integer, String, Collection, boolean)}, at
     * time {@code now}: then schedules are checked from the bits too (null = not checked).
     */
    public static TargetingMask request(Collection<String> regions, Collection<String> segments,
                                        Integer age, String gender, Collection<String> sites,
                                        boolean geo, Instant now) {
        return new TargetingMask(regions, segments, age, gender, sites, geo, now);
    }

    /** The demographic dimensions (age, gender, region) targeted, from known facts. */
    public static int demographicHits(int facts) {
        return facts & DEMOGRAPHIC_MASK;
    }

    /** The campaign's required segments the user has, from known facts. */
    public static int segmentHits(int facts) {
        return facts >>> SEGMENT_SHIFT;
    }

    /**
     * Whether known facts say the campaign has no excluded segments or keywords, no site
     * allow- or block-list and no geofence, so only its schedule, context (and the format the
     * query already matched) remain to check.
     */
    public static boolean simple(int facts) {
        return (facts & SIMPLE_FACT) != 0;
    }

    /**
     * Whether known facts say the campaign targets keywords or categories; when false its
     * context is untargeted and its keyword and category lists need not be read.
     */
    public static boolean contextual(int facts) {
        return (facts & CONTEXTUAL_FACT) != 0;
    }

    /**
     * Whether known facts say the campaign's schedule is open at the request's time (when
     * false, the schedule was not decided by the bits and is still to check).
     */
    public static boolean scheduleOpen(int facts) {
        return (facts & SCHEDULE_FACT) != 0;
    }

    /** This request's bits in a segment with dictionaries {@code d}. */
    long[] resolve(Dictionaries d) {
        long other = (gender == null ? 0 : d.genders.bit(gender)) | (geo ? GEO_BIT : 0);
        for (String s : sites) {
            other |= d.sites.bit(s);
        }
        long[] q = new long[Q_HOURS + d.zones.length];
        q[0] = d.regions.bits(regions);
        q[1] = d.segments.bits(segments);
        q[2] = age == null ? 0 : 1L << ageBit(age);
        q[3] = other;
        if (now != null && now.getEpochSecond() >= 0 && now.getEpochSecond() < SECONDS) {
            q[Q_NOW] = now.getEpochSecond();
            q[Q_HAS_NOW] = 1;
            for (int i = 0; i < d.zones.length; i++) {
                q[Q_HOURS + i] = now.atZone(d.zones[i]).getHour();
            }
        }
        return q;
    }

    /** Writes {@code ic}'s bits at {@code offset} of {@code out}. */
    static void write(IndexedCampaign ic, Dictionaries d, long[] out, int offset) {
        long age = 0;
        for (AgeBand b : ic.ageBands()) {
            if (b.min() > b.max()) {
                continue; // holds no age
            }
            for (int i = ageBit(b.min()), last = ageBit(b.max()); i <= last; i++) {
                age |= 1L << i;
            }
        }
        long other = ic.ageBands().isEmpty() ? 0 : AGE_TARGETED;
        for (String g : ic.genders()) {
            other |= d.genders.bit(g);
        }
        for (String s : ic.campaign().targeting().sites().allow()) {
            other |= d.sites.bit(s);
        }
        var t = ic.campaign().targeting();
        if (t.geo() != null) {
            other |= GEO_BIT;
        }
        if (ic.excludeSegments().isEmpty() && ic.excludeKeywords().isEmpty()
                && t.sites().allow().isEmpty() && t.sites().block().isEmpty() && t.geo() == null
                && !t.audiences().any() // customer lists are decided exactly by Eligibility
                && t.trigger() == null) { // and so are triggers
            other |= SIMPLE;
        }
        if (!ic.keywords().isEmpty() || !ic.categories().isEmpty()) { // Targeting.isContextual
            other |= CONTEXTUAL;
        }
        out[offset] = d.regions.bits(ic.regions());
        out[offset + 1] = d.segments.bits(ic.segments());
        out[offset + 2] = age;
        Schedule sc = ic.campaign().schedule();
        int zone = sc.hours().isEmpty() ? 0 : d.zoneIndex(sc.timezone());
        long hours = 0;
        for (int h : sc.hours()) {
            hours |= h >= 0 && h < 24 ? 1L << h : 0;
        }
        if ((sc.start() == null || wholeSeconds(sc.start()))
                && (sc.end() == null || wholeSeconds(sc.end())) && zone >= 0
                && Long.bitCount(hours) == sc.hours().size()) {
            other |= SCHEDULE_KNOWN | hours << HOURS_SHIFT | (long) zone << ZONE_SHIFT;
            long start = sc.start() == null ? 0 : sc.start().getEpochSecond();
            long end = sc.end() == null ? SECONDS : sc.end().getEpochSecond();
            out[offset + 4] = start | end << 32;
        } else {
            out[offset + 4] = 0;
        }
        out[offset + 3] = other;
    }

    /** Whether {@code t} is a whole second from 1970 to 2106 (32 bits of seconds). */
    private static boolean wholeSeconds(Instant t) {
        return t.getNano() == 0 && t.getEpochSecond() >= 0 && t.getEpochSecond() <= SECONDS;
    }

    /**
     * Whether the document whose bits start at {@code offset} of {@code docs} may fit a request
     * with bits {@code q} ({@link #resolve}): {@link #REJECT} when it cannot, {@link #UNKNOWN}
     * when it may, else the facts (demographic and segment hits, every targeted dimension
     * certainly hit).
     */
    static int check(long[] docs, int offset, long[] q) {
        long r = docs[offset];
        long s = docs[offset + 1];
        long a = docs[offset + 2];
        long o = docs[offset + 3];
        long qo = q[3];
        if ((o & GEO_BIT) != 0 && (qo & GEO_BIT) == 0) {
            return REJECT;
        }
        int scheduleFact = 0;
        if ((o & SCHEDULE_KNOWN) != 0 && q[Q_HAS_NOW] != 0) {
            // Whole seconds: now < start iff its second is before start's; same for end.
            long now = q[Q_NOW];
            long span = docs[offset + 4];
            if (now < (span & SECONDS) || now >= span >>> 32) {
                return REJECT;
            }
            long hours = o >>> HOURS_SHIFT & HOURS_BITS;
            if (hours != 0 && (hours & 1L << q[Q_HOURS + (int) (o >>> ZONE_SHIFT & MAX_ZONES)])
                    == 0) {
                return REJECT;
            }
            scheduleFact = SCHEDULE_FACT;
        }
        boolean certain = true;
        int demographic = 0;
        if (r != 0) {
            long hit = r & q[0];
            if (hit == 0) {
                return REJECT;
            }
            demographic++;
            certain = (hit & WIDE_EXACT_BITS) != 0;
        }
        if ((o & AGE_TARGETED) != 0) {
            long hit = a & q[2];
            if (hit == 0) {
                return REJECT;
            }
            demographic++;
            certain &= (hit & AGE_EXACT_BITS) != 0;
        }
        long g = o & GENDER_BITS;
        if (g != 0) {
            long hit = g & qo;
            if (hit == 0) {
                return REJECT;
            }
            demographic++;
            certain &= (hit & GENDER_EXACT_BITS) != 0;
        }
        long site = o & SITE_BITS;
        if (site != 0 && (site & qo) == 0) {
            return REJECT;
        }
        int segments = 0;
        if (s != 0) {
            long hit = s & q[1];
            if (hit == 0) {
                return REJECT;
            }
            // Every one of the campaign's segments has its own bit: the shared bits count them.
            certain &= (s & ~WIDE_EXACT_BITS) == 0;
            segments = Long.bitCount(hit);
        }
        return certain ? demographic | segments << SEGMENT_SHIFT | scheduleFact
                | ((o & SIMPLE) != 0 ? SIMPLE_FACT : 0) | ((o & CONTEXTUAL) != 0 ? CONTEXTUAL_FACT : 0)
                : UNKNOWN;
    }

    private static int ageBit(int age) {
        return (int) Math.max(0, Math.min(63, (long) age - AGE_BASE));
    }

    private static int mix(String v) {
        int h = v.hashCode() * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /** One index segment's bit assignment for each dimension; immutable. */
    static final class Dictionaries {
        final Dictionary regions;
        final Dictionary segments;
        final Dictionary genders;
        final Dictionary sites;
        /** The time zones of the campaigns' schedule hours, up to {@link #MAX_ZONES}. */
        final ZoneId[] zones;

        private Dictionaries(Dictionary regions, Dictionary segments, Dictionary genders,
                             Dictionary sites, ZoneId[] zones) {
            this.regions = regions;
            this.segments = segments;
            this.genders = genders;
            this.sites = sites;
            this.zones = zones;
        }

        /** {@code zone}'s index in {@link #zones}, or -1. */
        int zoneIndex(ZoneId zone) {
            for (int i = 0; i < zones.length; i++) {
                if (zones[i].equals(zone)) {
                    return i;
                }
            }
            return -1;
        }

        /** Exact bits for the most frequent values among {@code campaigns} (nulls skipped). */
        static Dictionaries of(IndexedCampaign[] campaigns) {
            Map<String, Integer> regions = new HashMap<>();
            Map<String, Integer> segments = new HashMap<>();
            Map<String, Integer> genders = new HashMap<>();
            Map<String, Integer> sites = new HashMap<>();
            List<ZoneId> zones = new ArrayList<>();
            for (IndexedCampaign ic : campaigns) {
                if (ic == null) {
                    continue;
                }
                Schedule sc = ic.campaign().schedule();
                if (!sc.hours().isEmpty() && zones.size() < MAX_ZONES
                        && !zones.contains(sc.timezone())) {
                    zones.add(sc.timezone());
                }
                ic.regions().forEach(v -> regions.merge(v, 1, Integer::sum));
                ic.segments().forEach(v -> segments.merge(v, 1, Integer::sum));
                ic.genders().forEach(v -> genders.merge(v, 1, Integer::sum));
                ic.campaign().targeting().sites().allow()
                        .forEach(v -> sites.merge(v, 1, Integer::sum));
            }
            return new Dictionaries(Dictionary.of(regions, 0, WIDE_EXACT, WIDE_HASHED),
                    Dictionary.of(segments, 0, WIDE_EXACT, WIDE_HASHED),
                    Dictionary.of(genders, GENDER_BASE, GENDER_EXACT, GENDER_HASHED),
                    Dictionary.of(sites, SITE_BASE, SITE_EXACT, SITE_HASHED),
                    zones.toArray(ZoneId[]::new));
        }
    }

    /** Values with a bit of their own at {@code base + i}; others hashed past them. */
    private static final class Dictionary {
        private final Map<String, Integer> exact;
        private final int base;
        private final int exactBits;
        private final int hashedBits;

        private Dictionary(Map<String, Integer> exact, int base, int exactBits, int hashedBits) {
            this.exact = exact;
            this.base = base;
            this.exactBits = exactBits;
            this.hashedBits = hashedBits;
        }

        static Dictionary of(Map<String, Integer> counts, int base, int exactBits,
                             int hashedBits) {
            List<Map.Entry<String, Integer>> byCount = new ArrayList<>(counts.entrySet());
            byCount.sort(Map.Entry.<String, Integer>comparingByValue().reversed()
                    .thenComparing(Map.Entry.comparingByKey()));
            Map<String, Integer> exact = new HashMap<>();
            for (int i = 0; i < Math.min(exactBits, byCount.size()); i++) {
                exact.put(byCount.get(i).getKey(), i);
            }
            return new Dictionary(exact, base, exactBits, hashedBits);
        }

        long bit(String v) {
            Integer i = exact.get(v);
            return 1L << (base + (i != null ? i
                    : exactBits + Integer.remainderUnsigned(mix(v), hashedBits)));
        }

        long bits(Collection<String> values) {
            long bits = 0;
            for (String v : values) {
                bits |= bit(v);
            }
            return bits;
        }
    }
}
