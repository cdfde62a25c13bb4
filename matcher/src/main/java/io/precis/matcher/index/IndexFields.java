package io.precis.matcher.index;

import java.util.Locale;

/**
 * Names and term spellings of the campaign index: one keyword-style field per targeting
 * dimension, with {@link #ANY} where the campaign leaves the dimension untargeted, so candidates
 * can be found with one {@code TermInSetQuery(field, requestValues ∪ {ANY})} per field. The
 * matcher itself queries only {@link #FORMAT_CONTEXT} (the selective part) and checks the other
 * dimensions per candidate ({@link TargetingMask}, then exactly); the other fields stay indexed
 * for {@link CampaignIndex#candidateIds} queries and diagnostics.
 */
public final class IndexFields {
    /** The term of an untargeted dimension; never a valid value of any dimension. */
    public static final String ANY = "__ANY__";

    /** Campaign id: indexed term (for deletes) and sorted doc value (read when collecting). */
    public static final String ID = "id";
    /**
     * The creative format of this document (one document per campaign and format): indexed
     * term and sorted doc value (the index is sorted by it, see {@link #CONTEXTUAL}).
     */
    public static final String FORMAT = "format";
    /**
     * Numeric doc value: 1 when the campaign targets context, 0 when not. The index is sorted by
     * format, then this: the untargeted-context documents of one format, which every request
     * for that format gets as candidates, are then neighbours, and their pre-check bits are
     * read in one sequential sweep.
     */
    public static final String CONTEXTUAL = "contextual";
    /** Contextual: {@link #keywordTerm} and {@link #categoryTerm} values, or {@link #ANY}. */
    public static final String CONTEXT = "context";
    /**
     * Contextual per format: {@link #formatContextTerm}(format, context term) for each format of
     * the document and each of its {@link #CONTEXT} terms. What the matcher queries: one term
     * set gives the documents of the slot's format that the page's terms or categories (or
     * untargeted context) reach, with no conjunction to evaluate.
     */
    public static final String FORMAT_CONTEXT = "format_context";
    /** Allowed sites (host names), or {@link #ANY}. */
    public static final String SITE_ALLOW = "site_allow";
    /** Blocked sites (host names); absent when none. */
    public static final String SITE_BLOCK = "site_block";
    /** Schedule start, epoch milliseconds, LongPoint; Long.MIN_VALUE when unset. */
    public static final String START = "start";
    /** Schedule end (exclusive), epoch milliseconds, LongPoint; Long.MAX_VALUE when unset. */
    public static final String END = "end";

    /** Schedule hours: {@link #hourTerm} values, or {@link #ANY} when every hour serves. */
    public static final String HOURS = "hours";
    /** Demographic: {@link #ANY}, or {@link #TARGETED} when the campaign has age bands. */
    public static final String AGE_BAND = "age_band";
    /** Demographic: the age bands as IntRange values [min, max] (absent when untargeted). */
    public static final String AGE_RANGE = "age_range";
    /** Demographic: f, m, x, or {@link #ANY}. */
    public static final String GENDER = "gender";
    /** Demographic: region codes as targeted (CN-11), or {@link #ANY}. */
    public static final String REGION = "region";
    /** Behavioural: required segments, or {@link #ANY}. */
    public static final String SEGMENT = "segment";
    /** Behavioural: excluded segments; absent when none. */
    public static final String EXCLUDE_SEGMENT = "exclude_segment";
    /** Geo: {@link #GEO_RADIUS} when the campaign has a geofence, else {@link #ANY}. */
    public static final String GEO = "geo";
    /** The {@link #GEO} term of a campaign with a radius. */
    public static final String GEO_RADIUS = "radius";
    /**
     * Geo: LatLonShape polygons covering the campaign's circle (its bounding box, split at the
     * antimeridian); a point query with the user's location finds the candidates, the exact
     * distance is re-checked on them.
     */
    public static final String GEO_SHAPE = "geo_shape";
    /** The term of a dimension the campaign targets through a separate numeric field. */
    public static final String TARGETED = "targeted";

    private IndexFields() {
    }

    /** The {@link #CONTEXT} term of an analysed keyword term. */
    public static String keywordTerm(String analysedTerm) {
        return "t:" + analysedTerm;
    }

    /** The {@link #CONTEXT} term of a category; categories compare case-insensitively. */
    public static String categoryTerm(String category) {
        return "c:" + normaliseCategory(category);
    }

    /** The {@link #FORMAT_CONTEXT} term of a format and a {@link #CONTEXT} term. */
    public static String formatContextTerm(String format, String contextTerm) {
        return format + '\u001f' + contextTerm;
    }

    /** The {@link #HOURS} term of local hour {@code hour} in {@code zone}. */
    public static String hourTerm(java.time.ZoneId zone, int hour) {
        return zone.getId() + "|" + hour;
    }

    /** A category as compared: trimmed and lower case. */
    public static String normaliseCategory(String category) {
        return category.strip().toLowerCase(Locale.ROOT);
    }
}
