package io.precis.gateway.ad;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.precis.consent.identity.RawUserId;
import io.precis.gateway.http.ApiError;
import io.precis.gateway.http.JsonBodies;
import java.math.BigDecimal;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How an OpenRTB 2.6 bid request becomes {@code /v1/ad} requests: one per banner size of an
 * impression, validated by the same {@link AdRequestParser} (a field it refuses is named by its
 * OpenRTB path), and the bid rules around them ({@link OpenRtbRules}: currency, floor, blocked
 * advertiser domains and categories; no bid in private auctions). Immutable.
 */
final class OpenRtbMapping {
    /** OpenRTB: "If no currency is specified, USD is the default" (for {@code cur} and {@code bidfloorcur}). */
    static final String DEFAULT_CURRENCY = "USD";
    /** {@code /v1/ad} fields and the OpenRTB fields they come from, for error messages. */
    private static final Map<String, String> SOURCES = Map.ofEntries(
            Map.entry("slot.id", "imp.tagid"), Map.entry("slot.format", "imp.banner"),
            Map.entry("slot.site", "site.domain"), Map.entry("page.url", "site.page"),
            Map.entry("page.title", "site.content.title"), Map.entry("page.keywords", "site.keywords"),
            Map.entry("page.categories", "site.cat"), Map.entry("page.lang", "site.content.language"),
            Map.entry("user.id", "user.buyeruid"), Map.entry("user.yob", "user.yob"),
            Map.entry("user.gender", "user.gender"), Map.entry("user.region", "device.geo.region"),
            Map.entry("user.geo", "device.geo"), Map.entry("user.geo.lat", "device.geo.lat"),
            Map.entry("user.geo.lon", "device.geo.lon"), Map.entry("device.ip", "device.ip"),
            Map.entry("device.ua", "device.ua"), Map.entry("consent.tcf", "user.consent"),
            Map.entry("consent.gpp", "regs.gpp"), Map.entry("consent.gppSid", "regs.gpp_sid"));

    private final OpenRtbRequest request;
    private final ObjectNode common;
    private final AdRoutes.Reader reader;
    private final AdRoutes.Signals signals;
    private final Set<String> currencies;
    private final List<String> blockedDomains;
    private final List<String> blockedCategories;

    private OpenRtbMapping(OpenRtbRequest request, ObjectNode common, AdRoutes.Reader reader,
                           AdRoutes.Signals signals, Set<String> currencies, List<String> blockedDomains,
                           List<String> blockedCategories) {
        this.request = request;
        this.common = common;
        this.reader = reader;
        this.signals = signals;
        this.currencies = currencies;
        this.blockedDomains = blockedDomains;
        this.blockedCategories = blockedCategories;
    }

    /** The mapping of {@code r}; {@code gpcHeader} and {@code dntHeader}: the HTTP request's own signals. */
    static OpenRtbMapping of(OpenRtbRequest r, boolean gpcHeader, boolean dntHeader) {
        ObjectNode body = JsonBodies.MAPPER.createObjectNode();
        body.put("requestId", r.id().length() <= 128 ? r.id() : r.id().substring(0, 128));
        page(r, body.putObject("page"));
        user(r, body.putObject("user"));
        var device = r.device();
        if (device != null) {
            ObjectNode d = body.putObject("device");
            d.put("ua", device.ua());
            d.put("ip", device.ip() != null ? device.ip() : device.ipv6());
        }
        consent(r, body.putObject("consent"));
        var regs = r.regs();
        boolean gpc = gpcHeader || regs != null && regs.ext() != null && Integer.valueOf(1).equals(regs.ext().gpc());
        boolean dnt = dntHeader || device != null && Integer.valueOf(1).equals(device.dnt());
        String id = r.user() == null ? null : r.user().buyeruid() != null ? r.user().buyeruid() : r.user().id();
        AdRoutes.Reader reader = id == null || id.isBlank() ? AdRoutes.Reader.NONE
                : new AdRoutes.Reader(RawUserId.ofNullable(id), false);
        Set<String> currencies = r.cur() == null || r.cur().isEmpty() ? Set.of(DEFAULT_CURRENCY)
                : Set.copyOf(r.cur().stream().filter(c -> c != null).map(c -> c.toUpperCase(Locale.ROOT)).toList());
        return new OpenRtbMapping(r, body, reader, new AdRoutes.Signals(gpc, dnt), currencies,
                r.badv() == null ? List.of() : r.badv().stream().filter(d -> d != null)
                        .map(d -> d.strip().toLowerCase(Locale.ROOT)).toList(),
                r.bcat() == null ? List.of() : r.bcat().stream().filter(c -> c != null && !c.isBlank())
                        .map(String::strip).toList());
    }

    private static void page(OpenRtbRequest r, ObjectNode page) {
        var site = r.site();
        var app = r.app();
        var content = site != null ? site.content() : app != null ? app.content() : null;
        Set<String> keywords = new LinkedHashSet<>();
        Set<String> categories = new LinkedHashSet<>();
        if (site != null) {
            page.put("url", site.page());
            words(site.keywords(), site.kwarray(), keywords);
            addAll(site.cat(), categories);
        }
        if (app != null) {
            words(app.keywords(), app.kwarray(), keywords);
            addAll(app.cat(), categories);
        }
        if (content != null) {
            page.put("title", content.title());
            page.put("lang", content.language());
            words(content.keywords(), content.kwarray(), keywords);
            addAll(content.cat(), categories);
        }
        ArrayNode k = page.putArray("keywords");
        keywords.stream().limit(200).forEach(k::add);
        ArrayNode c = page.putArray("categories");
        categories.stream().limit(50).forEach(c::add);
    }

    /** {@code keywords} is comma-separated in OpenRTB; {@code kwarray} (2.6) is a list. */
    private static void words(String csv, List<String> list, Set<String> out) {
        if (csv != null) {
            for (String w : csv.split(",")) {
                if (!w.isBlank()) {
                    out.add(w.strip());
                }
            }
        }
        addAll(list, out);
    }

    private static void addAll(List<String> values, Set<String> out) {
        if (values != null) {
            values.stream().filter(v -> v != null && !v.isBlank()).forEach(v -> out.add(v.strip()));
        }
    }

    private static void user(OpenRtbRequest r, ObjectNode user) {
        var u = r.user();
        if (u != null) {
            String id = u.buyeruid() != null ? u.buyeruid() : u.id();
            user.put("id", id);
            if (u.yob() != null) {
                user.put("yob", u.yob());
            }
            if (u.gender() != null) {
                // OpenRTB: M, F, O; Precis: m, f, x.
                user.put("gender", switch (u.gender().toUpperCase(Locale.ROOT)) {
                    case "M" -> "m";
                    case "F" -> "f";
                    default -> "x";
                });
            }
        }
        var geo = r.device() == null ? null : r.device().geo();
        if (geo != null) {
            if (geo.lat() != null && geo.lon() != null) {
                user.putObject("geo").put("lat", geo.lat()).put("lon", geo.lon());
            }
            // China's provinces by their GB/T 2260 number (OpenRTB: ISO 3166-2 subdivision code).
            if (geo.region() != null && ("CHN".equalsIgnoreCase(geo.country()) || "CN".equalsIgnoreCase(geo.country()))
                    && geo.region().matches("[0-9]{2}")) {
                user.put("region", "CN-" + geo.region());
            }
        }
    }

    private static void consent(OpenRtbRequest r, ObjectNode consent) {
        var u = r.user();
        String tcf = u == null ? null : u.consent() != null ? u.consent() : u.ext() == null ? null : u.ext().consent();
        var regs = r.regs();
        Integer gdpr = regs == null ? null : regs.gdpr() != null ? regs.gdpr() : regs.ext() == null ? null : regs.ext().gdpr();
        consent.put("tcf", tcf);
        // GDPR applying is a signal of its own: without a consent string, no purpose is granted.
        consent.put("gdprApplies", Integer.valueOf(1).equals(gdpr));
        if (regs != null && regs.gpp() != null) {
            consent.put("gpp", regs.gpp());
            ArrayNode sid = consent.putArray("gppSid");
            if (regs.gppSid() != null) {
                regs.gppSid().forEach(sid::add);
            }
        }
    }

    AdRoutes.Reader reader() {
        return reader;
    }

    AdRoutes.Signals signals() {
        return signals;
    }

    /**
     * One {@code /v1/ad} request per banner size of {@code imp}, {@code banner.w}×{@code h}
     * first, then {@code banner.format[]} in order, as slot format {@code banner-WxH}; none for
     * an impression without a banner (video, audio, native).
     */
    List<AdRequest> adRequests(OpenRtbRequest.Imp imp) {
        var banner = imp.banner();
        if (banner == null) {
            return List.of();
        }
        Set<String> formats = new LinkedHashSet<>();
        addFormat(banner.w(), banner.h(), formats);
        if (banner.format() != null) {
            banner.format().stream().filter(f -> f != null).forEach(f -> addFormat(f.w(), f.h(), formats));
        }
        List<AdRequest> out = new ArrayList<>(formats.size());
        for (String format : formats) {
            ObjectNode body = common.deepCopy();
            body.putObject("slot").put("id", imp.tagid() != null && imp.tagid().length() <= 128 ? imp.tagid() : imp.id())
                    .put("format", format).put("site", site(request));
            body.put("count", 1);
            out.add(parse(body));
        }
        return out;
    }

    private static void addFormat(Integer w, Integer h, Set<String> formats) {
        if (w != null && h != null && w > 0 && h > 0 && w <= 10_000 && h <= 10_000) {
            formats.add("banner-" + w + "x" + h);
        }
    }

    /** {@code site.domain}, else {@code app.domain}: a host name or nothing (the page URL's host then). */
    private static String site(OpenRtbRequest r) {
        String domain = r.site() != null ? r.site().domain() : r.app() != null ? r.app().domain() : null;
        return domain != null && AdRequestParser.isHostName(domain) ? domain : null;
    }

    private static AdRequest parse(ObjectNode body) {
        try {
            return AdRequestParser.parse(body, null);
        } catch (ApiError e) {
            if (e.field() == null) {
                throw e;
            }
            String source = SOURCES.getOrDefault(e.field(), e.field());
            throw ApiError.badField(source, source + ": " + e.getMessage());
        }
    }

    /** The {@code banner-WxH} format's width and height. */
    static int[] size(String format) {
        String[] wh = format.substring("banner-".length()).split("x");
        return new int[] {Integer.parseInt(wh[0]), Integer.parseInt(wh[1])};
    }

    /**
     * The bid rules of {@code imp} ({@link OpenRtbRules}), or null when Precis does not bid on
     * it at all: a private auction ({@code pmp.private_auction} = 1; Precis has no deals).
     */
    OpenRtbRules rules(OpenRtbRequest.Imp imp) {
        if (imp.pmp() != null && Integer.valueOf(1).equals(imp.pmp().privateAuction())) {
            return null;
        }
        boolean floored = imp.bidfloor() != null && imp.bidfloor() > 0;
        String floorCurrency = !floored ? null
                : imp.bidfloorcur() == null ? DEFAULT_CURRENCY : imp.bidfloorcur().toUpperCase(Locale.ROOT);
        return new OpenRtbRules(currencies, blockedDomains, blockedCategories,
                floored ? BigDecimal.valueOf(imp.bidfloor()) : null, floorCurrency);
    }

    /** The host of a landing URL without {@code www.}, lower case; null when it has none. */
    static String landingDomain(String landingUrl) {
        if (landingUrl == null) {
            return null;
        }
        try {
            String host = URI.create(landingUrl).getHost();
            if (host == null) {
                return null;
            }
            host = host.toLowerCase(Locale.ROOT);
            return host.startsWith("www.") ? host.substring(4) : host;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
