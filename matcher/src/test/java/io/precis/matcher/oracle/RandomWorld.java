package io.precis.matcher.oracle;

import io.precis.consent.Purposes;
import io.precis.consent.identity.GeoPoint;
import io.precis.consent.identity.Pseudonym;
import io.precis.matcher.campaign.AudienceTargeting;
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
import io.precis.matcher.campaign.TriggerTargeting;
import io.precis.matcher.delivery.InMemoryDeliveryLedger;
import io.precis.matcher.match.AdQuery;
import io.precis.matcher.match.PageContext;
import io.precis.matcher.match.UserContext;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Random;

/**
 * Random campaigns, requests and delivery history over small vocabularies, so that every
 * targeting kind both matches and misses often: the oracle test's world.
 */
public final class RandomWorld {
    static final List<String> WORDS = List.of("空调", "清洗", "冰箱", "维修", "北京", "咖啡",
            "手机", "旅游", "air", "conditioner", "cleaning", "coffee", "phone", "repair",
            "travel", "fridge");
    static final List<String> CATEGORIES = List.of("home", "food", "tech", "Travel");
    static final List<String> FORMATS = List.of("banner-300x250", "native", "video");
    static final List<String> SITES = List.of("news.example", "m.news.example", "spam.example",
            "shop.example");
    static final List<String> AGE_BANDS = List.of("18-24", "25-34", "35-44", "45-54", "55+",
            "30-30");
    static final List<String> GENDERS = List.of("f", "m", "x");
    static final List<String> CAMPAIGN_REGIONS = List.of("CN", "CN-11", "CN-31", "CN-11-0105",
            "CN-11-0115", "CN-44-0300", "US", "US-CA");
    static final List<String> USER_REGIONS = List.of("CN-11-0105", "CN-11-0115", "CN-11",
            "CN-31-0101", "CN-44-0300", "CN-44", "US-CA", "US-NY", "JP-13");
    static final List<String> SEGMENTS = List.of("interest:home", "interest:travel",
            "lifecycle:new", "lifecycle:active", "lifecycle:silent", "value:A", "value:B");
    /** Customer lists (audience ids). */
    static final List<String> AUDIENCES = List.of("a1", "a2", "a3", "a4");
    /** Beijing, Shanghai, near the antimeridian, near the north pole. */
    static final double[][] PLACES = {{39.9, 116.4}, {31.2, 121.5}, {-16.5, 179.95},
        {89.7, 20.0}};
    static final List<ZoneId> ZONES = List.of(ZoneId.of("UTC"), Schedule.DEFAULT_ZONE,
            ZoneId.of("America/New_York"));
    public static final Instant BASE = Instant.parse("2026-11-01T00:00:00Z");
    static final int USERS = 40;

    private final Random random;

    public RandomWorld(long seed) {
        random = new Random(seed);
    }

    <T> List<T> some(List<T> from, int max) {
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

    private boolean chance(int oneIn) {
        return random.nextInt(oneIn) == 0;
    }

    private String phrase() {
        List<String> words = some(WORDS, 2);
        return words.isEmpty() ? WORDS.get(random.nextInt(WORDS.size())) : String.join(" ", words);
    }

    private static double lat(double lat) {
        return Math.max(-90, Math.min(90, lat));
    }

    private static double lon(double lon) {
        return lon > 180 ? lon - 360 : lon < -180 ? lon + 360 : lon;
    }

    public Pseudonym user(int i) {
        return new Pseudonym("u" + i);
    }

    public Campaign campaign(int i) {
        List<String> keywords = new ArrayList<>();
        for (int k = chance(2) ? 1 + random.nextInt(3) : 0; k > 0; k--) {
            keywords.add(phrase());
        }
        List<String> excludes = chance(6) ? List.of(phrase()) : List.of();
        Sites sites = new Sites(chance(5) ? some(SITES, 2) : List.of(),
                chance(5) ? some(SITES, 1) : List.of());
        Geo geo = null;
        if (chance(6)) {
            double[] p = PLACES[random.nextInt(PLACES.length)];
            geo = new Geo(lat(p[0] + random.nextGaussian() * 0.1), lon(p[1] + random.nextGaussian() * 0.03),
                    chance(10) ? 200 + random.nextInt(500) : 1 + random.nextInt(40));
        }
        AudienceTargeting lists = chance(3) ? new AudienceTargeting(
                chance(2) ? some(AUDIENCES, 2) : List.of(), chance(2) ? some(AUDIENCES, 1) : List.of(),
                chance(2) ? some(AUDIENCES, 2) : List.of(), chance(3) ? 1 : 0.05 + 0.9 * random.nextDouble(),
                chance(2) ? new FrequencyCap(1 + random.nextInt(2), 1 + random.nextInt(24)) : null)
                : AudienceTargeting.NONE;
        Targeting t = new Targeting(keywords, excludes,
                chance(4) ? some(CATEGORIES, 2) : List.of(),
                chance(4) ? some(AGE_BANDS, 2) : List.of(),
                chance(4) ? some(GENDERS, 2) : List.of(),
                chance(4) ? some(CAMPAIGN_REGIONS, 2) : List.of(),
                chance(4) ? some(SEGMENTS, 2) : List.of(),
                chance(6) ? some(SEGMENTS, 1) : List.of(),
                geo, sites, null, lists,
                chance(6) ? new TriggerTargeting(List.of("cart"), List.of(), 60) : null);
        List<Creative> creatives = new ArrayList<>();
        boolean perAudience = chance(5); // creatives per audience: some for segments only
        for (String f : some(FORMATS, 2)) {
            if (!perAudience || chance(2)) {
                creatives.add(new Creative("cr-" + f, f, null, null, "https://a.example/"));
            }
            if (perAudience) {
                creatives.add(new Creative("cr-" + f + "-seg", f, null, null, "https://a.example/seg",
                        some(SEGMENTS, 1)));
            }
        }
        if (creatives.isEmpty()) {
            creatives.add(new Creative("cr", "native", null, null, "https://a.example/"));
        }
        Instant start = chance(2) ? null : BASE.plusSeconds(random.nextInt(72) * 3600L);
        Instant end = chance(2) ? null : BASE.plusSeconds((72 + random.nextInt(72)) * 3600L);
        List<Integer> hours = chance(4) ? some(List.of(0, 3, 6, 9, 12, 15, 18, 21, 23), 5)
                .stream().sorted().toList() : List.of();
        Schedule schedule = new Schedule(start, end, hours, ZONES.get(random.nextInt(ZONES.size())));
        BidModel model = BidModel.values()[random.nextInt(3)];
        Bid bid = new Bid(model, BigDecimal.valueOf(1 + random.nextInt(50)), "CNY");
        Budget budget = chance(5) ? new Budget(chance(2) ? BigDecimal.valueOf(100) : null,
                BigDecimal.valueOf(50)) : Budget.UNLIMITED;
        FrequencyCap cap = chance(5) ? new FrequencyCap(1 + random.nextInt(3), 1 + random.nextInt(48))
                : null;
        return new Campaign("c" + i, "adv", "n", Goal.values()[random.nextInt(3)],
                CampaignStatus.ACTIVE, bid, budget, schedule, cap, t, creatives, BASE, BASE);
    }

    /** Some segments, and for some users the trigger segments of a few campaigns that fired for them. */
    private Set<String> segmentsWithTriggers() {
        Set<String> out = new HashSet<>(some(SEGMENTS, 3));
        for (int k = chance(2) ? random.nextInt(40) : 0; k > 0; k--) {
            out.add(TriggerTargeting.segmentOf("c" + random.nextInt(400)));
        }
        return out;
    }

    /** Impressions for random users and spend near the limits of budgeted campaigns. */
    public void history(List<Campaign> campaigns, InMemoryDeliveryLedger ledger) {
        for (Campaign c : campaigns) {
            if (c.frequencyCap() != null || c.targeting().audiences().cautionFrequencyCap() != null) {
                for (int n = random.nextInt(60); n > 0; n--) {
                    ledger.recordImpression(user(random.nextInt(USERS)), c.id(),
                            BASE.plusSeconds(random.nextInt(160 * 3600)));
                }
            }
            if (c.budget().daily() != null && chance(2)) {
                // 0..60 CNY over random times: some days and totals are spent, some not.
                for (int n = random.nextInt(4); n > 0; n--) {
                    ledger.recordSpend(c.id(), BASE.plusSeconds(random.nextInt(160 * 3600)),
                            random.nextInt(30_000_000), c.schedule().timezone());
                }
            }
        }
    }

    public AdQuery query() {
        String text = String.join(chance(2) ? " " : "\n", some(WORDS, 8));
        PageContext page = new PageContext(chance(5) ? "https://news.example/" + phrase().replace(' ', '-')
                : null, chance(2) ? phrase() : null, chance(4) ? some(WORDS, 2) : null,
                some(CATEGORIES, 1), text, null);
        String format = chance(4) ? null : FORMATS.get(random.nextInt(FORMATS.size()));
        String site = chance(4) ? null : SITES.get(random.nextInt(SITES.size()));
        Instant now = BASE.plusSeconds(random.nextInt(160) * 3600L + random.nextInt(3600));
        GeoPoint geo = null;
        if (!chance(4)) {
            double[] p = PLACES[random.nextInt(PLACES.length)];
            geo = new GeoPoint(lat(p[0] + random.nextGaussian() * 0.2),
                    lon(p[1] + random.nextGaussian() * 0.2), !chance(4));
        }
        UserContext user = new UserContext(chance(5) ? null : user(random.nextInt(USERS)),
                chance(5) ? null : 1950 + random.nextInt(60),
                chance(5) ? null : GENDERS.get(random.nextInt(3)),
                chance(5) ? null : USER_REGIONS.get(random.nextInt(USER_REGIONS.size())),
                geo, segmentsWithTriggers(), new HashSet<>(some(AUDIENCES, 2)));
        Purposes purposes = new Purposes(random.nextBoolean(), random.nextBoolean(),
                random.nextBoolean(), random.nextBoolean());
        return new AdQuery(format, site, page, now, 1 + random.nextInt(3), purposes, user);
    }
}
