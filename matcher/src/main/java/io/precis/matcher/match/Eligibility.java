package io.precis.matcher.match;

import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.campaign.CampaignStatus;
import io.precis.matcher.campaign.Targeting;
import io.precis.matcher.index.IndexedCampaign;
import io.precis.matcher.text.Phrase;
import java.time.Instant;
import java.util.List;

/**
 * The exact rules of API.md for one campaign and one request. The index only narrows the
 * candidates; this decides, and gives the number of contextual hits for ranking.
 */
final class Eligibility {
    /** Returned by {@link #hits} when the campaign may not serve. */
    static final int INELIGIBLE = -1;

    private Eligibility() {
    }

    /**
     * The campaign's contextual hits (keyword phrases and categories found on the page; 0 for a
     * campaign without contextual targeting), or {@link #INELIGIBLE}.
     */
    static int hits(IndexedCampaign ic, String format, List<String> sites, PageText page,
                    Instant now) {
        Campaign c = ic.campaign();
        Targeting t = c.targeting();
        if (c.status() != CampaignStatus.ACTIVE
                || !fitsFormat(c, format)
                || !fitsSite(t, sites)
                || !c.schedule().isOpenAt(now)
                || needsUserAttributes(t)) {
            return INELIGIBLE;
        }
        for (Phrase p : ic.excludeKeywords()) {
            if (page.text().contains(p)) {
                return INELIGIBLE;
            }
        }
        if (!t.isContextual()) {
            return 0;
        }
        int hits = 0;
        for (Phrase p : ic.keywords()) {
            if (page.text().contains(p)) {
                hits++;
            }
        }
        for (String category : ic.categories()) {
            if (page.categories().contains(category)) {
                hits++;
            }
        }
        return hits == 0 ? INELIGIBLE : hits;
    }

    private static boolean fitsFormat(Campaign c, String format) {
        return format == null || c.creatives().stream().anyMatch(cr -> cr.format().equals(format));
    }

    private static boolean fitsSite(Targeting t, List<String> sites) {
        var allow = t.sites().allow();
        var block = t.sites().block();
        if (!allow.isEmpty() && sites.stream().noneMatch(allow::contains)) {
            return false;
        }
        return sites.stream().noneMatch(block::contains);
    }

    /**
     * Demographic, behavioural and geo targeting need the user's consented attributes, which
     * requests do not carry yet: such a campaign does not match (API.md: without consent, a
     * campaign that requires them does not match). Excluded segments alone do not need them.
     */
    private static boolean needsUserAttributes(Targeting t) {
        return t.isDemographic() || t.isBehavioural() || t.geo() != null;
    }
}
