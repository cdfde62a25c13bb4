package io.precis.matcher.match;

import io.precis.matcher.campaign.AgeBand;
import io.precis.matcher.campaign.AudienceTargeting;
import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.campaign.CampaignStatus;
import io.precis.matcher.campaign.Geo;
import io.precis.matcher.campaign.Targeting;
import io.precis.matcher.index.CampaignIndex;
import io.precis.matcher.index.IndexedCampaign;
import io.precis.matcher.index.TargetingMask;
import io.precis.matcher.text.AnalysedText;
import io.precis.matcher.text.Phrase;
import java.util.List;
import java.util.Set;

/**
 * The exact targeting rules of API.md for one campaign and one request. The index only narrows
 * the candidates; this decides, and measures the fit for ranking. Delivery limits (caps,
 * budgets, pacing) are {@link Delivery}'s.
 */
final class Eligibility {
    private Eligibility() {
    }

    /**
     * How {@code ic} fits {@code r}, or null when its targeting rules it out. The index only
     * narrows by format and context, so this runs on a few thousand candidates per request: the
     * cheap set lookups that rule out most of them (demographics, segments) come first.
     */
    static Fit fit(IndexedCampaign ic, Request r) {
        if (ic.campaign().status() != CampaignStatus.ACTIVE) {
            return null;
        }
        int demographic = demographicHits(ic, r);
        if (demographic < 0) {
            return null;
        }
        int segments = 0;
        if (!ic.segments().isEmpty()) {
            Set<String> user = r.segments(); // empty without personalisation
            if (user.isEmpty()) {
                return null;
            }
            for (String s : ic.segments()) {
                if (user.contains(s)) {
                    segments++;
                }
            }
            if (segments == 0) {
                return null;
            }
        }
        return fitRest(ic, r, demographic, segments, false);
    }

    /**
     * {@link #fit} for a candidate of {@link CampaignIndex#visitCandidates} with the pre-check's
     * {@code facts}: when they are known, its age, gender, region and segment rules are already
     * decided and counted, and its sets are not read again. Known facts come only for an
     * unchanged campaign's document that matched {@link CandidateQuery}, so it has the slot's
     * format.
     */
    static Fit fit(IndexedCampaign ic, Request r, int facts) {
        if (facts == TargetingMask.UNKNOWN) {
            return fit(ic, r);
        }
        // Known facts come only for a campaign the index holds, and it holds ACTIVE ones only
        // (Campaign is immutable): the status is not read again.
        Campaign c = ic.campaign();
        int demographic = TargetingMask.demographicHits(facts);
        int segments = TargetingMask.segmentHits(facts);
        boolean open = TargetingMask.scheduleOpen(facts);
        if (!TargetingMask.simple(facts)) {
            return fitRest(ic, r, demographic, segments, open);
        }
        // The document matched the query, so it has the slot's format.
        if (!open && !r.hours().isOpen(c.schedule())) {
            return null;
        }
        int hits = TargetingMask.contextual(facts) ? contextualHits(ic, r) : 0;
        return hits < 0 ? null : new Fit(hits, demographic, segments, false);
    }

    /**
     * Keyword phrases and categories of the page, 0 when the campaign is not contextual, -1
     * when it is and none is found.
     */
    private static int contextualHits(IndexedCampaign ic, Request r) {
        if (ic.keywords().isEmpty() && ic.categories().isEmpty()) { // Targeting.isContextual
            return 0;
        }
        AnalysedText text = r.page().text();
        int hits = 0;
        List<Phrase> keywords = ic.keywords();
        for (int i = 0, n = keywords.size(); i < n; i++) { // no iterator: this runs per candidate
            if (text.contains(keywords.get(i))) {
                hits++;
            }
        }
        for (String category : ic.categories()) {
            if (r.page().categories().contains(category)) {
                hits++;
            }
        }
        return hits == 0 ? -1 : hits;
    }

    /**
     * The rules after demographics and segments (which fit, with these hits); the schedule
     * too unless {@code open} says it is known to be open.
     */
    private static Fit fitRest(IndexedCampaign ic, Request r, int demographic, int segments,
                               boolean open) {
        Campaign c = ic.campaign();
        if (!ic.excludeSegments().isEmpty() && !r.segments().isEmpty()) {
            for (String s : ic.excludeSegments()) {
                if (r.segments().contains(s)) {
                    return null;
                }
            }
        }
        Targeting t = c.targeting();
        // A trigger fired for the person only while its segment is theirs (and segments reach
        // here only with personalisation).
        if (t.trigger() != null && !r.segments().contains(io.precis.matcher.campaign.TriggerTargeting.segmentOf(c.id()))) {
            return null;
        }
        AudienceTargeting lists = t.audiences();
        boolean audience = false;
        boolean caution = false;
        if (lists.any()) {
            // Include needs personalisation; exclude and caution apply whatever the consent.
            if (!lists.include().isEmpty()) {
                if (!r.personalised() || !anyIn(lists.include(), r.audiences())) {
                    return null;
                }
                audience = true;
            }
            if (anyIn(lists.exclude(), r.audiences())) {
                return null;
            }
            caution = anyIn(lists.caution(), r.audiences());
        }
        if ((r.format() != null && !ic.formats().contains(r.format()))
                || !fitsSite(t, r.sites())
                || (!open && !r.hours().isOpen(c.schedule()))) {
            return null;
        }
        boolean geo = false;
        if (t.geo() != null) {
            if (!within(t.geo(), r)) {
                return null;
            }
            geo = true;
        }
        AnalysedText text = r.page().text();
        List<Phrase> excluded = ic.excludeKeywords();
        for (int i = 0, n = excluded.size(); i < n; i++) {
            if (text.contains(excluded.get(i))) {
                return null;
            }
        }
        int hits = contextualHits(ic, r);
        return hits < 0 ? null : new Fit(hits, demographic, segments, geo, audience, caution);
    }

    /** Targeted demographic dimensions the user fits (0..3), or -1 when one does not fit. */
    private static int demographicHits(IndexedCampaign ic, Request r) {
        int hits = 0;
        if (!ic.ageBands().isEmpty()) {
            if (r.age() == null || !inAnyBand(ic.ageBands(), r.age())) {
                return -1;
            }
            hits++;
        }
        if (!ic.genders().isEmpty()) {
            if (r.gender() == null || !ic.genders().contains(r.gender())) {
                return -1;
            }
            hits++;
        }
        if (!ic.regions().isEmpty()) {
            boolean in = false;
            for (String region : r.regions()) { // the user's region and its ancestors
                if (ic.regions().contains(region)) {
                    in = true;
                    break;
                }
            }
            if (!in) {
                return -1;
            }
            hits++;
        }
        return hits;
    }

    private static boolean inAnyBand(List<AgeBand> bands, int age) {
        for (AgeBand b : bands) {
            if (b.contains(age)) {
                return true;
            }
        }
        return false;
    }

    private static boolean within(Geo g, Request r) {
        return r.geo() != null && GeoDistance.meters(g.lat(), g.lon(), r.geo().lat(),
                r.geo().lon()) <= g.radiusKm() * 1000;
    }

    private static boolean fitsSite(Targeting t, List<String> sites) {
        List<String> allow = t.sites().allow();
        List<String> block = t.sites().block();
        if (!allow.isEmpty() && !anyIn(sites, allow)) {
            return false;
        }
        return block.isEmpty() || !anyIn(sites, block);
    }

    private static boolean anyIn(List<String> lists, Set<String> member) {
        if (member.isEmpty()) {
            return false;
        }
        for (int i = 0, n = lists.size(); i < n; i++) {
            if (member.contains(lists.get(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyIn(List<String> sites, List<String> list) {
        for (String s : sites) {
            if (list.contains(s)) {
                return true;
            }
        }
        return false;
    }
}
