package io.precis.reports.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.consent.identity.IpPrefix;
import io.precis.consent.identity.Pseudonym;
import io.precis.reports.invalid.ClickContext;
import io.precis.reports.invalid.InvalidClickPolicy;
import io.precis.reports.privacy.ReportPolicy;
import io.precis.reports.privacy.UserSketch;
import io.precis.reports.token.AdServed;
import io.precis.reports.token.TokenKind;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded week of traffic for two advertisers that share campaign ids, driven through the
 * EventStore: impressions, valid clicks, invalid clicks of every kind in known shares,
 * click-through and view-through conversions, replays and forgeries. The generator logs what
 * each event must count as; every report figure is checked against sums over that log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SimulatedWeekTest {
    private static final String CHROME = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/130.0 Mobile Safari/537.36";
    private static final List<String> ADVERTISERS = List.of("adv-a", "adv-b");
    private static final List<List<String>> TARGETING = List.of(List.of(), List.of("contextual"),
            List.of("demographic", "contextual"), List.of("behavioural"));
    private static final String[] REGIONS = {"CN-11", "CN-31", "CN-44", null};
    private static final String[] SITES = {"news.example.cn", "video.example.cn", "shop.example.cn", null};
    /** Low user cap so the generator's bursts trip it; the IP cap is out of reach. */
    static final InvalidClickPolicy CLICKS = new InvalidClickPolicy(Duration.ofSeconds(1), 3, 10_000);

    /** What one logged event must count as in reports. */
    record Logged(String kind, boolean valid, String reason, AdServed ad, Instant at, long costNanos, long value) {
        String key(Dimension d) {
            return switch (d) {
                case CAMPAIGN -> ad.campaignId();
                case CREATIVE -> ad.creativeId();
                case DAY -> LocalDate.ofInstant(at, ZoneOffset.UTC).toString();
                case HOUR -> at.truncatedTo(ChronoUnit.HOURS).toString();
                case TARGETING -> ad.targetingKey();
                case REGION -> ad.region() == null ? "unknown" : ad.region();
                case SITE -> ad.site() == null ? "unknown" : ad.site();
                case CHANNEL -> ad.channelKey();
            };
        }
    }

    StoreFixture f;
    final List<Logged> log = new ArrayList<>();
    final Map<String, Integer> invalidByReason = new TreeMap<>();
    /** The generator's own click-rate model: judged click times per (campaign, pseudonym). */
    final Map<String, List<Instant>> clickTimes = new HashMap<>();
    /** Every impression per pseudonym, for the expected view-through credit. */
    final Map<String, List<Logged>> impressionsOf = new HashMap<>();

    /** The store under test; {@link PostgresSimulatedWeekTest} runs the same week on PostgreSQL. */
    StoreFixture fixture(Path dir) {
        return new StoreFixture(dir, AttributionPolicy.DEFAULTS, CLICKS, ReportPolicy.DEFAULTS);
    }

    @BeforeAll
    void simulate(@TempDir Path dir) {
        f = fixture(dir);
        Random r = new Random(20261103);
        Set<String> orderIds = new HashSet<>();
        for (int day = 0; day < 7; day++) {
            f.clock.set(StoreFixture.T0.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(day)).plusSeconds(60));
            for (int n = 0; n < 120; n++) {
                f.clock.advance(Duration.ofSeconds(200 + r.nextInt(400)));
                AdServed ad = randomAd(r);
                impression(ad);
                int roll = r.nextInt(100);
                if (roll < 30) {
                    click(ad, r.nextInt(100) < 10 ? Duration.ofMillis(400) : Duration.ofSeconds(3), CHROME, false);
                } else if (roll < 34) {
                    click(ad, Duration.ofSeconds(4), "Mozilla/5.0 (compatible; Googlebot/2.1)", false);
                } else if (roll < 38) {
                    click(ad, Duration.ofSeconds(2), CHROME, true); // prefetch, then sometimes the real click
                    if (r.nextBoolean()) {
                        click(ad, Duration.ofSeconds(5), CHROME, false);
                    }
                } else if (roll < 42) {
                    click(randomAd(r), Duration.ofSeconds(2), CHROME, false); // no impression first
                } else if (roll < 44 && ad.pseudonym() != null) {
                    for (int i = 0; i < 5; i++) { // a burst from one user on one campaign
                        AdServed same = withUser(randomAd(r, ad.advertiserId(), ad.campaignId()), ad.pseudonym());
                        impression(same);
                        click(same, Duration.ofSeconds(2), CHROME, false);
                    }
                }
                lastClickConversions(r, orderIds);
                if (ad.pseudonym() != null && r.nextInt(100) < 6) {
                    f.clock.advance(Duration.ofMinutes(30));
                    viewThrough(ad.pseudonym(), ad.advertiserId(), r.nextInt(500) + 1);
                }
            }
        }
        // Forged conversions: unknown click ids credit nobody.
        for (int i = 0; i < 5; i++) {
            assertTrue(!f.conversion("forged-" + i, 10, "o-forged").attributed());
        }
        assertTrue(invalidByReason.keySet().containsAll(
                Set.of("too_fast", "robot", "prefetch", "no_impression", "too_many_user")), invalidByReason.toString());
    }

    @AfterAll
    void close() {
        f.close();
    }

    private static AdServed randomAd(Random r) {
        String adv = ADVERTISERS.get(r.nextInt(2));
        return randomAd(r, adv, "c" + (1 + r.nextInt(3)));
    }

    private static AdServed randomAd(Random r, String advertiser, String campaign) {
        String model = switch (campaign) {
            case "c1" -> "CPM";
            case "c2" -> "CPC";
            default -> "CPA";
        };
        long price = model.equals("CPM") ? 12_000_000 : model.equals("CPC") ? 700_000 : 20_000_000;
        int user = r.nextInt(30);
        String pseudonym = user < 21 ? "user-" + user : null; // 70% gave measurement consent
        return StoreFixture.ad(advertiser, campaign, "cr" + r.nextInt(2), model, price, pseudonym,
                REGIONS[r.nextInt(REGIONS.length)], SITES[r.nextInt(SITES.length)],
                TARGETING.get(r.nextInt(TARGETING.size())));
    }

    private static AdServed withUser(AdServed a, String pseudonym) {
        return new AdServed(a.adId(), a.advertiserId(), a.campaignId(), a.creativeId(), a.slot(), a.site(),
                a.matchedBy(), a.bidModel(), a.priceMicros(), pseudonym, a.region());
    }

    private final Map<String, Instant> impressionAt = new HashMap<>();
    private Logged lastValidClick;

    private void impression(AdServed ad) {
        assertTrue(f.impression(ad).counted());
        Logged l = new Logged("imp", true, null, ad, f.clock.instant(),
                ad.bidModel().equals("CPM") ? ad.priceMicros() : 0, 0);
        log.add(l);
        impressionAt.put(ad.adId(), f.clock.instant());
        if (ad.pseudonym() != null) {
            impressionsOf.computeIfAbsent(ad.pseudonym(), p -> new ArrayList<>()).add(l);
        }
    }

    private void click(AdServed ad, Duration after, String userAgent, boolean prefetch) {
        Instant imp = impressionAt.get(ad.adId());
        f.clock.set((imp == null ? f.clock.instant() : imp.isAfter(f.clock.instant()) ? imp : f.clock.instant())
                .plus(after));
        Instant at = f.clock.instant();
        ClickContext ctx = new ClickContext(new IpPrefix("10.0." + (ad.adId().charAt(0) % 5) + ".0/24"), userAgent,
                prefetch);
        ClickOutcome o = StoreFixture.await(f.store.recordClick(f.token(TokenKind.CLICK, ad), f.signer.clickId(ad), ctx));
        // The generator's own verdict, in the documented rule order.
        boolean tooMany = false;
        if (ad.pseudonym() != null) {
            List<Instant> times = clickTimes.computeIfAbsent(ad.campaignId() + "|" + ad.pseudonym(), k -> new ArrayList<>());
            times.add(at);
            tooMany = times.stream().filter(t -> t.isAfter(at.minus(Duration.ofHours(1)))).count() > 3;
        }
        String expected = prefetch ? "prefetch"
                : !userAgent.equals(CHROME) ? "robot"
                : imp == null ? "no_impression"
                : Duration.between(imp, at).compareTo(Duration.ofSeconds(1)) < 0 ? "too_fast"
                : tooMany ? "too_many_user"
                : null;
        assertEquals(expected, o.invalidReason(), "click verdict");
        assertTrue(o.counted());
        boolean valid = expected == null;
        long cost = valid && ad.bidModel().equals("CPC") ? ad.priceMicros() * 1000 : 0;
        Logged l = new Logged("click", valid, expected, ad, at, cost, 0);
        log.add(l);
        if (valid) {
            lastValidClick = l;
        } else {
            invalidByReason.merge(expected, 1, Integer::sum);
        }
    }

    private void lastClickConversions(Random r, Set<String> orderIds) {
        if (lastValidClick == null || r.nextInt(100) >= 40) {
            lastValidClick = null;
            return;
        }
        Logged click = lastValidClick;
        lastValidClick = null;
        f.clock.advance(Duration.ofMinutes(r.nextInt(90)));
        String order = "o-" + r.nextInt(1_000_000);
        long value = (1 + r.nextInt(300)) * 1_000_000L;
        ConversionOutcome o = f.conversion(click.ad(), value / 1e6, order);
        assertTrue(o.attributed());
        boolean fresh = orderIds.add(click.ad().campaignId() + "|" + order);
        assertEquals(fresh, o.counted());
        if (fresh) {
            log.add(conversionOf(click.ad(), value));
        }
        if (r.nextBoolean()) {
            assertTrue(!f.conversion(click.ad(), value / 1e6, order).counted()); // replayed order: once
        }
    }

    private void viewThrough(String pseudonym, String advertiser, long units) {
        Instant now = f.clock.instant();
        Logged latest = null;
        for (Logged i : impressionsOf.getOrDefault(pseudonym, List.of())) {
            boolean inWindow = !i.at().isBefore(now.minus(Duration.ofDays(1))) && !i.at().isAfter(now);
            if (inWindow && i.ad().advertiserId().equals(advertiser) && (latest == null || !i.at().isBefore(latest.at()))) {
                latest = i;
            }
        }
        ConversionOutcome o = f.conversion(new ConversionRequest(null, "purchase", units * 1_000_000, "CNY", null,
                new Pseudonym(pseudonym), advertiser));
        assertEquals(latest != null, o.attributed());
        if (latest != null) {
            assertEquals(latest.ad().campaignId(), o.campaignId());
            log.add(conversionOf(latest.ad(), units * 1_000_000));
        }
    }

    private Logged conversionOf(AdServed ad, long value) {
        long cost = ad.bidModel().equals("CPA") ? ad.priceMicros() * 1000 : 0;
        return new Logged("conv", true, null, ad, f.clock.instant(), cost, value);
    }

    /** The generator's own report: rows keyed like the store's, summed over the log. */
    private Map<List<String>, Counts> expected(String advertiser, List<Dimension> cols, String campaign) {
        Map<List<String>, long[]> sums = new HashMap<>();
        for (Logged l : log) {
            if (!l.ad().advertiserId().equals(advertiser) || (campaign != null && !campaign.equals(l.ad().campaignId()))) {
                continue;
            }
            List<String> key = cols.stream().map(l::key).toList();
            long[] s = sums.computeIfAbsent(key, k -> new long[6]);
            switch (l.kind()) {
                case "imp" -> s[0]++;
                case "click" -> s[l.valid() ? 1 : 2]++;
                default -> {
                    s[3]++;
                    s[5] += l.value();
                }
            }
            s[4] += l.costNanos();
        }
        Map<List<String>, Counts> out = new HashMap<>();
        sums.forEach((k, s) -> out.put(k, new Counts(s[0], s[1], s[2], s[3], Math.floorDiv(s[4] + 500, 1000), s[5])));
        return out;
    }

    private static final List<List<Dimension>> BREAKDOWNS = List.of(
            List.of(Dimension.CAMPAIGN), List.of(Dimension.CREATIVE), List.of(Dimension.DAY),
            List.of(Dimension.HOUR), List.of(Dimension.TARGETING), List.of(Dimension.REGION), List.of(Dimension.SITE),
            List.of(Dimension.CAMPAIGN, Dimension.DAY), List.of(Dimension.DAY, Dimension.HOUR, Dimension.CREATIVE),
            List.of(Dimension.CHANNEL), List.of(Dimension.CAMPAIGN, Dimension.CHANNEL, Dimension.DAY),
            List.of(Dimension.REGION, Dimension.CAMPAIGN), List.of(Dimension.TARGETING, Dimension.SITE),
            List.of(Dimension.REGION, Dimension.TARGETING, Dimension.SITE),
            List.of(Dimension.SITE, Dimension.REGION, Dimension.TARGETING, Dimension.DAY, Dimension.CREATIVE));

    private ReportQuery query(String advertiser, List<Dimension> groupBy, String campaign, ReportPolicy p) {
        return new ReportQuery(advertiser, LocalDate.parse("2026-11-01"), LocalDate.parse("2026-11-30"), groupBy,
                campaign, p);
    }

    @Test
    void everyFigureOfEveryBreakdownMatchesTheGeneratorsLogForEachAdvertiserAndCampaignFilter() {
        ReportPolicy exact = new ReportPolicy(1, 0);
        int checked = 0;
        for (String adv : ADVERTISERS) {
            for (List<Dimension> groupBy : BREAKDOWNS) {
                for (String campaign : new String[] {null, "c1", "c3", "c-none"}) {
                    Report r = f.report(query(adv, groupBy, campaign, exact));
                    List<Dimension> cols = ReportColumns.keyColumns(groupBy);
                    Map<List<String>, Counts> want = expected(adv, cols, campaign);
                    Map<List<String>, Counts> got = new HashMap<>();
                    for (ReportRow row : r.rows()) {
                        got.put(cols.stream().map(d -> row.keys().get(d)).toList(), row.counts());
                    }
                    assertEquals(want, got, adv + " " + groupBy + " " + campaign);
                    assertEquals(want.values().stream().reduce(Counts.ZERO, Counts::plus), r.totals());
                    checked += got.size();
                }
            }
        }
        assertTrue(checked > 1000, "rows checked: " + checked);
    }

    @Test
    void smallRowsMergeIntoOtherAndTotalsStillAddUp() {
        ReportPolicy k = new ReportPolicy(8, 0);
        for (String adv : ADVERTISERS) {
            for (List<Dimension> groupBy : BREAKDOWNS) {
                Report r = f.report(query(adv, groupBy, null, k));
                List<Dimension> cols = ReportColumns.keyColumns(groupBy);
                Counts want = expected(adv, cols, null).values().stream().reduce(Counts.ZERO, Counts::plus);
                assertEquals(want, r.totals(), "totals of " + groupBy);
                assertEquals(r.rows().stream().map(ReportRow::counts).reduce(Counts.ZERO, Counts::plus), r.totals());
                boolean thresholded = cols.stream().anyMatch(Dimension.THRESHOLDED::contains);
                for (ReportRow row : r.rows()) {
                    boolean other = row.keys().values().stream().allMatch(Dimension.OTHER::equals);
                    if (!thresholded) {
                        assertTrue(!other, "no (other) without a thresholded dimension");
                    } else {
                        assertTrue(other || usersOf(adv, cols, row) >= 8, groupBy + " row " + row.keys());
                    }
                }
                if (thresholded && cols.size() > 2) {
                    assertTrue(r.rows().stream().anyMatch(row -> row.keys().containsValue(Dimension.OTHER)));
                }
            }
        }
    }

    @Test
    void noisyCountsStayCloseAndTotalsAreTheSumOfNoisyRows() {
        Report exact = f.report(query("adv-a", List.of(Dimension.REGION), null, new ReportPolicy(1, 0)));
        Report noisy = f.report(query("adv-a", List.of(Dimension.REGION), null, new ReportPolicy(1, 1.0)));
        assertEquals(exact.rows().size(), noisy.rows().size());
        assertEquals(noisy.rows().stream().map(ReportRow::counts).reduce(Counts.ZERO, Counts::plus), noisy.totals());
        assertEquals(exact.totals().spendMicros(), noisy.totals().spendMicros()); // money is not noised
        long diff = Math.abs(exact.totals().impressions() - noisy.totals().impressions());
        assertTrue(diff < 40, "noise of scale 1 over a few rows: " + diff);
    }

    /** Distinct pseudonyms among the log events of a row (independent of the store's sketches). */
    private long usersOf(String adv, List<Dimension> cols, ReportRow row) {
        List<String> key = cols.stream().map(d -> row.keys().get(d)).toList();
        return log.stream().filter(l -> l.ad().advertiserId().equals(adv) && l.ad().pseudonym() != null)
                .filter(l -> cols.stream().map(l::key).toList().equals(key))
                .map(l -> l.ad().pseudonym()).distinct().count();
    }

    @Test
    void theSketchAgreesWithExactCountingOnTheLog() {
        Set<String> all = new HashSet<>();
        UserSketch s = UserSketch.EMPTY;
        for (Logged l : log) {
            if (l.ad().pseudonym() != null) {
                all.add(l.ad().pseudonym());
                s = s.merge(UserSketch.of(l.ad().pseudonym()));
            }
        }
        assertEquals(Math.min(all.size(), UserSketch.CAPACITY), s.users());
    }
}
