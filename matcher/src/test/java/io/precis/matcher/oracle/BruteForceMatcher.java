package io.precis.matcher.oracle;

import io.precis.consent.identity.GeoPoint;
import io.precis.matcher.campaign.AgeBand;
import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.campaign.CampaignStatus;
import io.precis.matcher.campaign.Creative;
import io.precis.matcher.campaign.FrequencyCap;
import io.precis.matcher.campaign.Targeting;
import io.precis.matcher.delivery.DeliveryLedger;
import io.precis.matcher.match.AdQuery;
import io.precis.matcher.match.PageContext;
import io.precis.matcher.match.TargetingKind;
import io.precis.matcher.match.UserContext;
import io.precis.matcher.text.AnalysedText;
import io.precis.matcher.text.Phrase;
import io.precis.matcher.text.TextAnalysis;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The naive ad server: every campaign's rules evaluated one by one, straight from the campaign
 * as stored, with no index and no code shared with the matcher beyond the text analysis (the
 * specification says both sides use the same analysis). The oracle for the Lucene matcher.
 * (A copy lives in perf/ for the benchmark.)
 */
public final class BruteForceMatcher {
    private static final double EARTH_RADIUS_M = 6_371_008.7714;
    private final List<Campaign> campaigns;
    private final Map<String, Campaign> byId = new java.util.HashMap<>();
    private final DeliveryLedger ledger;
    private final TextAnalysis analysis;
    /** Keywords analysed once each, as any ad server would; the rules are still run one by one. */
    private final Map<String, Phrase> phrases = new java.util.concurrent.ConcurrentHashMap<>();

    public BruteForceMatcher(List<Campaign> campaigns, DeliveryLedger ledger, TextAnalysis analysis) {
        this.campaigns = List.copyOf(campaigns);
        campaigns.forEach(c -> byId.put(c.id(), c));
        this.ledger = ledger;
        this.analysis = analysis;
    }

    /** Campaign id → matched kinds, for every campaign that may serve {@code q}. */
    public Map<String, List<TargetingKind>> eligible(AdQuery q) {
        Page page = page(q.page());
        List<String> sites = sites(q.site());
        String format = q.slotFormat() == null || q.slotFormat().isBlank() ? null
                : q.slotFormat().strip().toLowerCase(Locale.ROOT);
        Map<String, List<TargetingKind>> out = new TreeMap<>();
        for (Campaign c : campaigns) {
            List<TargetingKind> kinds = check(c, q, page, sites, format);
            if (kinds != null) {
                out.put(c.id(), kinds);
            }
        }
        return out;
    }

    /** The id of the eligible campaign with the highest bid per impression (prior rates). */
    public String best(AdQuery q) {
        String best = null;
        double bestValue = -1;
        for (String id : eligible(q).keySet()) {
            Campaign c = byId(id);
            double v = c.bid().amount().doubleValue() * switch (c.bid().model()) {
                case CPM -> 0.001;
                case CPC -> 0.01;
                case CPA -> 0.0005;
            };
            if (cautioned(c, q.user())) {
                v *= c.targeting().audiences().cautionBidMultiplier();
            }
            if (v > bestValue) {
                bestValue = v;
                best = id;
            }
        }
        return best;
    }

    /** Whether the person is in one of the campaign's caution lists (whatever the consent). */
    private static boolean cautioned(Campaign c, UserContext u) {
        return c.targeting().audiences().caution().stream().anyMatch(u.audiences()::contains);
    }

    private Campaign byId(String id) {
        return byId.get(id);
    }

    private List<TargetingKind> check(Campaign c, AdQuery q, Page page, List<String> sites,
                                      String format) {
        Targeting t = c.targeting();
        if (c.status() != CampaignStatus.ACTIVE) {
            return null;
        }
        // A creative for the slot that the person may see: one without an audience, or one whose
        // audience (segments) they are in, which needs personalisation.
        java.util.Set<String> mine = q.purposes().personalisation() ? q.user().segments() : java.util.Set.of();
        if (c.creatives().stream().noneMatch(cr -> (format == null || cr.format().equals(format))
                && (cr.audience().isEmpty() || cr.audience().stream().anyMatch(mine::contains)))) {
            return null;
        }
        if (!t.sites().allow().isEmpty() && sites.stream().noneMatch(t.sites().allow()::contains)) {
            return null;
        }
        if (sites.stream().anyMatch(t.sites().block()::contains)) {
            return null;
        }
        var s = c.schedule();
        if (s.start() != null && q.now().isBefore(s.start())) {
            return null;
        }
        if (s.end() != null && !q.now().isBefore(s.end())) {
            return null;
        }
        if (!s.hours().isEmpty() && !s.hours().contains(q.now().atZone(s.timezone()).getHour())) {
            return null;
        }
        EnumSet<TargetingKind> kinds = EnumSet.noneOf(TargetingKind.class);
        UserContext u = q.user();
        boolean personal = q.purposes().personalisation();
        // Demographic
        if (!t.ageBands().isEmpty()) {
            if (!personal || u.yob() == null) {
                return null;
            }
            int age = q.now().atZone(ZoneOffset.UTC).getYear() - u.yob();
            if (t.ageBands().stream().map(AgeBand::parse).noneMatch(b -> b.contains(age))) {
                return null;
            }
        }
        if (!t.genders().isEmpty() && (!personal || u.gender() == null
                || !t.genders().contains(u.gender()))) {
            return null;
        }
        if (!t.regions().isEmpty()) {
            if (!personal || u.region() == null) {
                return null;
            }
            boolean in = false;
            for (String r : t.regions()) {
                if (u.region().equals(r) || u.region().startsWith(r + "-")) {
                    in = true;
                }
            }
            if (!in) {
                return null;
            }
        }
        if (t.isDemographic()) {
            kinds.add(TargetingKind.DEMOGRAPHIC);
        }
        // Behavioural
        Set<String> segments = personal ? u.segments() : Set.of();
        if (!t.segments().isEmpty()) {
            if (t.segments().stream().noneMatch(segments::contains)) {
                return null;
            }
            kinds.add(TargetingKind.BEHAVIOURAL);
        }
        if (t.excludeSegments().stream().anyMatch(segments::contains)) {
            return null;
        }
        // A trigger: its segment, which the person has only while it fired, and with personalisation
        if (t.trigger() != null && !segments.contains(io.precis.matcher.campaign.TriggerTargeting.segmentOf(c.id()))) {
            return null;
        }
        // Customer lists: include only with personalisation; exclude whatever the consent
        var lists = t.audiences();
        if (!lists.include().isEmpty()) {
            if (!personal || lists.include().stream().noneMatch(u.audiences()::contains)) {
                return null;
            }
            kinds.add(TargetingKind.AUDIENCE);
        }
        if (lists.exclude().stream().anyMatch(u.audiences()::contains)) {
            return null;
        }
        // Geo
        if (t.geo() != null) {
            GeoPoint g = u.geo();
            if (!q.purposes().preciseGeo() || g == null || !g.precise()
                    || distance(t.geo().lat(), t.geo().lon(), g.lat(), g.lon())
                    > t.geo().radiusKm() * 1000) {
                return null;
            }
            kinds.add(TargetingKind.GEO);
        }
        // Contextual
        for (String k : t.excludeKeywords()) {
            if (page.text.contains(phrase(k))) {
                return null;
            }
        }
        if (t.isContextual()) {
            boolean hit = false;
            for (String k : t.keywords()) {
                hit |= page.text.contains(phrase(k));
            }
            for (String cat : t.categories()) {
                hit |= page.categories.contains(cat.strip().toLowerCase(Locale.ROOT));
            }
            if (!hit) {
                return null;
            }
            kinds.add(TargetingKind.CONTEXTUAL);
        }
        // Delivery: caps and budgets
        FrequencyCap cap = c.frequencyCap();
        if (cap != null && (u.pseudonym() == null || ledger.impressionsSince(u.pseudonym(), c.id(),
                q.now().minus(Duration.ofHours(cap.perHours()))) >= cap.impressions())) {
            return null;
        }
        FrequencyCap caution = cautioned(c, u) ? lists.cautionFrequencyCap() : null;
        if (caution != null && (u.pseudonym() == null || ledger.impressionsSince(u.pseudonym(), c.id(),
                q.now().minus(Duration.ofHours(caution.perHours()))) >= caution.impressions())) {
            return null;
        }
        BigDecimal perEvent = c.bid().amount().multiply(BigDecimal.valueOf(1_000_000));
        if (c.bid().model() == io.precis.matcher.campaign.BidModel.CPM) {
            perEvent = perEvent.divide(BigDecimal.valueOf(1000));
        }
        long maxCharge = perEvent.setScale(0, java.math.RoundingMode.CEILING).longValueExact();
        if (c.budget().total() != null && micros(c.budget().total())
                - ledger.spentMicrosTotal(c.id()) < maxCharge) {
            return null;
        }
        if (c.budget().daily() != null && micros(c.budget().daily()) - ledger.spentMicrosOn(c.id(),
                q.now().atZone(s.timezone()).toLocalDate()) < maxCharge) {
            return null;
        }
        return List.copyOf(kinds);
    }

    private Phrase phrase(String keyword) {
        return phrases.computeIfAbsent(keyword, analysis::phrase);
    }

    private static long micros(BigDecimal d) {
        return d.multiply(BigDecimal.valueOf(1_000_000)).setScale(0, java.math.RoundingMode.HALF_UP)
                .longValueExact();
    }

    private static double distance(double lat1, double lon1, double lat2, double lon2) {
        double dLat = Math.toRadians(lat2 - lat1);
        double dLon = Math.toRadians(lon2 - lon1);
        double a = Math.pow(Math.sin(dLat / 2), 2) + Math.cos(Math.toRadians(lat1))
                * Math.cos(Math.toRadians(lat2)) * Math.pow(Math.sin(dLon / 2), 2);
        return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
    }

    private record Page(AnalysedText text, Set<String> categories) {
    }

    private Page page(PageContext p) {
        List<String> segments = new ArrayList<>(p.keywords());
        segments.add(p.title());
        if (p.text() != null) {
            segments.addAll(List.of(p.text().split("\\R")));
        }
        if (p.url() != null) {
            String decoded;
            try {
                decoded = URLDecoder.decode(p.url(), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                decoded = p.url();
            }
            segments.add(decoded.replaceAll("[^\\p{L}\\p{N}]+", " "));
        }
        segments.addAll(p.categories());
        Set<String> cats = new HashSet<>();
        p.categories().forEach(c -> cats.add(c.strip().toLowerCase(Locale.ROOT)));
        return new Page(analysis.analyse(segments), cats);
    }

    private static List<String> sites(String site) {
        List<String> out = new ArrayList<>();
        if (site == null || site.isBlank()) {
            return out;
        }
        String h = site.strip().toLowerCase(Locale.ROOT);
        if (h.contains("://")) {
            try {
                String host = java.net.URI.create(h).getHost();
                h = host == null ? h : host;
            } catch (IllegalArgumentException e) {
                // keep as given
            }
        }
        int colon = h.indexOf(':');
        if (colon >= 0) {
            h = h.substring(0, colon);
        }
        while (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.isEmpty()) {
            return out;
        }
        while (true) {
            out.add(h);
            int dot = h.indexOf('.');
            if (dot < 0) {
                return out;
            }
            h = h.substring(dot + 1);
        }
    }
}
