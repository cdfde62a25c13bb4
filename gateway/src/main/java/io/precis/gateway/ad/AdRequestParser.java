package io.precis.gateway.ad;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.consent.crypto.Randoms;
import io.precis.consent.identity.RawIp;
import io.precis.consent.identity.RawUserId;
import io.precis.consent.signals.GppString;
import io.precis.gateway.http.ApiError;
import io.precis.gateway.http.Fields;
import io.precis.matcher.campaign.RegionCode;
import io.precis.matcher.match.PageContext;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.IDN;
import java.util.ArrayList;
import java.util.List;
import java.net.URI;
import java.time.Year;
import java.util.Locale;

/** Validates an ad request body into an {@link AdRequest}; 400 naming the field otherwise. */
public final class AdRequestParser {
    /** Most slots take one ad; ten covers carousels without letting one call scan everything. */
    static final int MAX_COUNT = 10;
    /** A page with more than ten ad slots is rare; each slot is a match of its own. */
    static final int MAX_SLOTS = 10;
    /** Page text beyond this adds little context and costs analysis time; the body limit caps it anyway. */
    private static final int MAX_TEXT = 60_000;
    /** A GPP string with a full TCF EU section and several US sections stays well under this. */
    private static final int MAX_GPP = 8192;
    /** GPP section ids are 6-bit-plus Fibonacci-coded integers; the registry's run to the low twenties. */
    private static final int MAX_GPP_SECTION_ID = 1024;
    private static final int MAX_GPP_SECTIONS = 64;

    private AdRequestParser() {}

    /** The {@code page} object of an ad request (or of a preview), validated; null gives an empty page. */
    public static PageContext page(JsonNode pageNode) {
        return new PageContext(
                Fields.text(pageNode, "url", "page.url", 2048),
                Fields.text(pageNode, "title", "page.title", 1000),
                Fields.texts(pageNode, "keywords", "page.keywords", 200, 200),
                Fields.texts(pageNode, "categories", "page.categories", 50, 100),
                Fields.text(pageNode, "text", "page.text", MAX_TEXT),
                Fields.text(pageNode, "lang", "page.lang", 35));
    }

    public static AdRequest parse(JsonNode body, String cookieUserId) {
        String requestId = Fields.text(body, "requestId", "requestId", 128);
        JsonNode slotNode = Fields.object(body, "slot", "slot");
        JsonNode pageNode = Fields.object(body, "page", "page");
        JsonNode userNode = Fields.object(body, "user", "user");
        JsonNode deviceNode = Fields.object(body, "device", "device");
        JsonNode consentNode = Fields.object(body, "consent", "consent");
        String tcf = Fields.text(consentNode, "tcf", "consent.tcf", 4096);
        GppString gpp = new GppString(Fields.text(consentNode, "gpp", "consent.gpp", MAX_GPP),
                Fields.integers(consentNode, "gppSid", "consent.gppSid", MAX_GPP_SECTIONS, -1, MAX_GPP_SECTION_ID));
        Boolean gdprApplies = Fields.bool(consentNode, "gdprApplies", "consent.gdprApplies");
        Integer count = Fields.integer(body, "count", "count", 1, MAX_COUNT);

        PageContext page = page(pageNode);

        AdRequest.Slot slot = slot(slotNode, "slot", page.url());

        String uid = Fields.text(userNode, "id", "user.id", 256);
        JsonNode geo = Fields.object(userNode, "geo", "user.geo");
        String region = Fields.text(userNode, "region", "user.region", 32);
        if (region != null && !region.isBlank()) {
            try {
                region = RegionCode.parse(region).value();
            } catch (IllegalArgumentException e) {
                throw ApiError.badField("user.region", "user.region must be a region code such as CN-11 or CN-11-0105");
            }
        }
        AdRequest.User user = new AdRequest.User(
                RawUserId.ofNullable(uid != null ? uid : cookieUserId),
                Fields.integer(userNode, "yob", "user.yob", 1900, Year.now().getValue()),
                Fields.text(userNode, "gender", "user.gender", 8),
                region == null || region.isBlank() ? null : region,
                Fields.number(geo, "lat", "user.geo.lat", -90, 90),
                Fields.number(geo, "lon", "user.geo.lon", -180, 180));
        AdRequest.Device device = new AdRequest.Device(
                RawIp.ofNullable(Fields.text(deviceNode, "ip", "device.ip", 64)),
                Fields.text(deviceNode, "ua", "device.ua", 1024));

        if (slotNode == null) {
            // Checked after the other fields, so that a body with several faults names the first.
            throw ApiError.badField("slot", "slot is required (an object with id, format and site)");
        }
        return new AdRequest(requestId != null ? requestId : Randoms.token(12), slot, page, user, device, tcf,
                count == null ? 1 : count, gpp, Boolean.TRUE.equals(gdprApplies));
    }

    /**
     * The slots of a multi-slot request ({@code "slots": [{id, format, site}, ...]}, the ad
     * tag's one request for a whole page): one {@link AdRequest} per slot, sharing the page,
     * user, device and consent; or null when the body has no {@code slots} (a one-slot request).
     */
    public static List<AdRequest> parseSlots(JsonNode body) {
        JsonNode slots = body == null ? null : body.get("slots");
        if (slots == null || slots.isNull()) {
            return null;
        }
        if (!slots.isArray() || slots.isEmpty() || slots.size() > MAX_SLOTS) {
            throw ApiError.badField("slots", "slots must be an array of 1 to " + MAX_SLOTS + " slot objects");
        }
        if (body.has("slot")) {
            throw ApiError.badField("slots", "give either slot or slots, not both");
        }
        String pageUrl = Fields.text(Fields.object(body, "page", "page"), "url", "page.url", 2048);
        List<AdRequest.Slot> each = new ArrayList<>(slots.size());
        for (int i = 0; i < slots.size(); i++) {
            String path = "slots[" + i + "]";
            if (!slots.get(i).isObject()) {
                throw ApiError.badField(path, path + " must be an object with id, format and site");
            }
            each.add(slot(slots.get(i), path, pageUrl));
        }
        ObjectNode first = ((ObjectNode) body).deepCopy();
        first.remove("slots");
        first.set("slot", slots.get(0));
        AdRequest base = parse(first, null);
        return each.stream().map(slot -> new AdRequest(base.requestId(), slot, base.page(), base.user(),
                base.device(), base.tcf(), base.count(), base.gpp())).toList();
    }

    /** A slot object at {@code path} ({@code slot} or {@code slots[i]}); its site defaults to the page's host. */
    private static AdRequest.Slot slot(JsonNode slotNode, String path, String pageUrl) {
        String site = Fields.text(slotNode, "site", path + ".site", 253);
        if (site != null && !isHostName(site)) {
            // The site reaches advertisers' reports (and their spreadsheets): a host name only.
            throw ApiError.badField(path + ".site", path + ".site must be a host name such as news.example");
        }
        if (site == null) {
            site = hostOf(pageUrl);
        }
        return new AdRequest.Slot(
                Fields.text(slotNode, "id", path + ".id", 128),
                Fields.text(slotNode, "format", path + ".format", 64),
                site == null ? null : site.toLowerCase(Locale.ROOT));
    }

    /**
     * Whether {@code site} is a host name: LDH labels (letters, digits and inner hyphens, 1 to 63
     * characters: RFC 1035 §2.3.1, RFC 1123), internationalised names in their ASCII form after
     * IDNA, at most 253 characters, an optional final dot. A name already in ASCII, as sites
     * nearly always are, is checked as it is: IDNA leaves ASCII labels unchanged and refuses the
     * same ones (its STD3 rules are the LDH rule), and {@link IDN#toASCII} was about 3% of the
     * event loops' time under load.
     */
    static boolean isHostName(String site) {
        String ascii = site;
        if (!site.chars().allMatch(c -> c < 0x80)) {
            try {
                ascii = IDN.toASCII(site, IDN.USE_STD3_ASCII_RULES);
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        int end = ascii.endsWith(".") ? ascii.length() - 1 : ascii.length();
        if (end == 0 || end > 253) {
            return false;
        }
        for (int from = 0; from <= end; ) {
            int dot = ascii.indexOf('.', from);
            int to = dot < 0 || dot > end ? end : dot;
            if (!isLdhLabel(ascii, from, to)) {
                return false;
            }
            from = to + 1;
        }
        return true;
    }

    /** Whether {@code s[from, to)} is one LDH label: 1 to 63 letters, digits and inner hyphens. */
    private static boolean isLdhLabel(String s, int from, int to) {
        if (to - from < 1 || to - from > 63 || s.charAt(from) == '-' || s.charAt(to - 1) == '-') {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static String hostOf(String url) {
        if (url == null) {
            return null;
        }
        try {
            return URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            throw ApiError.badField("page.url", "page.url must be a valid URL");
        }
    }
}
