package io.precis.matcher.match;

import io.precis.consent.crypto.Randoms;
import io.precis.matcher.auction.CampaignStats;
import io.precis.matcher.auction.SecondPrice;
import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.campaign.Creative;
import io.precis.matcher.delivery.DeliveryLedger;
import io.precis.matcher.index.CampaignIndex;
import io.precis.matcher.index.CandidateVisitor;
import io.precis.matcher.index.RankedReplay;
import io.precis.matcher.index.TargetingMask;
import io.precis.matcher.index.IndexedCampaign;
import io.precis.matcher.lift.HoldOut;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.apache.lucene.search.Query;

/**
 * Chooses the ads for a request: candidates from the {@link CampaignIndex} in one query, then
 * an auction: best score first ({@link Ranking}), skipping campaigns whose frequency cap or
 * budget is used up, that pacing holds back or that the person's {@link ContactGate} rules out
 * (channel, stop after conversion, contact policy), until {@code count} winners and one runner-up
 * are found; each winner pays the second price ({@link SecondPrice}) against the ad ranked
 * below it. The exact targeting checks ({@link Eligibility}) run lazily, in descending order
 * of an upper bound of each candidate's score ({@link RankedCandidates}), so the candidates
 * that could not reach the winners or the runner-up are never checked; the outcome is the one
 * checking every candidate gives. One ad per campaign. Each winner
 * gets a fresh random ad id, and a winner of a frequency-capped campaign takes its slot of the
 * user's cap in the same atomic step that checks it ({@link DeliveryLedger#reserve}).
 * A campaign that holds the person out of its lift test ({@link HoldOut}) is passed over as if
 * it did not fit, wherever it ranks; when it would have been a winner, the result names it as
 * held out ({@link MatchResult#heldOut}).
 * Thread-safe when its ledger, stats and random generator are.
 */
public final class CampaignMatcher {
    /** The gateway's default impression-token lifetime. */
    private static final Duration DEFAULT_PENDING_TTL = Duration.ofHours(1);
    /**
     * Candidates read from a shared ledger in one round trip at least: reading 8 counters costs
     * about what reading 1 does, and the first chunk then nearly always holds the winners.
     */
    private static final int PREFETCH_MIN = 8;

    private final CampaignIndex index;
    private final CampaignStats stats;
    private final Delivery delivery;
    private final RandomGenerator random;
    private final Duration pendingTtl;
    private final PageCache pages;
    private final HoldOut holdOut;
    /** Each thread's candidate arrays, reused from request to request. */
    private final ThreadLocal<RankedCandidates> candidateArrays = ThreadLocal.withInitial(RankedCandidates::new);

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
        this(index, ledger, stats, random, pendingTtl, PageCache.defaults());
    }

    /** As above, reusing the analysis of a page asked for again from {@code pages}. */
    public CampaignMatcher(CampaignIndex index, DeliveryLedger ledger, CampaignStats stats,
                           RandomGenerator random, Duration pendingTtl, PageCache pages) {
        this(index, ledger, stats, random, pendingTtl, pages, HoldOut.NOBODY);
    }

    /** As above, holding people out of the campaigns with a lift test as {@code holdOut} draws them. */
    public CampaignMatcher(CampaignIndex index, DeliveryLedger ledger, CampaignStats stats,
                           RandomGenerator random, Duration pendingTtl, PageCache pages, HoldOut holdOut) {
        this.holdOut = java.util.Objects.requireNonNull(holdOut, "holdOut");
        this.index = index;
        this.pages = pages;
        this.stats = stats;
        this.delivery = new Delivery(ledger, random);
        this.random = random;
        this.pendingTtl = pendingTtl;
    }

    /** Up to {@code q.count()} ads, best score first, at most one per campaign. */
    public List<MatchedAd> match(AdQuery q) {
        return matchResult(q).ads();
    }

    /** {@link #match}, with how many candidates were found and how many fully checked. */
    public MatchResult matchResult(AdQuery q) {
        return matchResult(q, () -> {});
    }

    /**
     * As {@link #matchResult(AdQuery)}, calling {@code ranking} once the candidates are found,
     * as the auction (which checks them in order of their score bound) starts: the gateway's
     * traces time the two stages apart.
     */
    public MatchResult matchResult(AdQuery q, Runnable ranking) {
        if (q.count() <= 0) {
            return MatchResult.NONE;
        }
        Request r = request(q);
        RankedCandidates candidates = candidateArrays.get().start(r, stats);
        // Read once: a campaign's rates change as events come, the bounds only rise, and a
        // rate raised during this request is one it could as well have had just after it.
        double ctrBound = stats.ctrBound();
        double cvrBound = stats.cvrBound();
        // With a format, one document per campaign can match; without, one per format (the
        // same campaign with the same facts, so the first is as good as any).
        Set<String> seen = r.format() == null ? new HashSet<>() : null;
        try {
            Query query = CandidateQuery.of(r);
            CandidateVisitor adder = (ic, facts, bidAmount, rankKey) -> {
                if (seen == null || seen.add(ic.id())) {
                    candidates.add(ic, facts,
                            Ranking.scoreBound(ic, facts, bidAmount, rankKey, ctrBound, cvrBound));
                }
            };
            TargetingMask mask = CandidateQuery.mask(r);
            CampaignIndex.Matches kept = r.page().matches(query);
            // A page asked for again: its matches in descending static bound, visited only as
            // far as the auction needs them. The static bound is the bound with every targeted
            // dimension hit (unknown facts), at least the bound any request's facts give.
            RankedReplay replay = index.rankedReplay(kept, mask, new RateBounds(ctrBound, cvrBound),
                    (ic, bidAmount, rankKey) -> Ranking.scoreBound(ic, TargetingMask.UNKNOWN, bidAmount, rankKey,
                            ctrBound, cvrBound));
            if (replay != null) {
                candidates.replaying(replay, adder);
            } else {
                r.page().keepMatches(index.visitCandidates(query, mask, adder, kept));
            }
            ranking.run();
            List<MatchedAd> heldOut = new ArrayList<>(0);
            List<MatchedAd> ads = auction(q, r, candidates::next, heldOut);
            return new MatchResult(ads, candidates.size(), candidates.evaluated(), heldOut);
        } finally {
            candidates.finish();
        }
    }

    /**
     * Every campaign that may serve this request, by id (sorted), with the kinds it matched on:
     * targeting, schedule, frequency caps, budgets, the contact gate and the request's
     * {@link AdFilter} (as the auction applies it), but not pacing (a random throttle) and
     * regardless of {@code count}. For oracle tests and diagnostics.
     */
    public Map<String, List<TargetingKind>> eligible(AdQuery q) {
        Request r = request(q);
        Map<String, List<TargetingKind>> out = new TreeMap<>();
        forEachFit(r, (ic, fit) -> {
            if (delivery.allows(ic.campaign(), r.pseudonym(), r.now(), fit.caution())
                    && q.contacts().allows(ic.campaign())
                    && admitted(Scored.of(ic, fit, Ranking.valuePerImpression(ic, stats)), q.filter(), r.format(),
                            r.segments())) {
                out.put(ic.campaign().id(), fit.kinds());
            }
        });
        return out;
    }

    /** {@link #match} by checking every serving campaign, without the index query. */
    List<MatchedAd> matchByBruteForce(AdQuery q) {
        return matchResultByBruteForce(q).ads();
    }

    /** {@link #matchResult} by checking every serving campaign (candidates and evaluated left 0). */
    MatchResult matchResultByBruteForce(AdQuery q) {
        if (q.count() <= 0) {
            return MatchResult.NONE;
        }
        Request r = request(q);
        PriorityQueue<Scored> scored = new PriorityQueue<>(Scored.BEST);
        for (IndexedCampaign ic : List.copyOf(index.campaigns())) {
            Fit fit = Eligibility.fit(ic, r);
            if (fit != null) {
                scored.add(Scored.of(ic, fit, Ranking.valuePerImpression(ic, stats)));
            }
        }
        List<MatchedAd> heldOut = new ArrayList<>(0);
        List<MatchedAd> ads = auction(q, r, scored::poll, heldOut);
        return new MatchResult(ads, 0, 0, heldOut);
    }

    /** The rates a replayed page's static bounds were computed with. */
    private record RateBounds(double ctr, double cvr) {
    }

    private Request request(AdQuery q) {
        return Request.of(q, pages, index.analysis());
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
        index.visitCandidates(CandidateQuery.of(r), CandidateQuery.mask(r), (ic, facts, bidAmount, rankKey) -> {
            Fit fit = Eligibility.fit(ic, r, facts);
            if (fit != null && (seen == null || seen.add(ic.campaign().id()))) {
                sink.accept(ic, fit);
            }
        });
    }

    /**
     * Takes the best-scored campaigns from {@code best} (null when none is left) until count
     * winners and a runner-up pass the delivery limits, then prices each winner against the
     * next one. Only the campaigns taken are ever checked against the delivery limits, so the
     * caps reserved and budgets held are those of the winners alone. A campaign holding the
     * person out is passed over; it goes to {@code heldOut} when it would have been a winner
     * (fewer than count winners and held-out ones before it).
     */
    private List<MatchedAd> auction(AdQuery q, Request r, Supplier<Scored> candidates, List<MatchedAd> heldOut) {
        AdFilter filter = q.filter();
        ContactGate contacts = q.contacts();
        // What the buyer rules out is never a winner nor a runner-up: the next candidate is taken.
        // So is a campaign none of whose creatives may be shown to this person (creatives per audience).
        Supplier<Scored> best = () -> nextAdmitted(candidates, filter, r.format(), r.segments());
        List<Scored> ranked = new ArrayList<>(q.count() + 1);
        List<String> adIds = new ArrayList<>(q.count());
        // A shared ledger is read a chunk of candidates at a time, one round trip per chunk.
        java.util.ArrayDeque<Scored> chunk = delivery.prefetches() ? new java.util.ArrayDeque<>() : null;
        Delivery delivery = this.delivery;
        while (ranked.size() <= q.count()) {
            Scored s;
            if (chunk == null) {
                s = best.get();
            } else {
                if (chunk.isEmpty()) {
                    delivery = nextChunk(q, r, best, chunk);
                }
                s = chunk.poll();
            }
            if (s == null) {
                break;
            }
            Campaign c = s.campaign().campaign();
            boolean caution = s.fit().caution();
            if (!delivery.allows(c, r.pseudonym(), r.now(), caution) || !delivery.paced(c, r.now())
                    || !contacts.allows(c)) {
                continue;
            }
            if (holdOut.heldOut(r.pseudonym(), c)) {
                if (ranked.size() + heldOut.size() < q.count()) {
                    heldOut.add(new MatchedAd(Randoms.token(16), c, pickCreative(c, r.format(), filter, r.segments()),
                            s.fit().kinds(), s.relevance(), s.score(), BigDecimal.ZERO));
                }
                continue;
            }
            if (ranked.size() < q.count()) { // a winner: its contact, budget and cap slot are taken now, atomically
                if (!contacts.take(c)) {
                    continue; // this request's earlier winners, or a parallel request, used up the policy
                }
                if (!delivery.hold(c, r.now(), pendingTtl)) {
                    contacts.giveBack(c);
                    continue; // parallel requests hold the rest of its budget
                }
                String adId = Randoms.token(16);
                if (!delivery.reserve(adId, c, r.pseudonym(), r.now(), pendingTtl, caution)) {
                    delivery.unhold(c, r.now());
                    contacts.giveBack(c);
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
            BigDecimal floor = filter.floorCpm(c);
            if (floor != null && floor.signum() > 0) {
                price = floored(s, price, floor);
            }
            delivery.settle(c, price, r.now());
            ads.add(new MatchedAd(adIds.get(i), c, pickCreative(c, r.format(), filter, r.segments()), s.fit().kinds(), s.relevance(),
                    s.score(), price));
        }
        return ads;
    }

    /**
     * Takes the next candidates from {@code best} into {@code chunk}: enough for every winner
     * and the runner-up twice over (a few fail their cap or budget), and reads their counters
     * from the ledger at once.
     */
    private Delivery nextChunk(AdQuery q, Request r, Supplier<Scored> best, java.util.ArrayDeque<Scored> chunk) {
        int size = Math.max(PREFETCH_MIN, 2 * (q.count() + 1));
        List<Campaign> cs = new ArrayList<>(size);
        for (Scored s; cs.size() < size && (s = best.get()) != null; ) {
            chunk.add(s);
            cs.add(s.campaign().campaign());
        }
        return cs.isEmpty() ? delivery : delivery.prefetch(r.pseudonym(), cs, r.now());
    }

    /**
     * The next of {@code candidates} that {@code filter} admits ({@link #admitted}); null when
     * none is left.
     */
    private static Scored nextAdmitted(Supplier<Scored> candidates, AdFilter filter, String format,
                                       Set<String> segments) {
        for (Scored s; (s = candidates.get()) != null; ) {
            if (admitted(s, filter, format, segments)) {
                return s;
            }
        }
        return null;
    }

    /**
     * Whether {@code filter} admits {@code s}: its campaign, one of its creatives for
     * {@code format} that the person may see, and its bid's worth against the floor.
     */
    private static boolean admitted(Scored s, AdFilter filter, String format, Set<String> segments) {
        Campaign c = s.campaign().campaign();
        if (!filter.admits(c) || !anyCreative(c, format, filter, segments)) {
            return false;
        }
        BigDecimal floor = filter.floorCpm(c);
        return floor == null || MatchedAd.cpm(c.bid(), c.bid().amount(), s.score() / s.relevance()).compareTo(floor) >= 0;
    }

    /**
     * A winner's second price raised to the floor: the least price whose CPM meets it, never
     * above the bid (which meets it: {@link #nextAdmitted}). Where rounding of the CPM leaves
     * that price a hair under the floor, the bid.
     */
    private static BigDecimal floored(Scored s, BigDecimal price, BigDecimal floor) {
        Campaign c = s.campaign().campaign();
        BigDecimal bid = c.bid().amount();
        double value = s.score() / s.relevance();
        // CPM: the floor itself; CPC, CPA: floor / 1000 per impression over the events per impression.
        BigDecimal minimum = c.bid().model() == io.precis.matcher.campaign.BidModel.CPM ? floor
                : floor.multiply(bid).divide(BigDecimal.valueOf(value * 1000), 6, java.math.RoundingMode.CEILING);
        BigDecimal raised = SecondPrice.atLeast(price, bid, minimum);
        return MatchedAd.cpm(c.bid(), raised, value).compareTo(floor) >= 0 ? raised : bid;
    }

    private static boolean fits(Creative cr, String format) {
        return format == null || cr.format().equals(format);
    }

    /** Whether {@code c} has a creative for the format that the filter admits and the person may see. */
    private static boolean anyCreative(Campaign c, String format, AdFilter filter, Set<String> segments) {
        List<Creative> all = c.creatives();
        for (int i = 0, n = all.size(); i < n; i++) {
            Creative cr = all.get(i);
            if (fits(cr, format) && cr.shownTo(segments) && (filter == AdFilter.NONE || filter.admits(cr))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The best-fitting creative: uniformly random among those that fit the format (any when
     * format is null) and the filter and whose audience the person is in; when none has an
     * audience of theirs, among those without an audience.
     */
    private Creative pickCreative(Campaign c, String format, AdFilter filter, Set<String> segments) {
        List<Creative> fitting = c.creatives().stream()
                .filter(cr -> fits(cr, format) && filter.admits(cr) && cr.shownTo(segments)).toList();
        List<Creative> targeted = fitting.stream().filter(cr -> !cr.audience().isEmpty()).toList();
        List<Creative> from = targeted.isEmpty() ? fitting : targeted;
        RandomGenerator rnd = random == null ? ThreadLocalRandom.current() : random;
        return from.get(rnd.nextInt(from.size()));
    }
}
