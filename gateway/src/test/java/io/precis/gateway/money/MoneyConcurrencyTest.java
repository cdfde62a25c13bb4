package io.precis.gateway.money;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.gateway.Ads;
import io.precis.gateway.TestGateway;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Money under concurrency, over real HTTP with many client threads at once: a page with several
 * slots asks for ads in parallel, and readers see, click and convert at the same time. Caps and
 * budgets hold exactly as they do one request at a time.
 */
class MoneyConcurrencyTest {
    private static final String PAGE = "the best running shoes for a marathon";
    private static final int THREADS = 16;

    @TempDir
    Path dir;

    private static String request(String user) {
        return """
                {"slot": {"id": "top", "format": "banner-300x250", "site": "news.example"},
                 "page": {"url": "https://news.example/article/1", "text": "%s"},
                 "user": {"id": "%s"}}""".formatted(PAGE, user);
    }

    private static String capped(int impressions) {
        return """
                {"name": "Capped", "bid": {"model": "CPM", "amount": 5},
                 "frequencyCap": {"impressions": %d, "perHours": 24},
                 "targeting": {"keywords": ["running shoes"], "formats": ["banner-300x250"]},
                 "creatives": [{"id": "c1", "format": "banner-300x250", "title": "Shoes",
                                "landingUrl": "https://shop.example/shoes"}]}""".formatted(impressions);
    }

    /** Runs {@code task(i)} for i in 0..n-1 on {@link #THREADS} threads released together. */
    static <T> List<T> inParallel(int n, IntFunction<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                futures.add(pool.submit(() -> {
                    go.await();
                    return task.apply(k);
                }));
            }
            go.countDown();
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get(60, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private void capHoldsUnderParallelRequests(int cap) throws Exception {
        try (TestGateway gw = TestGateway.start(dir)) {
            String key = gw.advertiser("Shoes Co");
            gw.campaign(key, capped(cap));
            List<Integer> statuses = inParallel(THREADS, i -> gw.ad(request("reader-1")).status());
            long served = statuses.stream().filter(s -> s == 200).count();
            assertEquals(cap, served, "16 parallel slots for one reader with a cap of " + cap + ": " + statuses);
            assertEquals(200, gw.ad(request("reader-2")).status(), "another reader is still served");
        }
    }

    @Test
    void aCapOfOneServesExactlyOneAdToSixteenParallelSlotRequestsOfOneUser() throws Exception {
        capHoldsUnderParallelRequests(1);
    }

    @Test
    void aCapOfThreeServesExactlyThreeAdsToSixteenParallelSlotRequestsOfOneUser() throws Exception {
        capHoldsUnderParallelRequests(3);
    }

    @Test
    void parallelServingSeeingClickingAndConvertingNeverChargesMoreThanTheBudgetPlusOneBid() throws Exception {
        try (TestGateway gw = TestGateway.start(dir)) {
            String key = gw.advertiser("Shoes Co");
            String cpc = gw.campaign(key, io.precis.gateway.Campaigns.keywords("Shoes", "[\"running shoes\"]", "CPC",
                    0.05, "{\"total\": 0.2, \"daily\": 0.15}"));
            String cpa = gw.campaign(key, io.precis.gateway.Campaigns.keywords("Marathon", "[\"marathon\"]", "CPA",
                    0.05, "{\"total\": 0.12}"));
            Ads ads = new Ads(gw);
            // Every thread serves, sees, clicks and converts, all at once, many times over.
            List<Integer> served = inParallel(THREADS * 8, i -> {
                TestGateway.Resp r = gw.ad(io.precis.gateway.Campaigns.adRequest("news.example", PAGE));
                if (r.status() != 200) {
                    return 0;
                }
                JsonNode ad = r.json().get("ads").get(0);
                ads.impression(ad);
                ads.convert(ads.click(ad), 20, null);
                return 1;
            });
            assertTrue(served.stream().mapToInt(Integer::intValue).sum() > 4, "ads were served and clicked");
            for (String[] c : new String[][] {{cpc, "0.15"}, {cpa, "0.12"}}) {
                JsonNode totals = gw.get("/v1/reports?groupBy=campaign&campaign=" + c[0], key).json().get("totals");
                BigDecimal spend = totals.get("spend").decimalValue();
                assertTrue(spend.compareTo(new BigDecimal(c[1]).add(new BigDecimal("0.05"))) <= 0,
                        "spend " + spend + " of " + c[0] + " passes its budget " + c[1] + " plus one bid");
                assertTrue(spend.signum() > 0, "the campaign was charged");
            }
        }
    }
}
