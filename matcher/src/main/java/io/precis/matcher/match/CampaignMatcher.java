package io.precis.matcher.match;

import io.precis.consent.crypto.Randoms;
import io.precis.matcher.auction.CampaignStats;
import io.precis.matcher.auction.SecondPrice;
import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.campaign.Creative;
import io.precis.matcher.delivery.DeliveryLedger;
import io.precis.matcher.index.CampaignIndex;
import io.precis.matcher.index.IndexedCampaign;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.random.RandomGenerator;

/**
 * Chooses the ads for a request: candidates from the {@link CampaignIndex} in one query, exact
 * targeting checks by {@link Eligibility}, scores by {@link Ranking}, then an auction: best
 * score first, skipping campaigns whose frequency cap or budget is used up or that pacing holds
 * back, until {@code count} winners and one runner-up are found; each winner pays the second
 * price ({@link SecondPrice}) against the ad ranked below it. One ad per campaign. Each winner
 * gets a fresh random ad id, and a winner of a frequency-capped campaign takes its slot of the
 * user's cap in the same atomic step that checks it ({@link DeliveryLedger#reserve}).
 * Thread-safe when its ledger, stats and random generator are.
 */
public final class CampaignMatcher {
    /** Best first: higher score, then campaign id for a stable order between equal scores. */
    private static final Comparator<Scored> BEST = Comparator.comparingDouble(Scored::score)
            .reversed().thenComparing(s -> s.campaign().campaign().id());

    /** The gateway's default impression-token lifetime. */
    private static final Duration DEFAULT_PENDING_TTL = Duration.ofHours(1);

    private final CampaignIndex index;
    private final CampaignStats stats;
    private final Delivery delivery;
    private final RandomGenerator random;
    private final Duration pendingTtl;

    /**
     * A matcher over {@code index} with nothing delivered yet (no caps reached, budgets unspent)
     * and no history (priors for click and conversion rates); random choices by ThreadLocalRandom.
     */
    public CampaignMatcher(CampaignIndex index) {
        this(index, DeliveryLedger.none(), CampaignStats.none(), null);
    }

    /** As above, picking creatives with {@code random} (null = ThreadLocalRandom); for tests. */
    CampaignMatcher(CampaignIndex index, RandomGenerator random) {
        this(index, DeliveryLedger.none(), CampaignStats.none(), random);
    }

    /** A matcher consulting {@code ledger} for caps, budgets and pacing; no rate history. */
    public CampaignMatcher(CampaignIndex index, DeliveryLedger ledger, RandomGenerator random) {
        this(index, ledger, CampaignStats.none(), random);
    }

    /**
     * @param ledger what was delivered: frequency caps, budgets and pacing are checked against it
     * @param stats each campaign's impressions, clicks and conversions, for expected rates
     * @param random for pacing draws and creative choice; null = ThreadLocalRandom (a shared
     *     generator must be thread-safe)
     */
    public CampaignMatcher(CampaignIndex index, DeliveryLedger ledger, CampaignStats stats,
                           RandomGenerator random) {
        this(index, ledger, stats, random, DEFAULT_PENDING_TTL);
    }

    /**
     * As above; an ad of a frequency-capped campaign counts towards its user's cap from the
     * moment it is chosen until its impression is recorded or {@code pendingTtl} (the lifetime
     * of its impression token) passes.
     */
    public CampaignMatcher(CampaignIndex index, DeliveryLedger ledger, CampaignStats stats,
                           RandomGenerator random, Duration pendingTtl) {
        this.index = index;
        this.stats = stats;
        this.delivery = new Delivery(ledger, random);
        this.random = random;
        this.pendingTtl = pendingTtl;
    }

    /** Up to {@code q.count()} ads, best score first, at most one per campaign. */
    public List<MatchedAd> match(AdQuery q) {
        return match(q, () -> {});
    }

    /**
     * As {@link #match(AdQuery)}, calling {@code ranking} once the candidates are found and
     * checked, as the auction starts (the gateway's traces time the two stages apart).
     */
    public List<MatchedAd> match(AdQuery q, Runnable ranking) {
        if (q.count() <= 0) {
            return List.of();
        }
        Request r = Request.of(q, index.analysis());
        List<Scored> scored = new ArrayList<>();
        forEachFit(r, (ic, fit) -> scored.add(scored(ic, fit)));
        ranking.run();
        return auction(q, r, scored);
    }

    /**
     * Every campaign that may serve this request, by id (sorted), with the kinds it matched on:
     * targeting, schedule, frequency caps and budgets, but not pacing (a random throttle) and
     * regardless of {@code count}. For oracle tests and diagnostics.
     */
    public Map<String, List<TargetingKind>> eligible(AdQuery q) {
        Request r = Request.of(q, index.analysis());
        Map<String, List<TargetingKind>> out = new TreeMap<>();
        forEachFit(r, (ic, fit) -> {
            if (delivery.allows(ic.campaign(), r.pseudonym(), r.now())) {
                out.put(ic.campaign().id(), fit.kinds());
            }
        });
        return out;
    }

    /** {@link #match} by checking every serving campaign, without the index query. */
    List<MatchedAd> matchByBruteForce(AdQuery q) {
        if (q.count() <= 0) {
            return List.of();
        }
        Request r = Request.of(q, index.analysis());
        List<Scored> scored = new ArrayList<>();
        for (IndexedCampaign ic : List.copyOf(index.campaigns())) {
            Fit fit = Eligibility.fit(ic, r);
            if (fit != null) {
                scored.add(scored(ic, fit));
            }
        }
        return auction(q, r, scored);
    }

    /**
     * Calls {@code sink} once per candidate campaign that fits {@code r}, with its fit. The exact
     * checks run inside the index's collector, as each candidate is found, so nothing is
     * materialised for the many candidates that do not fit. A campaign changed since the
     * searcher was opened is checked in its current version; one removed since is skipped.
     */
    private void forEachFit(Request r, BiConsumer<IndexedCampaign, Fit> sink) {
        // With a format, one document per campaign can match; without, one per format.
        Set<String> seen = r.format() == null ? new HashSet<>() : null;
        index.visitCandidates(CandidateQuery.of(r), CandidateQuery.mask(r), (ic, facts) -> {
            Fit fit = Eligibility.fit(ic, r, facts);
            if (fit != null && (seen == null || seen.add(ic.campaign().id()))) {
                sink.accept(ic, fit);
            }
        });
    }

    private Scored scored(IndexedCampaign ic, Fit fit) {
        double relevance = Ranking.relevance(fit, ic.goal());
        return new Scored(ic, fit, relevance, Ranking.valuePerImpression(ic, stats) * relevance);
    }

    /**
     * Pops the best-scored campaigns (a heap: only the few popped are ordered) until count
     * winners and a runner-up pass the delivery limits, then prices each winner against the
     * next one.
     */
    private List<MatchedAd> auction(AdQuery q, Request r, List<Scored> scored) {
        PriorityQueue<Scored> heap = new PriorityQueue<>(Math.max(1, scored.size()), BEST);
        heap.addAll(scored);
        List<Scored> ranked = new ArrayList<>(q.count() + 1);
        List<String> adIds = new ArrayList<>(q.count());
        while (ranked.size() <= q.count() && !heap.isEmpty()) {
            Scored s = heap.poll();
            Campaign c = s.campaign().campaign();
            if (!delivery.allows(c, r.pseudonym(), r.now()) || !delivery.paced(c, r.now())) {
                continue;
            }
            if (ranked.size() < q.count()) { // a winner: its budget and cap slot are taken now, atomically
                if (!delivery.hold(c, r.now(), pendingTtl)) {
                    continue; // parallel requests hold the rest of its budget
                }
                String adId = Randoms.token(16);
                if (!delivery.reserve(adId, c, r.pseudonym(), r.now(), pendingTtl)) {
                    delivery.unhold(c, r.now());
                    continue; // a parallel request of the same user took the last slot
                }
                adIds.add(adId);
            }
            ranked.add(s);
        }
        int winners = Math.min(q.count(), ranked.size());
        List<MatchedAd> ads = new ArrayList<>(winners);
        for (int i = 0; i < winners; i++) {
            Scored s = ranked.get(i);
            Campaign c = s.campaign().campaign();
            double runnerUp = i + 1 < ranked.size() ? ranked.get(i + 1).score()
                    : SecondPrice.RESERVE_SCORE;
            BigDecimal price = SecondPrice.price(c.bid().amount(), s.score(), runnerUp);
            delivery.settle(c, price, r.now());
            ads.add(new MatchedAd(adIds.get(i), c, pickCreative(c, r.format()), s.fit().kinds(), s.relevance(),
                    s.score(), price));
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

    private record Scored(IndexedCampaign campaign, Fit fit, double relevance, double score) {
    }
}
