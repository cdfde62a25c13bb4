package io.precis.matcher.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.campaign.ContactRules;
import io.precis.matcher.delivery.DeliveryLedger;
import io.precis.matcher.index.CampaignIndex;
import io.precis.matcher.oracle.RandomWorld;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The auction within a {@link ContactGate} against two oracles over random campaigns and
 * requests: a gate that rules campaigns out gives exactly the auction of a buyer who never
 * admitted them (same winners, same second prices), by the index and by checking every
 * campaign; and a gate whose contact policy allows one ad per advertiser per request gives,
 * slot by slot, the best campaign of an advertiser not yet shown, as asking one ad at a time
 * and ruling out the advertisers already chosen gives.
 */
class ContactGateOracleTest {
    private static final int CAMPAIGNS = 1500;
    private static final int REQUESTS = 1500;
    private static final int ADVERTISERS = 6;
    private static final List<String> GROUPS = List.of("g0", "g1", "g2");

    /** RandomWorld's campaign {@code i}, of one of a few advertisers, with random contact rules. */
    private static Campaign campaign(RandomWorld world, int i, Random random) {
        Campaign c = world.campaign(i);
        List<String> channels = new ArrayList<>();
        for (String ch : ContactRules.CHANNELS) {
            if (random.nextInt(3) > 0) {
                channels.add(ch);
            }
        }
        boolean stop = random.nextBoolean();
        ContactRules rules = new ContactRules(stop, stop && random.nextBoolean() ? GROUPS.get(random.nextInt(3)) : null,
                channels);
        return new Campaign(c.id(), "adv" + random.nextInt(ADVERTISERS), c.name(), c.goal(), c.status(), c.bid(),
                c.budget(), c.schedule(), c.frequencyCap(), c.targeting(), c.creatives(), c.createdAt(),
                c.updatedAt(), c.conversionCounting(), c.adCategories(), rules);
    }

    private static AdQuery with(AdQuery q, AdFilter filter, ContactGate gate) {
        return new AdQuery(q.slotFormat(), q.site(), q.page(), q.now(), q.count(), q.purposes(), q.user(), filter, gate);
    }

    private static List<String> ids(List<MatchedAd> ads) {
        return ads.stream().map(a -> a.campaign().id() + "@" + a.price()).toList();
    }

    @Test
    void theAuctionWithinAGateIsTheAuctionOfTheCampaignsItAllows() throws Exception {
        RandomWorld world = new RandomWorld(20261201);
        Random random = new Random(17);
        List<Campaign> campaigns = new ArrayList<>();
        for (int i = 0; i < CAMPAIGNS; i++) {
            campaigns.add(campaign(world, i, random));
        }
        try (CampaignIndex index = new CampaignIndex()) {
            index.replaceAll(campaigns);
            int matched = 0;
            int limited = 0;
            for (int r = 0; r < REQUESTS; r++) {
                AdQuery q = world.query();
                String channel = ContactRules.CHANNELS.get(random.nextInt(ContactRules.CHANNELS.size()));
                Set<String> stopped = new HashSet<>();
                for (int a = 0; a < ADVERTISERS; a++) {
                    if (random.nextInt(3) == 0) {
                        stopped.add("adv" + a + "|" + GROUPS.get(random.nextInt(3)));
                    }
                }
                String exhausted = "adv" + random.nextInt(ADVERTISERS);
                Predicate<Campaign> allowed = c -> c.contact().allows(channel)
                        && !c.advertiserId().equals(exhausted)
                        && !(c.contact().stopAfterConversion() && stopped.contains(c.advertiserId() + "|"
                                + (c.contact().conversionGroup() == null ? c.id() : c.contact().conversionGroup())));
                long seed = random.nextLong();
                List<MatchedAd> gated = matcher(index, seed).match(with(q, AdFilter.NONE, allowed::test));
                List<MatchedAd> filtered = matcher(index, seed).match(with(q, allowed::test, c -> true));
                assertEquals(ids(filtered), ids(gated), "request " + r);
                assertEquals(ids(gated), ids(matcher(index, seed).matchByBruteForce(with(q, AdFilter.NONE, allowed::test))),
                        "request " + r + " by brute force");
                matched += matcher(index, seed).match(with(q, AdFilter.NONE, c -> true)).equals(List.of()) ? 0 : 1;

                // One ad per advertiser per request: taken by each winner, in the auction.
                AdQuery many = new AdQuery(q.slotFormat(), q.site(), q.page(), q.now(), 3, q.purposes(), q.user());
                List<String> got = matcher(index, seed).match(with(many, AdFilter.NONE, onePerAdvertiser(channel)))
                        .stream().map(a -> a.campaign().id()).toList();
                List<String> oneByOne = new ArrayList<>();
                Set<String> shown = new HashSet<>();
                for (int slot = 0; slot < 3; slot++) {
                    AdQuery single = new AdQuery(q.slotFormat(), q.site(), q.page(), q.now(), 1, q.purposes(), q.user());
                    List<MatchedAd> best = matcher(index, seed).match(with(single,
                            c -> !shown.contains(c.advertiserId()), ContactGate.channel(channel)));
                    if (best.isEmpty()) {
                        break;
                    }
                    oneByOne.add(best.get(0).campaign().id());
                    shown.add(best.get(0).campaign().advertiserId());
                }
                assertEquals(oneByOne, got, "request " + r + " with one ad per advertiser");
                limited += got.size() > 1 ? 1 : 0;
            }
            assertTrue(matched > REQUESTS / 4, "too few requests matched anything: " + matched);
            assertTrue(limited > REQUESTS / 10, "too few requests with several advertisers: " + limited);
        }
    }

    /** A matcher with nothing delivered and its random draws (pacing, creatives) from {@code seed}. */
    private static CampaignMatcher matcher(CampaignIndex index, long seed) {
        return new CampaignMatcher(index, DeliveryLedger.none(), new SplittableRandom(seed));
    }

    /** A gate of {@code channel} whose contact policy allows one ad per advertiser in the request. */
    private static ContactGate onePerAdvertiser(String channel) {
        Map<String, Integer> taken = new HashMap<>();
        return new ContactGate() {
            @Override
            public boolean allows(Campaign c) {
                return c.contact().allows(channel);
            }

            @Override
            public boolean take(Campaign c) {
                return taken.merge(c.advertiserId(), 1, Integer::sum) == 1;
            }

            @Override
            public void giveBack(Campaign c) {
                taken.merge(c.advertiserId(), -1, Integer::sum);
            }
        };
    }
}
