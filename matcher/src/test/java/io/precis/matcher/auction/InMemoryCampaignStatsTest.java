package io.precis.matcher.auction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Counts read together (as ranking reads them) match the events counted, also under concurrency. */
class InMemoryCampaignStatsTest {
    @Test
    void countsReadTogetherAreTheEventsCountedAndSeedingReplacesThem() {
        InMemoryCampaignStats stats = new InMemoryCampaignStats();
        assertEquals(CampaignStats.Counts.NONE, stats.counts("c1"));
        stats.recordImpression("c1");
        stats.recordImpression("c1");
        stats.recordClick("c1");
        stats.recordConversion("c1");
        assertEquals(new CampaignStats.Counts(2, 1, 1), stats.counts("c1"));
        assertEquals(2, stats.impressions("c1"));
        stats.seed("c1", 100, 10, 1);
        stats.seed("c1", 100, 10, 1);
        assertEquals(new CampaignStats.Counts(100, 10, 1), stats.counts("c1"));
        assertEquals(CampaignStats.Counts.NONE, stats.counts("c2"));
    }

    @Test
    void rateBoundsAreTheHighestRateAnyCampaignHasHad() {
        InMemoryCampaignStats stats = new InMemoryCampaignStats();
        assertEquals(ExpectedRates.PRIOR_CTR, stats.ctrBound());
        assertEquals(ExpectedRates.PRIOR_CVR, stats.cvrBound());
        assertEquals(ExpectedRates.PRIOR_CTR, CampaignStats.none().ctrBound());
        java.util.Random random = new java.util.Random(3);
        double ctr = ExpectedRates.PRIOR_CTR;
        double cvr = ExpectedRates.PRIOR_CVR;
        for (int i = 0; i < 2000; i++) {
            String id = "c" + random.nextInt(50);
            switch (random.nextInt(4)) {
                case 0 -> stats.recordImpression(id);
                case 1 -> stats.recordClick(id);
                case 2 -> stats.recordConversion(id);
                default -> stats.seed(id, random.nextInt(200), random.nextInt(20), random.nextInt(5));
            }
            ctr = Math.max(ctr, ExpectedRates.ctr(stats, id));
            cvr = Math.max(cvr, ExpectedRates.cvr(stats, id));
            assertTrue(ExpectedRates.ctr(stats, id) <= stats.ctrBound() && ExpectedRates.cvr(stats, id) <= stats.cvrBound());
        }
        assertEquals(ctr, stats.ctrBound());
        assertEquals(cvr, stats.cvrBound());
    }

    @Test
    void eventsCountedFromManyThreadsAtOnceAreNoneLost() throws Exception {
        InMemoryCampaignStats stats = new InMemoryCampaignStats();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 10_000; i++) {
                        stats.recordImpression("c1");
                        if (i % 10 == 0) {
                            stats.recordClick("c1");
                        }
                        if (i % 100 == 0) {
                            stats.recordConversion("c1");
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(new CampaignStats.Counts(40_000, 4_000, 400), stats.counts("c1"));
    }
}
