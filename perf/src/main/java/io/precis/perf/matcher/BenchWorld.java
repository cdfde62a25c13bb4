package io.precis.perf.matcher;

import io.precis.consent.Purposes;
import io.precis.consent.identity.GeoPoint;
import io.precis.consent.identity.Pseudonym;
import io.precis.matcher.auction.InMemoryCampaignStats;
import io.precis.matcher.campaign.Bid;
import io.precis.matcher.campaign.BidModel;
import io.precis.matcher.campaign.Budget;
import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.campaign.CampaignStatus;
import io.precis.matcher.campaign.Creative;
import io.precis.matcher.campaign.FrequencyCap;
import io.precis.matcher.campaign.Geo;
import io.precis.matcher.campaign.Goal;
import io.precis.matcher.campaign.Schedule;
import io.precis.matcher.campaign.Sites;
import io.precis.matcher.campaign.Targeting;
import io.precis.matcher.match.AdQuery;
import io.precis.matcher.match.PageContext;
import io.precis.matcher.match.UserContext;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;

/**
 * A realistic campaign mix for the matcher benchmark: most campaigns contextual (keywords from a
 * 20,000-word Chinese and English vocabulary, or categories), a third with demographic targeting,
 * some behavioural, geo, dayparting, site lists, caps and budgets; a few run-of-network.
 */
final class BenchWorld {
    private static final List<String> CHINESE = List.of("空调", "清洗", "冰箱", "维修", "北京",
            "上海", "咖啡", "手机", "旅游", "酒店", "机票", "汽车", "保险", "理财", "基金", "股票",
            "房产", "装修", "家具", "母婴", "奶粉", "玩具", "教育", "培训", "英语", "考试", "健身",
            "跑步", "瑜伽", "美食", "火锅", "外卖", "电影", "音乐", "游戏", "电脑", "相机", "耳机",
            "手表", "服装", "鞋子", "化妆品", "护肤", "香水", "宠物", "猫粮", "医院", "体检", "牙科",
            "眼镜", "图书", "小说", "新闻", "体育", "足球", "篮球", "天气", "快递", "银行", "信用卡");
    private static final String[] SYLLABLES = {"ka", "lo", "mi", "ra", "te", "su", "no", "vi",
        "pe", "da", "go", "shi", "ban", "tor", "lin", "mar", "zen", "qua", "fel", "dor"};
    private static final List<String> FORMATS = List.of("banner-300x250", "banner-728x90",
            "native", "video", "interstitial");
    private static final List<String> AGE_BANDS = List.of("18-24", "25-34", "35-44", "45-54",
            "55-64", "65+");
    private static final List<String> SEGMENTS = List.of("interest:home", "interest:travel",
            "interest:auto", "interest:finance", "interest:beauty", "interest:sports",
            "interest:food", "interest:tech", "lifecycle:new", "lifecycle:active",
            "lifecycle:silent", "lifecycle:churned", "value:A", "value:B", "value:C");
    private static final String[] PROVINCES = {"11", "12", "13", "31", "32", "33", "35", "37",
        "42", "44", "50", "51", "61"};
    /** Ten large Chinese cities. */
    private static final double[][] CITIES = {{39.90, 116.40}, {31.23, 121.47}, {23.13, 113.26},
        {22.54, 114.06}, {30.57, 104.07}, {30.27, 120.15}, {34.34, 108.94}, {29.56, 106.55},
        {30.59, 114.31}, {32.06, 118.80}};
    private static final List<ZoneId> ZONES = List.of(Schedule.DEFAULT_ZONE, ZoneId.of("UTC"));
    /** Distinct words: the 60 Chinese ones and made-up English-like words. */
    static final int VOCABULARY = 20_000;
    static final Instant NOW = Instant.parse("2026-11-03T04:00:00Z");

    private final Random random;
    private final List<String> vocabulary = new ArrayList<>();
    private final List<String> categories = new ArrayList<>();

    BenchWorld(long seed) {
        random = new Random(seed);
        vocabulary.addAll(CHINESE);
        java.util.Set<String> seen = new HashSet<>(vocabulary);
        while (vocabulary.size() < VOCABULARY) {
            StringBuilder w = new StringBuilder();
            for (int s = 2 + random.nextInt(3); s > 0; s--) {
                w.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
            }
            if (seen.add(w.toString())) {
                vocabulary.add(w.toString());
            }
        }
        for (int i = 0; i < 40; i++) {
            categories.add("cat-" + i);
        }
    }

    private boolean chance(double p) {
        return random.nextDouble() < p;
    }

    private <T> T any(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    /** Page words: skewed, popular words much more often (u² over the vocabulary). */
    private String word() {
        double u = random.nextDouble();
        return vocabulary.get((int) (vocabulary.size() * u * u));
    }

    /** Campaign keywords: spread over the whole vocabulary (advertisers pick specific terms). */
    private String keyword() {
        return vocabulary.get(random.nextInt(vocabulary.size()));
    }

    private String region() {
        String p = "CN-" + PROVINCES[random.nextInt(PROVINCES.length)];
        return chance(0.3) ? p + "-01" + (10 + random.nextInt(10)) : p;
    }

    Campaign campaign(int i) {
        List<String> keywords = new ArrayList<>();
        List<String> cats = new ArrayList<>();
        double kind = random.nextDouble();
        if (kind < 0.70) {
            for (int k = 1 + random.nextInt(5); k > 0; k--) {
                keywords.add(chance(0.3) ? keyword() + " " + keyword() : keyword());
            }
        } else if (kind < 0.90) {
            cats.add(any(categories));
        } // else run-of-network (no contextual targeting)
        boolean ron = kind >= 0.90;
        List<String> ages = chance(0.3) ? List.of(any(AGE_BANDS), any(AGE_BANDS)) : List.of();
        List<String> genders = chance(0.2) ? List.of(chance(0.5) ? "f" : "m") : List.of();
        List<String> regions = chance(ron ? 0.8 : 0.3) ? List.of(region(), region()) : List.of();
        List<String> segments = chance(ron ? 0.5 : 0.15) ? List.of(any(SEGMENTS)) : List.of();
        List<String> excludeSegments = chance(0.05) ? List.of(any(SEGMENTS)) : List.of();
        Geo geo = null;
        if (chance(0.10)) {
            double[] c = CITIES[random.nextInt(CITIES.length)];
            geo = new Geo(c[0] + random.nextGaussian() * 0.1, c[1] + random.nextGaussian() * 0.1,
                    1 + random.nextInt(20));
        }
        Sites sites = new Sites(chance(0.05) ? List.of("news" + random.nextInt(50) + ".example")
                : List.of(), chance(0.10) ? List.of("spam" + random.nextInt(20) + ".example") : List.of());
        Targeting t = new Targeting(keywords, chance(0.1) ? List.of(keyword()) : List.of(), cats,
                ages, genders, regions, segments, excludeSegments, geo, sites, null);
        List<Creative> creatives = new ArrayList<>();
        creatives.add(new Creative("a", any(FORMATS), "t", null, "https://shop.example/"));
        if (chance(0.5)) {
            String f = any(FORMATS);
            if (!f.equals(creatives.get(0).format())) {
                creatives.add(new Creative("b", f, "t", null, "https://shop.example/"));
            }
        }
        List<Integer> hours = new ArrayList<>();
        if (chance(0.2)) {
            int from = random.nextInt(20);
            for (int h = from; h < from + 4 + random.nextInt(8) && h < 24; h++) {
                hours.add(h);
            }
        }
        Schedule schedule = new Schedule(NOW.minusSeconds(86_400L * random.nextInt(30)),
                chance(0.5) ? null : NOW.plusSeconds(86_400L * (1 + random.nextInt(30))), hours,
                any(ZONES));
        Bid bid = new Bid(BidModel.values()[random.nextInt(3)],
                BigDecimal.valueOf(1 + random.nextInt(100), 1), "CNY");
        Budget budget = chance(0.3) ? new Budget(BigDecimal.valueOf(10_000), BigDecimal.valueOf(500))
                : Budget.UNLIMITED;
        FrequencyCap cap = chance(0.2) ? new FrequencyCap(3, 24) : null;
        return new Campaign("c" + i, "adv" + (i % 1000), "n", Goal.values()[random.nextInt(3)],
                CampaignStatus.ACTIVE, bid, budget, schedule, cap, t, creatives, NOW, NOW);
    }

    /**
     * Delivery history for ranking, as the gateway seeds it from stored aggregates at start-up:
     * every campaign has served, CTR around 1% and CVR around 5% (expected rates then differ per
     * campaign, as they do in production). Ids are fresh strings, as read from the database.
     */
    InMemoryCampaignStats history(List<Campaign> campaigns) {
        InMemoryCampaignStats stats = new InMemoryCampaignStats();
        for (Campaign c : campaigns) {
            long impressions = 100 + random.nextInt(100_000);
            long clicks = (long) (impressions * 0.02 * random.nextDouble());
            long conversions = (long) (clicks * 0.1 * random.nextDouble());
            stats.seed(new String(c.id()), impressions, clicks, conversions);
        }
        return stats;
    }

    AdQuery query() {
        StringBuilder text = new StringBuilder();
        for (int w = 20 + random.nextInt(30); w > 0; w--) {
            text.append(word()).append(chance(0.5) ? "，" : " ");
        }
        String title = word() + " " + word() + " " + word();
        PageContext page = new PageContext("https://news" + random.nextInt(50) + ".example/a/"
                + random.nextInt(1000), title, List.of(word(), word()),
                List.of(any(categories)), text.toString(), null);
        double[] c = CITIES[random.nextInt(CITIES.length)];
        UserContext user = new UserContext(new Pseudonym("u" + random.nextInt(100_000)),
                1950 + random.nextInt(55), chance(0.5) ? "f" : "m", region(), new GeoPoint(c[0] + random.nextGaussian() * 0.1,
                        c[1] + random.nextGaussian() * 0.1, chance(0.5)),
                new HashSet<>(List.of(any(SEGMENTS), any(SEGMENTS), any(SEGMENTS))));
        boolean consent = chance(0.6);
        Purposes purposes = new Purposes(consent, consent, consent, consent && chance(0.5));
        return new AdQuery(any(FORMATS), "news" + random.nextInt(50) + ".example", page,
                NOW.plusSeconds(random.nextInt(86_400)), 1, purposes, user);
    }
}
