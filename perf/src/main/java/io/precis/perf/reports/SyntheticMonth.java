package io.precis.perf.reports;

import io.precis.reports.event.RollupBulkLoader;
import io.precis.reports.token.AdServed;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded month of one advertiser's traffic for the report benchmark: 20 campaigns (or as many
 * as asked for, to see how reports grow with campaigns) × 3 creatives, 6 targeting combinations, 34 provincial regions (skewed: a few big provinces get
 * most traffic, as in China), 10 publisher sites (skewed), 2 million users of whom 60% gave
 * measurement consent. Per 1,000 events: 920 impressions, 60 clicks (5% of them invalid), 20
 * conversions. Deterministic for a given seed. Emitted day by day (each day's events at random
 * times within it), so that a loader can write each day once it is over.
 */
final class SyntheticMonth {
    static final String ADVERTISER = "adv-bench";
    static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
    static final int DAYS = 30;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    /** Campaigns unless told otherwise. */
    static final int CAMPAIGNS = 20;
    private static final int CREATIVES = 3;
    private static final int USERS = 2_000_000;
    private static final List<List<String>> TARGETING = List.of(List.of(), List.of("contextual"),
            List.of("contextual", "demographic"), List.of("behavioural"), List.of("behavioural", "contextual"),
            List.of("geo"));
    private static final String[] REGIONS = {"CN-44", "CN-32", "CN-37", "CN-33", "CN-41", "CN-51", "CN-11",
        "CN-31", "CN-42", "CN-43", "CN-13", "CN-35", "CN-34", "CN-50", "CN-61", "CN-21", "CN-53", "CN-36",
        "CN-45", "CN-14", "CN-22", "CN-52", "CN-23", "CN-12", "CN-15", "CN-62", "CN-65", "CN-46", "CN-64",
        "CN-63", "CN-54", "CN-71", "CN-91", "CN-92"};

    private SyntheticMonth() {
    }

    /** The {@code --campaigns=N} among command-line {@code args}, or {@link #CAMPAIGNS}. */
    static int campaignsArg(String[] args) {
        return java.util.Arrays.stream(args).filter(a -> a.startsWith("--campaigns="))
                .mapToInt(a -> Integer.parseInt(a.substring("--campaigns=".length()))).findFirst().orElse(CAMPAIGNS);
    }

    /**
     * Feeds {@code events} events of {@code campaigns} campaigns (skewed as the regions are) into
     * {@code loader}, the same number each day (to one), and calls {@code dayOver} with the end of
     * each day after its last event.
     */
    static void generate(RollupBulkLoader loader, long events, long seed, int campaigns,
                         java.util.function.Consumer<Instant> dayOver) {
        SplittableRandom r = new SplittableRandom(seed);
        long dayMs = Duration.ofDays(1).toMillis();
        for (long i = 0, day = 0; i < events; i++) {
            while (i >= events * (day + 1) / DAYS) {
                dayOver.accept(START.plusMillis(++day * dayMs)); // the day before had all its events
            }
            int campaign = skewed(r, campaigns);
            String model = switch (campaign % 3) {
                case 0 -> "CPM";
                case 1 -> "CPC";
                default -> "CPA";
            };
            long price = switch (model) {
                case "CPM" -> 12_500_000;
                case "CPC" -> 500_000;
                default -> 30_000_000;
            };
            int user = r.nextInt(USERS);
            boolean consent = user % 10 < 6;
            AdServed ad = new AdServed(token(r), ADVERTISER, "cmp-" + campaign, "cr-" + r.nextInt(CREATIVES),
                    "slot-1", "site-" + skewed(r, 10) + ".example.cn", TARGETING.get(r.nextInt(TARGETING.size())),
                    model, price, consent ? pseudonym(user) : null, REGIONS[skewed(r, REGIONS.length)]);
            Instant at = START.plusMillis(day * dayMs + r.nextLong(dayMs));
            int kind = r.nextInt(1000);
            if (kind < 920) {
                loader.impression(ad, at);
            } else if (kind < 980) {
                loader.click(ad, at, r.nextInt(20) != 0, token(r));
            } else {
                loader.conversion(ad, at, 50_000_000 + r.nextLong(200_000_000), token(r), "order-" + i);
            }
        }
        dayOver.accept(START.plusMillis(DAYS * dayMs));
    }

    /** 22 characters, as the gateway's ad and click ids (16 random bytes, base64url). */
    private static String token(SplittableRandom r) {
        byte[] b = new byte[16];
        r.nextBytes(b);
        return B64.encodeToString(b);
    }

    /** The shape of a measurement pseudonym: key epoch in base 36, then 16 bytes base64url. */
    private static String pseudonym(int user) {
        byte[] b = new byte[16];
        new SplittableRandom(user).nextBytes(b);
        return "1" + B64.encodeToString(b);
    }

    /** 0..n-1, smaller values likelier: floor(u² n), so value 0 gets ~1/√n of the draws. */
    private static int skewed(SplittableRandom r, int n) {
        double u = r.nextDouble();
        return (int) (u * u * n);
    }
}
