package io.precis.perf.matcher;

import io.precis.consent.Purposes;
import io.precis.consent.identity.Pseudonym;
import io.precis.matcher.auction.InMemoryCampaignStats;
import io.precis.matcher.campaign.Bid;
import io.precis.matcher.campaign.BidModel;
import io.precis.matcher.campaign.Budget;
import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.campaign.CampaignStatus;
import io.precis.matcher.campaign.Creative;
import io.precis.matcher.campaign.Goal;
import io.precis.matcher.campaign.Schedule;
import io.precis.matcher.campaign.Sites;
import io.precis.matcher.campaign.Targeting;
import io.precis.matcher.delivery.InMemoryDeliveryLedger;
import io.precis.matcher.index.CampaignIndex;
import io.precis.matcher.match.AdQuery;
import io.precis.matcher.match.CampaignMatcher;
import io.precis.matcher.match.MatchedAd;
import io.precis.matcher.match.PageContext;
import io.precis.matcher.match.UserContext;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole match of one {@code /v1/ad} request in the world issue 12 measured the gateway in:
 * 10k campaigns, all one format, keyword-targeted from a vocabulary of 30 Chinese and English
 * keywords, 30% with regions, 20% with genders; Chinese and English pages, either 500 cycled
 * or drawn from {@code pages} with a few very popular and most rare (as on a news site).
 * Throughput of {@link CampaignMatcher#match} on one thread: page analysis, index query, exact
 * checks, ranking, auction.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
public class KeywordAdsBenchmark {
    private static final List<String> KEYWORDS = List.of("空调", "冰箱", "手机", "旅游", "酒店",
            "汽车", "保险", "基金", "装修", "奶粉", "英语", "健身", "火锅", "电影", "耳机",
            "coffee", "laptop", "hotel", "flight", "insurance", "football", "camera", "yoga",
            "pizza", "guitar", "sneakers", "skincare", "mortgage", "bicycle", "headphones");
    private static final List<String> FILLER = List.of("今天", "我们", "城市", "新闻", "市场",
            "价格", "发布", "记者", "报道", "the", "new", "report", "market", "city", "people",
            "price", "week", "launch", "review", "best");
    private static final List<String> PROVINCES = List.of("CN-11", "CN-12", "CN-13", "CN-31", "CN-32",
            "CN-33", "CN-35", "CN-37", "CN-42", "CN-44", "CN-50", "CN-51", "CN-61");
    private static final String FORMAT = "banner-300x250";
    private static final Instant NOW = Instant.parse("2026-11-03T04:00:00Z");
    private static final int REQUESTS = 4096;

    /** 500: fixed pages cycled; 100000: a news site's long tail of pages. */
    @Param({"500", "100000"})
    public int pages;

    private CampaignIndex index;
    private CampaignMatcher matcher;
    private final List<AdQuery> queries = new ArrayList<>();
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        Random random = new Random(12);
        List<Campaign> all = new ArrayList<>();
        InMemoryCampaignStats stats = new InMemoryCampaignStats();
        for (int i = 0; i < 10_000; i++) {
            Campaign c = campaign(i, random);
            all.add(c);
            long impressions = 100 + random.nextInt(100_000);
            long clicks = (long) (impressions * 0.02 * random.nextDouble());
            stats.seed(c.id(), impressions, clicks, (long) (clicks * 0.1 * random.nextDouble()));
        }
        List<PageContext> pool = new ArrayList<>(pages);
        for (int i = 0; i < pages; i++) {
            pool.add(page(i, random));
        }
        for (int i = 0; i < REQUESTS; i++) {
            // u^4: the top 1% of pages get about a third of the requests.
            double u = random.nextDouble();
            queries.add(query(pool.get((int) (pages * u * u * u * u)), random));
        }
        index = new CampaignIndex();
        index.replaceAll(all);
        matcher = new CampaignMatcher(index, new InMemoryDeliveryLedger(), stats, new SplittableRandom(1));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        // After the measurement: eligible() checks every candidate, and run before it would
        // have the JIT compile the index's collector around its visitor instead of match's.
        long eligible = 0;
        for (int i = 0; i < 200; i++) {
            eligible += matcher.eligible(queries.get(i)).size();
        }
        System.out.printf("%nkeyword ads: %d eligible per request on average%n", eligible / 200);
        index.close();
    }

    @Benchmark
    public List<MatchedAd> match() {
        AdQuery q = queries.get(next);
        next = (next + 1) % queries.size();
        return matcher.match(q);
    }

    private static Campaign campaign(int i, Random random) {
        List<String> keywords = new ArrayList<>();
        for (int k = 1 + random.nextInt(2); k > 0; k--) {
            keywords.add(KEYWORDS.get(random.nextInt(KEYWORDS.size())));
        }
        List<String> regions = random.nextDouble() < 0.3
                ? List.of(province(random), province(random)) : List.of();
        List<String> genders = random.nextDouble() < 0.2 ? List.of(random.nextBoolean() ? "f" : "m") : List.of();
        Targeting t = new Targeting(keywords, List.of(), List.of(), List.of(), genders, regions, List.of(),
                List.of(), null, new Sites(List.of(), List.of()), null);
        Bid bid = new Bid(BidModel.values()[random.nextInt(3)], BigDecimal.valueOf(1 + random.nextInt(1000), 2), "CNY");
        return new Campaign("c" + i, "adv" + (i % 100), "n", Goal.values()[random.nextInt(3)],
                CampaignStatus.ACTIVE, bid, Budget.UNLIMITED, new Schedule(NOW.minusSeconds(86_400), null,
                List.of(), Schedule.DEFAULT_ZONE), null, t,
                List.of(new Creative("a", FORMAT, "t", null, "https://shop.example/")), NOW, NOW);
    }

    private static String province(Random random) {
        return PROVINCES.get(random.nextInt(PROVINCES.size()));
    }

    private static PageContext page(int i, Random random) {
        StringBuilder text = new StringBuilder();
        for (int w = 20 + random.nextInt(30); w > 0; w--) {
            text.append(random.nextInt(60) == 0 ? KEYWORDS.get(random.nextInt(KEYWORDS.size()))
                    : FILLER.get(random.nextInt(FILLER.size()))).append(random.nextBoolean() ? "，" : " ");
        }
        return new PageContext("https://news.example/a/" + i, FILLER.get(random.nextInt(FILLER.size())) + " "
                + KEYWORDS.get(random.nextInt(KEYWORDS.size())), List.of(), List.of(), text.toString(), null);
    }

    private static AdQuery query(PageContext page, Random random) {
        boolean consent = random.nextBoolean();
        UserContext user = new UserContext(new Pseudonym("u" + random.nextInt(100_000)), 1960 + random.nextInt(45),
                random.nextBoolean() ? "f" : "m", province(random), null, null);
        return new AdQuery(FORMAT, "news.example", page, NOW, 1,
                new Purposes(consent, consent, consent, false), consent ? user : UserContext.ANONYMOUS);
    }
}
