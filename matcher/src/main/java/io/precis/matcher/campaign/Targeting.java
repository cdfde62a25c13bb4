package io.precis.matcher.campaign;

import java.util.List;

/**
 * Who and where a campaign is for; an empty list (or null geo) means "any" on that dimension.
 * Contextual: keywords, excludeKeywords, categories. Demographic: ageBands, genders, regions.
 * Behavioural: segments, excludeSegments. Geo: geo. Placement: sites, formats.
 *
 * Customer lists: audiences. Real-time: trigger.
 *
 * @param geo may be null
 * @param sites never null
 * @param audiences never null (null is {@link AudienceTargeting#NONE})
 * @param trigger may be null (no trigger)
 */
public record Targeting(List<String> keywords, List<String> excludeKeywords,
                        List<String> categories, List<String> ageBands, List<String> genders,
                        List<String> regions, List<String> segments, List<String> excludeSegments,
                        Geo geo, Sites sites, List<String> formats, AudienceTargeting audiences,
                        TriggerTargeting trigger) {
    /** Targets nothing: matches everywhere. */
    public static final Targeting NONE = new Targeting(null, null, null, null, null, null, null,
            null, null, null, null);

    /** Targeting without customer lists. */
    public Targeting(List<String> keywords, List<String> excludeKeywords,
                     List<String> categories, List<String> ageBands, List<String> genders,
                     List<String> regions, List<String> segments, List<String> excludeSegments,
                     Geo geo, Sites sites, List<String> formats) {
        this(keywords, excludeKeywords, categories, ageBands, genders, regions, segments,
                excludeSegments, geo, sites, formats, null, null);
    }

    /** Targeting without a trigger. */
    public Targeting(List<String> keywords, List<String> excludeKeywords,
                     List<String> categories, List<String> ageBands, List<String> genders,
                     List<String> regions, List<String> segments, List<String> excludeSegments,
                     Geo geo, Sites sites, List<String> formats, AudienceTargeting audiences) {
        this(keywords, excludeKeywords, categories, ageBands, genders, regions, segments,
                excludeSegments, geo, sites, formats, audiences, null);
    }

    public Targeting {
        keywords = copy(keywords);
        excludeKeywords = copy(excludeKeywords);
        categories = copy(categories);
        ageBands = copy(ageBands);
        genders = copy(genders);
        regions = copy(regions);
        segments = copy(segments);
        excludeSegments = copy(excludeSegments);
        sites = sites == null ? Sites.ANY : sites;
        formats = copy(formats);
        audiences = audiences == null ? AudienceTargeting.NONE : audiences;
    }

    /** Whether the campaign needs a contextual hit (a keyword or category of the page). */
    public boolean isContextual() {
        return !keywords.isEmpty() || !categories.isEmpty();
    }

    /** Whether the campaign needs the user's demographic attributes. */
    public boolean isDemographic() {
        return !ageBands.isEmpty() || !genders.isEmpty() || !regions.isEmpty();
    }

    /** Whether the campaign needs the user's stored segments. */
    public boolean isBehavioural() {
        return !segments.isEmpty();
    }

    private static List<String> copy(List<String> list) {
        return list == null ? List.of() : List.copyOf(list);
    }
}
