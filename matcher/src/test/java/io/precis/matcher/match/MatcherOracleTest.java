package io.precis.matcher.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.delivery.InMemoryDeliveryLedger;
import io.precis.matcher.index.CampaignIndex;
import io.precis.matcher.oracle.BruteForceMatcher;
import io.precis.matcher.oracle.RandomWorld;
import io.precis.matcher.text.TextAnalysis;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Lucene matcher must find exactly what a naive ad server finds by checking every campaign's
 * rules one by one: every targeting kind, Chinese and English text, consent on and off, caps and
 * budgets against a shared delivery history.
 */
class MatcherOracleTest {
    private static final int CAMPAIGNS = 2000;
    private static final int REQUESTS = 2000;

    private static Map<String, List<TargetingKind>> diff(Map<String, List<TargetingKind>> a,
                                                         Map<String, List<TargetingKind>> b) {
        Map<String, List<TargetingKind>> out = new java.util.TreeMap<>(a);
        out.entrySet().removeIf(e -> e.getValue().equals(b.get(e.getKey())));
        return out;
    }

    @Test
    void luceneMatcherFindsExactlyWhatCheckingEveryCampaignFinds() throws Exception {
        RandomWorld world = new RandomWorld(20261101);
        List<Campaign> campaigns = new ArrayList<>();
        for (int i = 0; i < CAMPAIGNS; i++) {
            campaigns.add(world.campaign(i));
        }
        InMemoryDeliveryLedger ledger = new InMemoryDeliveryLedger();
        world.history(campaigns, ledger);
        try (CampaignIndex index = new CampaignIndex()) {
            index.replaceAll(campaigns);
            CampaignMatcher matcher = new CampaignMatcher(index, ledger, null);
            BruteForceMatcher oracle = new BruteForceMatcher(campaigns, ledger, TextAnalysis.shared());
            Map<TargetingKind, Integer> seen = new EnumMap<>(TargetingKind.class);
            int nonEmpty = 0;
            int consented = 0;
            for (int r = 0; r < REQUESTS; r++) {
                AdQuery q = world.query();
                Map<String, List<TargetingKind>> expected = oracle.eligible(q);
                Map<String, List<TargetingKind>> actual = matcher.eligible(q);
                assertEquals(expected, actual, () -> "request " + q + "\nonly brute force: "
                        + diff(expected, actual) + "\nonly Lucene: " + diff(actual, expected));
                nonEmpty += actual.isEmpty() ? 0 : 1;
                consented += q.purposes().personalisation() ? 1 : 0;
                actual.values().forEach(kinds -> kinds.forEach(k -> seen.merge(k, 1, Integer::sum)));
                // The auction only picks among the eligible.
                for (MatchedAd ad : matcher.match(q)) {
                    assertTrue(actual.containsKey(ad.campaign().id()), ad.campaign().id());
                    assertEquals(actual.get(ad.campaign().id()), ad.matchedBy());
                }
            }
            assertTrue(nonEmpty > REQUESTS / 2, "too few requests matched anything: " + nonEmpty);
            assertTrue(consented > REQUESTS / 3 && consented < REQUESTS * 2 / 3);
            for (TargetingKind k : TargetingKind.values()) {
                assertTrue(seen.getOrDefault(k, 0) > 50, "too few matches on " + k + ": " + seen);
            }
        }
    }
}
