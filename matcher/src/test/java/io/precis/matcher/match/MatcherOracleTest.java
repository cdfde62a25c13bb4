package io.precis.matcher.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.precis.matcher.index.CampaignIndex;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Lucene candidate query must never lose a campaign the exact rules accept. */
class MatcherOracleTest {
    private static final List<String> WORDS = List.of("空调", "清洗", "冰箱", "维修", "北京",
            "咖啡", "air", "conditioner", "cleaning", "coffee", "phone", "repair");
    private static final List<String> CATEGORIES = List.of("home", "food", "tech");
    private static final List<String> FORMATS = List.of("banner-300x250", "native", "video");
    private static final List<String> SITES = List.of("news.example", "m.news.example",
            "spam.example", "shop.example");
    private static final Instant BASE = Instant.parse("2026-11-01T00:00:00Z");
    private final Random random = new Random(20261101);

    private <T> List<T> some(List<T> from, int max) {
        List<T> out = new ArrayList<>();
        int n = random.nextInt(max + 1);
        for (int i = 0; i < n; i++) {
            T t = from.get(random.nextInt(from.size()));
            if (!out.contains(t)) {
                out.add(t);
            }
        }
        return out;
    }

    private String phrase() {
        List<String> words = some(WORDS, 2);
        return words.isEmpty() ? WORDS.get(0) : String.join(" ", words);
    }

    private Campaign randomCampaign(int i) {
        List<String> keywords = new ArrayList<>();
        for (int k = random.nextInt(3) == 0 ? random.nextInt(3) : 0; k > 0; k--) {
            keywords.add(phrase());
        }
        List<String> excludes = random.nextInt(5) == 0 ? List.of(phrase()) : List.of();
        Sites sites = new Sites(random.nextInt(4) == 0 ? some(SITES, 2) : List.of(),
                random.nextInt(4) == 0 ? some(SITES, 1) : List.of());
        Targeting t = new Targeting(keywords, excludes,
                random.nextInt(4) == 0 ? some(CATEGORIES, 2) : List.of(), null, null,
                random.nextInt(10) == 0 ? List.of("CN-11") : List.of(), null, null, null,
                sites, null);
        List<Creative> creatives = new ArrayList<>();
        for (String f : some(FORMATS, 2)) {
            creatives.add(new Creative("cr-" + f, f, null, null, "https://a.example/"));
        }
        if (creatives.isEmpty()) {
            creatives.add(new Creative("cr", "native", null, null, "https://a.example/"));
        }
        Instant start = random.nextBoolean() ? null : BASE.plusSeconds(random.nextInt(72) * 3600L);
        Instant end = random.nextBoolean() ? null : BASE.plusSeconds((72 + random.nextInt(72)) * 3600L);
        List<Integer> hours = random.nextInt(4) == 0 ? some(List.of(0, 6, 12, 18, 23), 3).stream()
                .sorted().toList() : List.of();
        Schedule schedule = new Schedule(start, end, hours, random.nextBoolean()
                ? ZoneId.of("UTC") : Schedule.DEFAULT_ZONE);
        BidModel model = BidModel.values()[random.nextInt(3)];
        Bid bid = new Bid(model, BigDecimal.valueOf(1 + random.nextInt(50)), "CNY");
        return new Campaign("c" + i, "adv", "n", Goal.AWARENESS, CampaignStatus.ACTIVE, bid,
                Budget.UNLIMITED, schedule, null, t, creatives, BASE, BASE);
    }

    private AdQuery randomQuery() {
        String text = String.join(random.nextBoolean() ? " " : "\n", some(WORDS, 8));
        PageContext page = new PageContext(null, random.nextBoolean() ? phrase() : null, null,
                some(CATEGORIES, 1), text, null);
        String format = random.nextInt(4) == 0 ? null : FORMATS.get(random.nextInt(FORMATS.size()));
        String site = random.nextInt(4) == 0 ? null : SITES.get(random.nextInt(SITES.size()));
        Instant now = BASE.plusSeconds(random.nextInt(160) * 3600L + random.nextInt(3600));
        return new AdQuery(format, site, page, now, 1 + random.nextInt(5), null);
    }

    @Test
    void indexQueryFindsExactlyWhatCheckingEveryCampaignFinds() throws Exception {
        try (CampaignIndex index = new CampaignIndex()) {
            List<Campaign> campaigns = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                campaigns.add(randomCampaign(i));
            }
            index.replaceAll(campaigns);
            CampaignMatcher matcher = new CampaignMatcher(index);
            int nonEmpty = 0;
            for (int r = 0; r < 500; r++) {
                AdQuery q = randomQuery();
                List<String> viaIndex = summary(matcher.match(q));
                assertEquals(summary(matcher.matchByBruteForce(q)), viaIndex, q.toString());
                nonEmpty += viaIndex.isEmpty() ? 0 : 1;
            }
            assertTrue(nonEmpty > 100, "too few requests matched anything: " + nonEmpty);
        }
    }

    private static List<String> summary(List<MatchedAd> ads) {
        return ads.stream().map(a -> a.campaign().id() + "@" + a.score() + a.matchedBy()).toList();
    }
}
