package io.precis.matcher.match;

import static io.precis.matcher.TestCampaigns.withKeywords;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.consent.Purposes;
import io.precis.consent.identity.Pseudonym;
import io.precis.matcher.auction.InMemoryCampaignStats;
import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.delivery.InMemoryDeliveryLedger;
import io.precis.matcher.index.CampaignIndex;
import io.precis.matcher.oracle.RandomWorld;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Top-k pruning: the matcher checks candidates in descending bound of their score and stops
 * once none left can reach the winners or the runner-up. The winners, their order, scores and
 * second prices must be exactly those of checking every campaign, with caps, budgets and
 * pacing consulted for the same campaigns in the same order.
 */
class TopKPruningTest {
    private static final Instant NOW = Instant.parse("2026-11-03T04:00:00Z");
    private static final String BANNER = "banner-300x250";

    /** Campaign ids, scores and prices: what must not change, in order (ad ids are random). */
    private static List<String> outcome(List<MatchedAd> ads) {
        return ads.stream().map(a -> a.campaign().id() + " " + a.score() + " " + a.price()
                + " " + a.matchedBy()).toList();
    }

    @Test
    void oneHundredCampaignsOnOneKeywordOnlyTheWinnerAndRunnerUpAreChecked() throws Exception {
        try (CampaignIndex index = new CampaignIndex()) {
            List<Campaign> campaigns = new ArrayList<>();
            for (int i = 1; i <= 100; i++) {
                campaigns.add(withKeywords("c" + i, i, "咖啡"));
            }
            index.replaceAll(campaigns);
            CampaignMatcher matcher = new CampaignMatcher(index);
            AdQuery q = new AdQuery(BANNER, "news.example",
                    new PageContext("https://news.example/coffee", "今日咖啡", null, null, "咖啡新品", null),
                    NOW, 1, Purposes.NONE);
            MatchResult result = matcher.matchResult(q);
            assertEquals(100, result.candidates());
            assertEquals(2, result.evaluated(), "the winner and its runner-up only");
            assertEquals(List.of("c100"), result.ads().stream().map(a -> a.campaign().id()).toList());
            assertEquals(outcome(matcher.matchByBruteForce(q)), outcome(result.ads()));
        }
    }

    @Test
    void cappedTopBiddersAreSkippedAndTheNextOnesCheckedUntilWinnersAndRunnerUp() throws Exception {
        try (CampaignIndex index = new CampaignIndex()) {
            List<Campaign> campaigns = new ArrayList<>();
            for (int i = 1; i <= 50; i++) {
                campaigns.add(io.precis.matcher.TestCampaigns.campaign("c" + i, i, i > 45
                        ? "\"targeting\": {\"keywords\": [\"coffee\"]}, \"frequencyCap\": {\"impressions\": 1, \"perHours\": 24}"
                        : "\"targeting\": {\"keywords\": [\"coffee\"]}"));
            }
            index.replaceAll(campaigns);
            Pseudonym user = new Pseudonym("p1");
            List<List<String>> outcomes = new ArrayList<>();
            List<MatchResult> results = new ArrayList<>();
            for (boolean pruned : new boolean[] {true, false}) {
                InMemoryDeliveryLedger ledger = new InMemoryDeliveryLedger();
                for (int i = 46; i <= 50; i++) {
                    ledger.recordImpression(user, "c" + i, NOW.minusSeconds(60)); // caps reached
                }
                CampaignMatcher matcher = new CampaignMatcher(index, ledger, new SplittableRandom(3));
                AdQuery q = new AdQuery(BANNER, "news.example",
                        new PageContext(null, "Coffee news", null, null, "fresh coffee beans", null), NOW, 3,
                        Purposes.ALL, new UserContext(user, null, null, null, null, null));
                if (pruned) {
                    MatchResult r = matcher.matchResult(q);
                    results.add(r);
                    outcomes.add(outcome(r.ads()));
                } else {
                    outcomes.add(outcome(matcher.matchByBruteForce(q)));
                }
            }
            assertEquals(outcomes.get(1), outcomes.get(0));
            assertEquals(List.of("c45", "c44", "c43"), results.get(0).ads().stream()
                    .map(a -> a.campaign().id()).toList());
            // The five capped, three winners, the runner-up: c41 and below are never checked.
            assertEquals(9, results.get(0).evaluated());
            assertEquals(50, results.get(0).candidates());
        }
    }

    @Test
    void theBoundFromTheIndexArraysIsTheBoundOfTheCampaignObjectToTheLastBit() throws Exception {
        RandomWorld world = new RandomWorld(20261201);
        List<Campaign> campaigns = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            campaigns.add(world.campaign(i));
        }
        double ctrBound = 0.037;
        double cvrBound = 0.21;
        try (CampaignIndex index = new CampaignIndex()) {
            index.replaceAll(campaigns);
            long[] compared = new long[2];
            for (int n = 0; n < 500; n++) {
                Request r = Request.of(world.query(), PageCache.defaults(), index.analysis());
                index.visitCandidates(CandidateQuery.of(r), CandidateQuery.mask(r), (ic, facts, amount, key) -> {
                    assertEquals(ic.bidAmount(), amount);
                    assertEquals(ic.rankKey(), key);
                    double expected = Ranking.valueBound(ic.bidAmount(), ic.bidModel(), ctrBound, cvrBound)
                            * Ranking.maxRelevance(ic, facts);
                    double bound = Ranking.scoreBound(ic, facts, amount, key, ctrBound, cvrBound);
                    assertEquals(expected, bound, 0.0, () -> ic + " facts " + facts);
                    // A replayed page orders its matches by the bound without facts: it must hold.
                    assertTrue(bound <= Ranking.scoreBound(ic, io.precis.matcher.index.TargetingMask.UNKNOWN,
                            amount, key, ctrBound, cvrBound), () -> ic + " facts " + facts);
                    compared[0]++;
                    if (facts != io.precis.matcher.index.TargetingMask.UNKNOWN
                            && io.precis.matcher.index.TargetingMask.demographicHits(facts) > 0) {
                        compared[1]++;
                    }
                });
            }
            assertTrue(compared[0] > 10_000, "too few candidates compared: " + compared[0]);
            assertTrue(compared[1] > 100, "too few with demographic facts: " + compared[1]);
        }
    }

    @Test
    void prunedMatchingPicksTheWinnersAndPricesOfCheckingEveryCampaign() throws Exception {
        // Two identical worlds: each matcher consumes its own ledger (caps reserved, budgets
        // held), so both must see the same history and make the same reservations.
        RandomWorld world = new RandomWorld(20261130);
        RandomWorld twin = new RandomWorld(20261130);
        List<Campaign> campaigns = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            campaigns.add(world.campaign(i));
            twin.campaign(i);
        }
        InMemoryDeliveryLedger ledger = new InMemoryDeliveryLedger();
        InMemoryDeliveryLedger twinLedger = new InMemoryDeliveryLedger();
        world.history(campaigns, ledger);
        twin.history(campaigns, twinLedger);
        // Rates that differ per campaign, so CPC and CPA values are not the priors.
        InMemoryCampaignStats stats = new InMemoryCampaignStats();
        Random random = new Random(5);
        for (Campaign c : campaigns) {
            long impressions = random.nextInt(50_000);
            long clicks = (long) (impressions * 0.03 * random.nextDouble());
            stats.seed(c.id(), impressions, clicks, (long) (clicks * 0.2 * random.nextDouble()));
        }
        try (CampaignIndex index = new CampaignIndex()) {
            index.replaceAll(campaigns);
            CampaignMatcher pruned = new CampaignMatcher(index, ledger, stats, new SplittableRandom(9),
                    Duration.ofHours(1));
            CampaignMatcher full = new CampaignMatcher(index, twinLedger, stats, new SplittableRandom(9),
                    Duration.ofHours(1));
            long candidates = 0;
            long evaluated = 0;
            int served = 0;
            int skipped = 0;
            for (int n = 0; n < 2000; n++) {
                AdQuery q = world.query();
                if (n % 2 == 1) { // the same page again: its kept matches are replayed, not searched
                    MatchResult again = pruned.matchResult(q);
                    assertEquals(outcome(full.matchByBruteForce(q)), outcome(again.ads()), () -> "again " + q);
                }
                MatchResult r = pruned.matchResult(q);
                assertEquals(outcome(full.matchByBruteForce(q)), outcome(r.ads()), () -> "request " + q);
                assertTrue(r.evaluated() <= r.candidates());
                candidates += r.candidates();
                evaluated += r.evaluated();
                served += r.ads().size();
                skipped += r.evaluated() < r.candidates() ? 1 : 0;
            }
            assertTrue(served > 1000, "too few ads served to compare: " + served);
            assertTrue(skipped > 1000, "pruning skipped candidates in only " + skipped + " requests");
            assertTrue(evaluated * 2 < candidates, evaluated + " of " + candidates + " candidates checked");
        }
    }

    @Test
    void anAuctionWithAFilterIsTheAuctionOfAWorldWithoutTheCampaignsItRulesOut() throws Exception {
        RandomWorld world = new RandomWorld(20261202);
        List<Campaign> campaigns = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            campaigns.add(world.campaign(i));
        }
        AdFilter everyThirdOut = c -> Math.floorMod(c.id().hashCode(), 3) != 0;
        List<Campaign> admitted = campaigns.stream().filter(everyThirdOut::admits).toList();
        InMemoryCampaignStats stats = new InMemoryCampaignStats();
        Random random = new Random(7);
        for (Campaign c : campaigns) {
            long impressions = random.nextInt(50_000);
            stats.seed(c.id(), impressions, (long) (impressions * 0.03 * random.nextDouble()), 0);
        }
        try (CampaignIndex all = new CampaignIndex(); CampaignIndex fewer = new CampaignIndex()) {
            all.replaceAll(campaigns);
            fewer.replaceAll(admitted);
            CampaignMatcher filtered = new CampaignMatcher(all, io.precis.matcher.delivery.DeliveryLedger.none(), stats,
                    new SplittableRandom(4), Duration.ofHours(1));
            CampaignMatcher without = new CampaignMatcher(fewer, io.precis.matcher.delivery.DeliveryLedger.none(), stats,
                    new SplittableRandom(4), Duration.ofHours(1));
            CampaignMatcher unfiltered = new CampaignMatcher(all, io.precis.matcher.delivery.DeliveryLedger.none(), stats,
                    new SplittableRandom(4), Duration.ofHours(1));
            int served = 0;
            int differs = 0;
            for (int n = 0; n < 1500; n++) {
                AdQuery q = world.query();
                AdQuery withFilter = new AdQuery(q.slotFormat(), q.site(), q.page(), q.now(), q.count(), q.purposes(),
                        q.user(), everyThirdOut);
                List<String> got = outcome(filtered.match(withFilter));
                assertEquals(outcome(without.matchByBruteForce(q)), got, () -> "request " + q);
                served += got.size();
                differs += got.equals(outcome(unfiltered.match(q))) ? 0 : 1;
            }
            assertTrue(served > 500, "too few ads served to compare: " + served);
            assertTrue(differs > 100, "the filter changed too few auctions: " + differs);
        }
    }

    @Test
    void aReplayedPageVisitsItsMatchesBestStaticBoundFirstAndTheRestOnlyPastThePrefix() throws Exception {
        try (CampaignIndex index = new CampaignIndex()) {
            List<Campaign> campaigns = new ArrayList<>();
            for (int i = 1; i <= 600; i++) {
                campaigns.add(withKeywords("c" + i, i, "咖啡"));
            }
            index.replaceAll(campaigns);
            AdQuery q = new AdQuery(BANNER, "news.example",
                    new PageContext("https://news.example/coffee", "今日咖啡", null, null, "咖啡新品", null),
                    NOW, 1, Purposes.NONE);
            Request r = Request.of(q, PageCache.defaults(), index.analysis());
            org.apache.lucene.search.Query query = CandidateQuery.of(r);
            CampaignIndex.Matches memo = index.visitCandidates(query, CandidateQuery.mask(r), (ic, f, a, k) -> { }, null);
            io.precis.matcher.index.RankedReplay replay = index.rankedReplay(memo, CandidateQuery.mask(r), "bid",
                    (ic, amount, key) -> amount);
            List<String> visited = new ArrayList<>();
            double last = Double.MAX_VALUE;
            while (visited.size() < 256) {
                double bound = replay.peekBound();
                assertTrue(bound <= last, "bounds descend");
                last = bound;
                replay.visitNext((ic, f, a, k) -> visited.add(ic.id()));
            }
            assertEquals("c600", visited.get(0));
            assertEquals("c345", visited.get(255));
            assertEquals(344, replay.unvisited());
            assertTrue(replay.hasNext());
            assertEquals(345.0, replay.peekBound(), "what is left is bounded by the last bound kept");
            replay.visitNext((ic, f, a, k) -> visited.add(ic.id()));
            assertEquals(0, replay.unvisited());
            assertTrue(!replay.hasNext());
            assertEquals(600, visited.size());
            assertEquals(600, new java.util.HashSet<>(visited).size(), "each match visited once");
            // A changed campaign: the memo's order no longer holds, the query runs again.
            index.upsert(withKeywords("c1", 1000, "咖啡"));
            assertEquals(null, index.rankedReplay(memo, CandidateQuery.mask(r), "bid", (ic, amount, key) -> amount));
        }
    }

    /**
     * Saving a campaign that is not serving (paused, never indexed) or removing one the index
     * does not hold changes nothing, and must not leave the index looking changed: it did, and
     * every later request re-read each candidate from the live map and was refused the replay
     * by bound, until the next real change (twice the CPU per request in
     * {@code ./precis bench triggers}' baseline, which created a paused campaign).
     */
    @Test
    void aWriteThatChangesNothingKeepsTheReplay() throws Exception {
        try (CampaignIndex index = new CampaignIndex()) {
            List<Campaign> campaigns = new ArrayList<>();
            for (int i = 1; i <= 50; i++) {
                campaigns.add(withKeywords("c" + i, i, "咖啡"));
            }
            index.replaceAll(campaigns);
            Campaign paused = io.precis.matcher.TestCampaigns.campaign("p1", 5,
                    "\"status\": \"paused\", \"targeting\": {\"keywords\": [\"咖啡\"]}");
            assertEquals(io.precis.matcher.campaign.CampaignStatus.PAUSED, paused.status());
            AdQuery q = new AdQuery(BANNER, "news.example",
                    new PageContext("https://news.example/coffee", "今日咖啡", null, null, "咖啡新品", null),
                    NOW, 1, Purposes.NONE);
            Request r = Request.of(q, PageCache.defaults(), index.analysis());
            org.apache.lucene.search.Query query = CandidateQuery.of(r);
            for (Runnable nothing : List.<Runnable>of(() -> index.upsert(paused), () -> index.remove("never-indexed"))) {
                nothing.run();
                CampaignIndex.Matches memo = index.visitCandidates(query, CandidateQuery.mask(r), (ic, f, a, k) -> { }, null);
                assertTrue(index.rankedReplay(memo, CandidateQuery.mask(r), "bid", (ic, amount, key) -> amount) != null,
                        "the index is as it was: its matches replay by bound");
            }
            index.upsert(withKeywords("c1", 1000, "咖啡"));
            CampaignIndex.Matches memo = index.visitCandidates(query, CandidateQuery.mask(r), (ic, f, a, k) -> { }, null);
            assertTrue(index.rankedReplay(memo, CandidateQuery.mask(r), "bid", (ic, amount, key) -> amount) != null,
                    "and after a real change, once its matches are read again");
        }
    }

    @Test
    void aReplayedPageWhoseBestBoundsThePreCheckRejectsPicksTheWinnersOfCheckingEveryCampaign() throws Exception {
        // 500 high bidders targeting another region than the reader's: the kept prefix is all
        // rejected by the pre-check, and the auction reaches the rest past it.
        try (CampaignIndex index = new CampaignIndex()) {
            List<Campaign> campaigns = new ArrayList<>();
            for (int i = 1; i <= 800; i++) {
                campaigns.add(io.precis.matcher.TestCampaigns.campaign("c" + i, i, i > 300
                        ? "\"targeting\": {\"keywords\": [\"咖啡\"], \"regions\": [\"CN-11\"]}"
                        : "\"targeting\": {\"keywords\": [\"咖啡\"]}"));
            }
            index.replaceAll(campaigns);
            CampaignMatcher matcher = new CampaignMatcher(index);
            for (String region : new String[] {"CN-31", "CN-11"}) {
                AdQuery q = new AdQuery(BANNER, "news.example",
                        new PageContext("https://news.example/coffee-" + region, "今日咖啡", null, null, "咖啡新品", null),
                        NOW, 3, Purposes.ALL, new UserContext(new Pseudonym("p-" + region), null, null, region, null, null));
                MatchResult first = matcher.matchResult(q);
                MatchResult again = matcher.matchResult(q); // replayed in bound order
                List<String> expected = outcome(matcher.matchByBruteForce(q));
                assertEquals(expected, outcome(first.ads()), region);
                assertEquals(expected, outcome(again.ads()), region);
                assertTrue(again.evaluated() <= again.candidates());
            }
            AdQuery shanghai = new AdQuery(BANNER, "news.example",
                    new PageContext("https://news.example/coffee-CN-31", "今日咖啡", null, null, "咖啡新品", null),
                    NOW, 3, Purposes.ALL, new UserContext(new Pseudonym("p"), null, null, "CN-31", null, null));
            assertEquals(List.of("c300", "c299", "c298"),
                    matcher.match(shanghai).stream().map(a -> a.campaign().id()).toList());
        }
    }
}
