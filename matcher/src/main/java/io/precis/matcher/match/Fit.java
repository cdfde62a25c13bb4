package io.precis.matcher.match;

import java.util.EnumSet;
import java.util.List;

/**
 * How well an eligible campaign fits a request, per targeting kind: what ranking weighs and
 * what {@code matchedBy} lists.
 *
 * @param contextualHits keyword phrases and categories found on the page (0 if untargeted)
 * @param demographicHits targeted demographic dimensions (age, gender, region) the user fits
 * @param segmentHits required segments the user has
 * @param geo whether the campaign has a geofence the user is in
 * @param audience whether the user is in one of the campaign's include lists
 * @param caution whether the user is in one of its caution lists (bid multiplied, cap tighter)
 */
record Fit(int contextualHits, int demographicHits, int segmentHits, boolean geo,
           boolean audience, boolean caution) {
    Fit(int contextualHits, int demographicHits, int segmentHits, boolean geo) {
        this(contextualHits, demographicHits, segmentHits, geo, false, false);
    }

    /** The kinds matched on, in {@link TargetingKind} order. */
    List<TargetingKind> kinds() {
        EnumSet<TargetingKind> k = EnumSet.noneOf(TargetingKind.class);
        if (contextualHits > 0) {
            k.add(TargetingKind.CONTEXTUAL);
        }
        if (demographicHits > 0) {
            k.add(TargetingKind.DEMOGRAPHIC);
        }
        if (segmentHits > 0) {
            k.add(TargetingKind.BEHAVIOURAL);
        }
        if (geo) {
            k.add(TargetingKind.GEO);
        }
        if (audience) {
            k.add(TargetingKind.AUDIENCE);
        }
        return List.copyOf(k);
    }
}
