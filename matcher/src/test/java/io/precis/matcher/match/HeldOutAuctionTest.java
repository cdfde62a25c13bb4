package io.precis.matcher.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.matcher.auction.InMemoryCampaignStats;
import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.delivery.DeliveryLedger;
import io.precis.matcher.index.CampaignIndex;
import io.precis.matcher.lift.HoldOut;
import io.precis.matcher.oracle.RandomWorld;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Lift tests in the auction: for a person a campaign holds out, the auction is exactly the
 * auction of a world without that campaign (winners, order, scores and second prices, checked
 * against brute force), and the campaigns named held out are exactly those of the winners of the
 * world where nobody is held out that hold the person out. For everyone else nothing changes.
 */
class HeldOutAuctionTest {
    private static final byte[] KEY = "a lift-test key of thirty-two b!".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Campaign ids, scores and prices: what must not change, in order (ad ids are random). */
    private static List<String> outcome(List<MatchedAd> ads) {
        return ads.stream().map(a -> a.campaign().id() + " " + a.score() + " " + a.price()
                + " " + a.matchedBy()).toList();
    }

    private static List<String> ids(List<MatchedAd> ads) {
        return ads.stream().map(a -> a.campaign().id() + " " + a.score()).toList();
    }

    private static Campaign withHoldout(Campaign c, double holdout) {
        return new Campaign(c.id(), c.advertiserId(), c.name(), c.goal(), c.status(), c.bid(), c.budget(),
                c.schedule(), c.frequencyCap(), c.targeting(), c.creatives(), c.createdAt(), c.updatedAt(),
                c.conversionCounting(), c.adCategories(), holdout);
    }

    @Test
    void aHeldOutPersonGetsTheAuctionOfAWorldWithoutTheCampaignAndTheWouldBeWinnerIsNamed() throws Exception {
        RandomWorld world = new RandomWorld(20261217);
        List<Campaign> campaigns = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            Campaign c = world.campaign(i);
            // A third of the campaigns run a lift test holding out 40% of people.
            campaigns.add(i % 3 == 0 ? withHoldout(c, 0.4) : c);
        }
        InMemoryCampaignStats stats = new InMemoryCampaignStats();
        Random random = new Random(11);
        for (Campaign c : campaigns) {
            long impressions = random.nextInt(50_000);
            stats.seed(c.id(), impressions, (long) (impressions * 0.03 * random.nextDouble()), 0);
        }
        HoldOut holdOut = HoldOut.keyedBy(KEY);
        try (CampaignIndex index = new CampaignIndex()) {
            index.replaceAll(campaigns);
            CampaignMatcher lift = new CampaignMatcher(index, DeliveryLedger.none(), stats, new SplittableRandom(4),
                    Duration.ofHours(1), PageCache.defaults(), holdOut);
            CampaignMatcher oracle = new CampaignMatcher(index, DeliveryLedger.none(), stats, new SplittableRandom(4),
                    Duration.ofHours(1));
            int heldRequests = 0;
            int ghosts = 0;
            int unchanged = 0;
            for (int n = 0; n < 1500; n++) {
                AdQuery q = world.query();
                AdFilter notHeldOut = c -> !holdOut.heldOut(q.user().pseudonym(), c);
                AdQuery without = new AdQuery(q.slotFormat(), q.site(), q.page(), q.now(), q.count(), q.purposes(),
                        q.user(), notHeldOut);
                MatchResult got = lift.matchResult(q);
                assertEquals(outcome(oracle.matchByBruteForce(without)), outcome(got.ads()), () -> "request " + q);
                List<MatchedAd> wouldHaveWon = oracle.matchByBruteForce(q).stream()
                        .filter(a -> !notHeldOut.admits(a.campaign())).toList();
                assertEquals(ids(wouldHaveWon), ids(got.heldOut()), () -> "held out of " + q);
                got.heldOut().forEach(a -> assertEquals(java.math.BigDecimal.ZERO, a.price()));
                // The brute-force path of the held-out matcher agrees too.
                MatchResult brute = lift.matchResultByBruteForce(q);
                assertEquals(outcome(got.ads()), outcome(brute.ads()));
                assertEquals(ids(got.heldOut()), ids(brute.heldOut()));
                if (q.user().pseudonym() == null) {
                    assertEquals(List.of(), got.heldOut(), "an anonymous request is never held out");
                }
                heldRequests += got.heldOut().isEmpty() ? 0 : 1;
                ghosts += got.heldOut().size();
                unchanged += got.heldOut().isEmpty() && !got.ads().isEmpty() ? 1 : 0;
            }
            assertTrue(heldRequests > 100, "too few requests held out of a winner: " + heldRequests);
            assertTrue(ghosts >= heldRequests);
            assertTrue(unchanged > 300, "too few requests served unchanged: " + unchanged);
        }
    }
}
