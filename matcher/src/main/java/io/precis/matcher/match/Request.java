package io.precis.matcher.match;

import io.precis.consent.identity.GeoPoint;
import io.precis.consent.identity.Pseudonym;
import io.precis.matcher.campaign.RegionCode;
import io.precis.matcher.text.TextAnalysis;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * An {@link AdQuery} prepared once for matching: page analysed, site expanded to its parent
 * domains, and the user's attributes reduced to what consent allows. A null attribute is
 * unknown or not allowed; campaigns targeting it do not match.
 *
 * @param format the slot format (normalised), or null for any
 * @param sites the slot's host and its parent domains; empty when unknown
 * @param age the user's age, only with personalisation
 * @param gender only with personalisation
 * @param regions the user's region and its ancestors (CN-11-0115, CN-11, CN); empty without
 *     personalisation or region
 * @param segments the user's segments; empty without personalisation
 * @param personalised whether personalisation is allowed (excluded segments then apply)
 * @param geo the user's precise point, only with precise-geo consent and a precise point
 * @param pseudonym the delivery pseudonym frequency caps count under, or null
 * @param hours {@code now} as local hours, for schedules
 * @param audiences the customer lists the person is in, whatever the consent (include lists
 *     count only when {@code personalised})
 */
record Request(String format, List<String> sites, PageText page, Instant now, Integer age,
               String gender, Set<String> regions, Set<String> segments, boolean personalised,
               GeoPoint geo, Pseudonym pseudonym, LocalHours hours,
               Set<String> audiences) {

    /** {@code q} with its page analysed (or its recent analysis reused) by {@code pages}. */
    static Request of(AdQuery q, PageCache pages, TextAnalysis analysis) {
        String format = q.slotFormat() == null || q.slotFormat().isBlank() ? null
                : q.slotFormat().strip().toLowerCase(Locale.ROOT);
        UserContext u = q.user();
        boolean personalised = q.purposes().personalisation();
        Integer age = null;
        String gender = null;
        Set<String> regions = Set.of();
        Set<String> segments = Set.of();
        if (personalised) {
            age = u.ageAt(q.now());
            gender = u.gender();
            regions = u.region() == null ? Set.of()
                    : Set.copyOf(new RegionCode(u.region()).selfAndAncestors());
            segments = u.segments();
        }
        GeoPoint geo = q.purposes().preciseGeo() && u.geo() != null && u.geo().precise()
                ? u.geo() : null;
        return new Request(format, SiteNames.withParents(SiteNames.normalise(q.site())),
                pages.of(q.page(), analysis), q.now(), age, gender, regions, segments,
                personalised, geo, u.pseudonym(), new LocalHours(q.now()), u.audiences());
    }
}
