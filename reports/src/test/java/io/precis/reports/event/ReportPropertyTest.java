package io.precis.reports.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property: for random events (random campaigns, creatives, targeting, regions, sites, users
 * with and without measurement consent, days and hours) and random queries (any valid groupBy in
 * any order, any k from 1 to {@link UserSketch#CAPACITY}, any window of up to 40 days, so reports
 * without day read blocks of days of every level, with or without a campaign filter), every report row equals an exact computation over the raw events: rows summed from
 * the events themselves, users counted as exact sets of pseudonyms, the threshold's merge
 * applied to those sets, and each row's and the totals' reach (distinct consenting users of
 * impressions, and their impressions) from exact sets, withheld below k users. The store answers from its roll-up cells and their bounded user sets,
 * so this checks the cells, their unions across days and keys, and the threshold on the unions.
 */
class ReportPropertyTest {
    private static final String ADV = "adv-p";
    private static final List<List<String>> TARGETING = List.of(List.of(), List.of("contextual"),
            List.of("behavioural", "contextual"), List.of("geo"));
    private static final String[] REGIONS = {"CN-11", "CN-31", "CN-44", null};
    private static final String[] SITES = {"a.example.cn", "b.example.cn", "c.example.cn", null};
    /** An ad slot (web) twice as often as each channel of /v1/decide. */
    private static final String[] CHANNELS = {null, "web", "email", "sms"};
    private static final Dimension[] DIMS = Dimension.values();
    private static final LocalDate FIRST = StoreFixture.DAY0;
    /** Enough days for every level of {@link PeriodBlocks} to fit some random window. */
    private static final int DAYS = 40;
    /** No click is judged invalid by rate: validity is still taken from each click's own outcome. */
    static final InvalidClickPolicy CLICKS = new InvalidClickPolicy(Duration.ofSeconds(1), 10_000, 10_000);

    /** One recorded event, as the exact computation sees it. */
    private record Raw(AdServed ad, Instant at, String kind, boolean valid, long costNanos) {
        String key(Dimension d) {
            return switch (d) {
                case CAMPAIGN -> ad.campaignId();
                case CREATIVE -> ad.creativeId();
                case DAY -> LocalDate.ofInstant(at, ZoneOffset.UTC).toString();
                case HOUR -> at.truncatedTo(ChronoUnit.HOURS).toString();
                case TARGETING -> ad.targetingKey();
                case REGION -> ad.region() == null ? Dimension.UNKNOWN : ad.region();
                case SITE -> ad.site() == null ? Dimension.UNKNOWN : ad.site();
                case CHANNEL -> ad.channelKey();
            };
        }
    }

    /** An exact row: its counts, its users as a set, and its reached users (impressions with consent). */
    private static final class Exact {
        final long[] n = new long[5];
        final Set<String> users = new HashSet<>();
        final Set<String> reached = new HashSet<>();
        long reachedImpressions;

        void add(Exact o) {
            for (int i = 0; i < n.length; i++) {
                n[i] += o.n[i];
            }
            users.addAll(o.users);
            reached.addAll(o.reached);
            reachedImpressions += o.reachedImpressions;
        }

        /** Withheld below k users, as every user-linked figure. */
        Reach reach(int k) {
            return users.size() < k ? Reach.WITHHELD : new Reach((long) reached.size(), reachedImpressions, false);
        }

        Counts counts() {
            return new Counts(n[0], n[1], n[2], 0, Math.floorDiv(n[3] + 500, 1000), 0);
        }
    }

    /** The store under test; {@link PostgresReportPropertyTest} runs the same properties on PostgreSQL. */
    StoreFixture fixture(Path dir) {
        return new StoreFixture(dir, AttributionPolicy.DEFAULTS, CLICKS, ReportPolicy.DEFAULTS);
    }

    @Test
    void everyRandomReportEqualsTheExactComputationOverTheRawEvents(@TempDir Path dir) {
        for (long seed : new long[] {1, 2, 3}) {
            try (StoreFixture f = fixture(dir.resolve("s" + seed))) {
                checkSeed(f, seed);
            }
        }
    }

    /**
     * The same property once closed periods are packed ({@link RollupPacker}): events are
     * recorded, every period is packed, more events are recorded into those packed periods (new
     * cells beside the packs), packed again (merged into the packs), and recorded once more, so
     * reports read packs, cells, and both for the same keys.
     */
    @Test
    void everyRandomReportEqualsTheExactComputationWithPackedPeriods(@TempDir Path dir) {
        for (long seed : new long[] {1, 2}) {
            try (StoreFixture f = fixture(dir.resolve("s" + seed))) {
                checkSeed(f, seed, true);
            }
        }
    }

    private void checkSeed(StoreFixture f, long seed) {
        checkSeed(f, seed, false);
    }

    private void checkSeed(StoreFixture f, long seed, boolean pack) {
        Random r = new Random(seed);
        int users = 3 + r.nextInt(60);
        List<Raw> raw = record(f, r, 250 + r.nextInt(250), users);
        if (pack) {
            Instant afterAll = FIRST.plusDays(DAYS + 20).atStartOfDay(ZoneOffset.UTC).toInstant();
            f.clock.set(afterAll);
            assertTrue(f.store.packClosedPeriods() > 20, "periods packed");
            raw.addAll(record(f, r, 100 + r.nextInt(100), users));
            f.clock.set(afterAll);
            assertTrue(f.store.packClosedPeriods() > 20, "periods packed again");
            raw.addAll(record(f, r, 50, users));
        }
        int queries = 0;
        int merged = 0;
        int reached = 0;
        for (int q = 0; q < 120; q++) {
            // Every 8th: the three thresholded dimensions, which have a grain over all campaigns;
            // every 8th from the 4th: the full breakdown, a row per cell of the full grain.
            List<Dimension> groupBy = q % 8 == 0 ? threeThresholded(r) : q % 8 == 4 ? fullBreakdown(r) : randomGroupBy(r);
            int k = 1 + r.nextInt(UserSketch.CAPACITY);
            LocalDate from = FIRST.plusDays(r.nextInt(DAYS));
            LocalDate to = from.plusDays(r.nextInt(DAYS));
            String campaign = r.nextInt(4) == 0 ? "c" + r.nextInt(3) : null;
            ReportQuery query = new ReportQuery(ADV, from, to, groupBy, campaign, new ReportPolicy(k, 0));
            Map<List<String>, Exact> rows = exact(raw, query);
            Map<List<String>, Counts> want = new LinkedHashMap<>();
            Map<List<String>, Reach> wantReach = new LinkedHashMap<>();
            Exact all = new Exact();
            rows.forEach((key, x) -> {
                want.put(key, x.counts());
                wantReach.put(key, x.reach(k));
                all.add(x);
            });
            Map<List<String>, Counts> got = new LinkedHashMap<>();
            Map<List<String>, Reach> gotReach = new LinkedHashMap<>();
            List<Dimension> cols = ReportColumns.keyColumns(groupBy);
            Report report = f.report(query);
            for (ReportRow row : report.rows()) {
                got.put(cols.stream().map(d -> row.keys().get(d)).toList(), row.counts());
                gotReach.put(cols.stream().map(d -> row.keys().get(d)).toList(), row.reach());
            }
            assertEquals(want, got, "seed " + seed + ", query " + q + ": " + query);
            assertEquals(wantReach, gotReach, "reach, seed " + seed + ", query " + q + ": " + query);
            assertEquals(want.values().stream().reduce(Counts.ZERO, Counts::plus), report.totals());
            // The totals' reach is the union of every row's users, not the sum of the rows' reach.
            assertEquals(all.reach(k), report.totalReach(), "total reach, query " + q + ": " + query);
            reached += report.totalReach().withheld() ? 0 : 1;
            queries++;
            merged += got.keySet().stream().anyMatch(keys -> keys.contains(Dimension.OTHER)) ? 1 : 0;
        }
        assertTrue(queries == 120 && merged > 10, "queries with an (other) row: " + merged);
        assertTrue(reached > 30, "queries whose totals publish reach: " + reached);
    }

    /** Records {@code n} random events through the store, each logged with what it counted as. */
    private static List<Raw> record(StoreFixture f, Random r, int n, int users) {
        List<Raw> raw = new ArrayList<>();
        Instant start = FIRST.atStartOfDay(ZoneOffset.UTC).toInstant();
        List<Instant> times = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            times.add(start.plusSeconds(r.nextInt(DAYS * 86_400 - 60)));
        }
        Collections.sort(times);
        List<CompletableFuture<ImpressionOutcome>> pending = new ArrayList<>();
        List<AdServed> clicked = new ArrayList<>();
        for (Instant at : times) {
            f.clock.set(at);
            AdServed ad = StoreFixture.ad(ADV, "c" + r.nextInt(3), "cr" + r.nextInt(2), r.nextBoolean() ? "CPM" : "CPC",
                    1_000_000 + r.nextInt(3) * 250_000, r.nextInt(5) == 0 ? null : "user-" + r.nextInt(users),
                    REGIONS[r.nextInt(REGIONS.length)], SITES[r.nextInt(SITES.length)],
                    TARGETING.get(r.nextInt(TARGETING.size()))).withChannel(CHANNELS[r.nextInt(CHANNELS.length)]);
            pending.add(f.store.recordImpression(f.token(TokenKind.IMPRESSION, ad)));
            raw.add(new Raw(ad, at, StoredEvent.IMPRESSION, true, BatchWriter.impressionCost(ad)));
            if (r.nextInt(5) == 0) {
                clicked.add(ad);
            }
        }
        pending.forEach(StoreFixture::await);
        for (AdServed ad : clicked) {
            ClickOutcome o = f.click(ad);
            assertTrue(o.counted());
            raw.add(new Raw(ad, f.clock.instant(), StoredEvent.CLICK, o.valid(), BatchWriter.clickCost(ad, o.valid())));
        }
        return raw;
    }

    /** Targeting, region and site in random order, half the time with day. */
    private static List<Dimension> threeThresholded(Random r) {
        List<Dimension> dims = new ArrayList<>(List.of(Dimension.TARGETING, Dimension.REGION, Dimension.SITE));
        if (r.nextBoolean()) {
            dims.add(Dimension.DAY);
        }
        Collections.shuffle(dims, r);
        return List.copyOf(dims);
    }

    /** Creative (with campaign or without), day, targeting, region and site, in random order. */
    private static List<Dimension> fullBreakdown(Random r) {
        List<Dimension> dims = new ArrayList<>(List.of(Dimension.CREATIVE, Dimension.DAY, Dimension.TARGETING,
                Dimension.REGION, Dimension.SITE));
        if (r.nextBoolean()) {
            dims.add(Dimension.CAMPAIGN);
        }
        Collections.shuffle(dims, r);
        return List.copyOf(dims);
    }

    /** A valid groupBy: 1 to 4 distinct dimensions in random order, {@code hour} never with a thresholded one. */
    private static List<Dimension> randomGroupBy(Random r) {
        while (true) {
            List<Dimension> all = new ArrayList<>(List.of(DIMS));
            Collections.shuffle(all, r);
            List<Dimension> groupBy = all.subList(0, 1 + r.nextInt(4));
            boolean thresholded = groupBy.stream().anyMatch(Dimension.THRESHOLDED::contains);
            boolean hour = groupBy.contains(Dimension.HOUR);
            if ((!hour || !thresholded) && (!groupBy.contains(Dimension.CHANNEL) || !hour && !thresholded)) {
                return List.copyOf(groupBy);
            }
        }
    }

    /**
     * The report computed from the raw events: rows by key; when a thresholded dimension is
     * asked and k > 1, rows with fewer than k distinct users merge into {@code (other)}, and while
     * {@code (other)} has fewer than k, the row with the fewest users (counted up to
     * {@link UserSketch#CAPACITY}; ties in key order) joins it.
     */
    private static Map<List<String>, Exact> exact(List<Raw> raw, ReportQuery q) {
        List<Dimension> cols = ReportColumns.keyColumns(q.groupBy());
        Map<List<String>, Exact> rows = new TreeMap<>(ReportPropertyTest::compareKeys);
        for (Raw e : raw) {
            LocalDate day = LocalDate.ofInstant(e.at(), ZoneOffset.UTC);
            if (day.isBefore(q.from()) || day.isAfter(q.to())
                    || (q.campaignId() != null && !q.campaignId().equals(e.ad().campaignId()))) {
                continue;
            }
            Exact x = rows.computeIfAbsent(cols.stream().map(e::key).toList(), k -> new Exact());
            switch (e.kind()) {
                case StoredEvent.IMPRESSION -> x.n[0]++;
                default -> x.n[e.valid() ? 1 : 2]++;
            }
            x.n[3] += e.costNanos();
            if (e.ad().pseudonym() != null) {
                x.users.add(e.ad().pseudonym());
                if (StoredEvent.IMPRESSION.equals(e.kind())) {
                    x.reached.add(e.ad().pseudonym());
                    x.reachedImpressions++;
                }
            }
        }
        int k = q.policy().minUsers();
        boolean threshold = k > 1 && cols.stream().anyMatch(Dimension.THRESHOLDED::contains);
        Map<List<String>, Exact> kept = new LinkedHashMap<>();
        Exact other = null;
        for (Map.Entry<List<String>, Exact> e : rows.entrySet()) {
            if (threshold && e.getValue().users.size() < k) {
                other = other == null ? new Exact() : other;
                other.add(e.getValue());
            } else {
                kept.put(e.getKey(), e.getValue());
            }
        }
        if (other != null) {
            List<Map.Entry<List<String>, Exact>> byUsers = new ArrayList<>(kept.entrySet());
            byUsers.sort(Comparator.comparingInt(e -> Math.min(UserSketch.CAPACITY, e.getValue().users.size())));
            for (Map.Entry<List<String>, Exact> e : byUsers) {
                if (other.users.size() >= k) {
                    break;
                }
                other.add(e.getValue());
                kept.remove(e.getKey());
            }
            kept.put(Collections.nCopies(cols.size(), Dimension.OTHER), other);
        }
        return kept;
    }

    private static int compareKeys(List<String> a, List<String> b) {
        for (int i = 0; i < a.size(); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
