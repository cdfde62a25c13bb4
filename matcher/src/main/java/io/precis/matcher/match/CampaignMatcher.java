package io.precis.matcher.match;

import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.campaign.Creative;
import io.precis.matcher.index.CampaignIndex;
import io.precis.matcher.index.IndexedCampaign;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Chooses the ads for a request: candidates from the {@link CampaignIndex} in one query, exact
 * checks by {@link Eligibility}, then the best {@code count} by score, one ad per campaign.
 * Thread-safe.
 */
public final class CampaignMatcher {
    /** Best first: higher score, then campaign id for a stable order between equal scores. */
    private static final Comparator<Scored> BEST = Comparator.comparingDouble(Scored::score)
            .reversed().thenComparing(s -> s.campaign().campaign().id());

    private final CampaignIndex index;
    private final RandomGenerator random;

    /** A matcher over {@code index}; creatives are picked with {@link ThreadLocalRandom}. */
    public CampaignMatcher(CampaignIndex index) {
        this(index, null);
    }

    /** As above, picking creatives with {@code random} (null = ThreadLocalRandom); for tests. */
    CampaignMatcher(CampaignIndex index, RandomGenerator random) {
        this.index = index;
        this.random = random;
    }

    /** Up to {@code q.count()} ads, best score first, at most one per campaign. */
    public List<MatchedAd> match(AdQuery q) {
        if (q.count() <= 0) {
            return List.of();
        }
        Request r = request(q);
        List<IndexedCampaign> candidates = new ArrayList<>();
        for (String id : index.candidateIds(CandidateQuery.of(r.format, r.sites, r.page, q.now()))) {
            IndexedCampaign ic = index.get(id);
            if (ic != null) { // removed since the reader was opened
                candidates.add(ic);
            }
        }
        return rank(q, r, candidates);
    }

    /** {@link #match} by checking every serving campaign, without the index query: the oracle. */
    List<MatchedAd> matchByBruteForce(AdQuery q) {
        if (q.count() <= 0) {
            return List.of();
        }
        return rank(q, request(q), List.copyOf(index.campaigns()));
    }

    private Request request(AdQuery q) {
        String format = q.slotFormat() == null || q.slotFormat().isBlank() ? null
                : q.slotFormat().strip().toLowerCase(Locale.ROOT);
        return new Request(format, SiteNames.withParents(SiteNames.normalise(q.site())),
                PageText.of(q.page(), index.analysis()));
    }

    private List<MatchedAd> rank(AdQuery q, Request r, Collection<IndexedCampaign> candidates) {
        // Keep only the best count: the head of this queue is the worst kept.
        PriorityQueue<Scored> kept = new PriorityQueue<>(BEST.reversed());
        for (IndexedCampaign ic : candidates) {
            int hits = Eligibility.hits(ic, r.format, r.sites, r.page, q.now());
            if (hits == Eligibility.INELIGIBLE) {
                continue;
            }
            Campaign c = ic.campaign();
            boolean contextual = c.targeting().isContextual();
            double relevance = Ranking.relevance(contextual, hits);
            double score = Ranking.valuePerImpression(c.bid()) * relevance
                    * Ranking.goalWeight(c.goal());
            kept.add(new Scored(ic, contextual, relevance, score));
            if (kept.size() > q.count()) {
                kept.poll();
            }
        }
        List<Scored> best = new ArrayList<>(kept);
        best.sort(BEST);
        List<MatchedAd> ads = new ArrayList<>(best.size());
        for (Scored s : best) {
            Campaign c = s.campaign().campaign();
            List<TargetingKind> matchedBy = s.contextual
                    ? List.of(TargetingKind.CONTEXTUAL) : List.of();
            ads.add(new MatchedAd(c, pickCreative(c, r.format), matchedBy, s.relevance, s.score,
                    c.bid().amount()));
        }
        return ads;
    }

    /** Uniformly random among the creatives that fit the format (any when format is null). */
    private Creative pickCreative(Campaign c, String format) {
        List<Creative> fitting = format == null ? c.creatives()
                : c.creatives().stream().filter(cr -> cr.format().equals(format)).toList();
        RandomGenerator rnd = random == null ? ThreadLocalRandom.current() : random;
        return fitting.get(rnd.nextInt(fitting.size()));
    }

    private record Request(String format, List<String> sites, PageText page) {
    }

    private record Scored(IndexedCampaign campaign, boolean contextual, double relevance,
                          double score) {
    }
}
