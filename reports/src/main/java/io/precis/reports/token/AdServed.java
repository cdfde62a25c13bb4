package io.precis.reports.token;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One served ad, as its impression and click tokens carry it. Holds no user data.
 *
 * @param adId         random 128-bit id ({@code Randoms.token(16)}) shared by the ad's tokens
 * @param advertiserId owner of the campaign; reports show an advertiser only its own events
 * @param campaignId   campaign id
 * @param creativeId   creative id
 * @param slot         ad slot id; may be null
 * @param site         publisher site; may be null
 * @param matchedBy    targeting kinds the ad matched on; null is read as empty; copied
 * @param bidModel     {@code "CPM"}, {@code "CPC"} or {@code "CPA"}
 * @param priceMicros  price under the bid model in micro-units: CPM per 1000 impressions,
 *                     CPC per click, CPA per conversion
 * @param pseudonym    the user's measurement pseudonym, set only when the user gave the
 *                     {@code measurement} purpose; null otherwise. It links the ad's events to
 *                     one (pseudonymous) user for distinct-user thresholds and view-through
 * @param region       coarse user region, ISO 3166-1 alpha-2 optionally with a subdivision
 *                     ({@code CN}, {@code CN-11}); null when unknown
 * @param conversionLink the user's delivery pseudonym, carried by a click token only, only for
 *                     an ad of a campaign that stops after conversion and only when the user
 *                     gave {@code measurement}: an attributed conversion of the click then stops
 *                     the campaign's group for that person. Sealed like the rest of the token,
 *                     never stored with events; null otherwise
 * @param channel      where the ad was offered when not in an ad slot: {@code email}, {@code sms},
 *                     {@code app-push}, {@code call-centre} or {@code store} ({@code POST
 *                     /v1/decide}); null for an ad slot ({@link #WEB}). Reports break down by it
 */
public record AdServed(String adId, String advertiserId, String campaignId, String creativeId,
                       String slot, String site, List<String> matchedBy, String bidModel,
                       long priceMicros, String pseudonym, String region, String conversionLink, String channel) {
    /** The channel of an ad slot, the one a null {@link #channel} stands for. */
    public static final String WEB = "web";
    /** Channels are short lower-case names. */
    private static final Pattern CHANNEL = Pattern.compile("[a-z][a-z-]{0,15}");

    public static final Set<String> BID_MODELS = Set.of("CPM", "CPC", "CPA");
    /** Ids are short opaque strings; the cap keeps a token well inside a URL (< 1 KB). */
    static final int MAX_ID_CHARS = 128;
    /** Slot and site names are longer than ids (a site may be a host name). */
    static final int MAX_NAME_CHARS = 256;
    /** Targeting kinds are few (contextual, demographic, behavioural, geo, ...). */
    static final int MAX_MATCHED_BY = 16;
    /** One million currency units per event; also keeps price × 1000 (nanos) far from overflow. */
    public static final long MAX_PRICE_MICROS = 1_000_000_000_000L;
    /** Pseudonym's own cap (consent's {@code Pseudonym}). */
    static final int MAX_PSEUDONYM_CHARS = 128;
    /** ISO 3166-2 codes: country, then up to three letters or digits ({@code CN-11}, {@code US-CA}). */
    private static final Pattern REGION = Pattern.compile("[A-Z]{2}(-[A-Z0-9]{1,3})?");

    public AdServed {
        requireId("adId", adId);
        requireId("advertiserId", advertiserId);
        requireId("campaignId", campaignId);
        requireId("creativeId", creativeId);
        optionalName("slot", slot);
        optionalName("site", site);
        matchedBy = matchedBy == null ? List.of() : List.copyOf(matchedBy);
        if (matchedBy.size() > MAX_MATCHED_BY) {
            throw new IllegalArgumentException("too many matchedBy entries");
        }
        for (String m : matchedBy) {
            requireId("matchedBy", m);
        }
        if (!BID_MODELS.contains(bidModel)) {
            throw new IllegalArgumentException("bidModel must be CPM, CPC or CPA");
        }
        if (priceMicros < 0 || priceMicros > MAX_PRICE_MICROS) {
            throw new IllegalArgumentException("priceMicros out of range");
        }
        if (pseudonym != null && (pseudonym.isEmpty() || pseudonym.length() > MAX_PSEUDONYM_CHARS)) {
            throw new IllegalArgumentException("pseudonym must be 1.." + MAX_PSEUDONYM_CHARS + " chars");
        }
        if (region != null && !REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("region must be a coarse ISO 3166 code like CN-11");
        }
        if (conversionLink != null && (conversionLink.isEmpty() || conversionLink.length() > MAX_PSEUDONYM_CHARS)) {
            throw new IllegalArgumentException("conversionLink must be 1.." + MAX_PSEUDONYM_CHARS + " chars");
        }
        if (channel != null && (WEB.equals(channel) || !CHANNEL.matcher(channel).matches())) {
            throw new IllegalArgumentException("channel must be a short lower-case name other than web (null)");
        }
    }

    /** An ad served in an ad slot (no {@link #channel}). */
    public AdServed(String adId, String advertiserId, String campaignId, String creativeId,
                    String slot, String site, List<String> matchedBy, String bidModel, long priceMicros,
                    String pseudonym, String region, String conversionLink) {
        this(adId, advertiserId, campaignId, creativeId, slot, site, matchedBy, bidModel, priceMicros, pseudonym,
                region, conversionLink, null);
    }

    /** The report key of {@link #channel}: {@link #WEB} for an ad slot. */
    public String channelKey() {
        return channel == null ? WEB : channel;
    }

    /** An ad served without a conversion link (every impression token, most click tokens). */
    public AdServed(String adId, String advertiserId, String campaignId, String creativeId,
                    String slot, String site, List<String> matchedBy, String bidModel, long priceMicros,
                    String pseudonym, String region) {
        this(adId, advertiserId, campaignId, creativeId, slot, site, matchedBy, bidModel, priceMicros, pseudonym,
                region, null, null);
    }

    /** This ad with {@code link} as its {@link #conversionLink} (null: none). */
    public AdServed withConversionLink(String link) {
        return new AdServed(adId, advertiserId, campaignId, creativeId, slot, site, matchedBy, bidModel, priceMicros,
                pseudonym, region, link, channel);
    }

    /** This ad offered on {@code ch} ({@link #WEB} or null: an ad slot). */
    public AdServed withChannel(String ch) {
        return new AdServed(adId, advertiserId, campaignId, creativeId, slot, site, matchedBy, bidModel, priceMicros,
                pseudonym, region, conversionLink, WEB.equals(ch) ? null : ch);
    }

    /** An ad served without a user link and without a known region. */
    public AdServed(String adId, String advertiserId, String campaignId, String creativeId,
                    String slot, String site, List<String> matchedBy, String bidModel, long priceMicros) {
        this(adId, advertiserId, campaignId, creativeId, slot, site, matchedBy, bidModel, priceMicros, null, null);
    }

    /** This ad at another price (the same unit as {@link #priceMicros}): what it was billed at. */
    public AdServed withPriceMicros(long price) {
        return new AdServed(adId, advertiserId, campaignId, creativeId, slot, site, matchedBy, bidModel, price,
                pseudonym, region, conversionLink, channel);
    }

    /**
     * The report key of {@code matchedBy}: its distinct kinds sorted and joined by {@code "+"}
     * ({@code "behavioural+contextual"}), or {@code "untargeted"} when it is empty.
     */
    public String targetingKey() {
        if (matchedBy.isEmpty()) {
            return UNTARGETED;
        }
        return String.join("+", new TreeSet<>(matchedBy));
    }

    /** {@link #targetingKey()} of an ad that matched on nothing (run of network). */
    public static final String UNTARGETED = "untargeted";

    private static void requireId(String name, String value) {
        Objects.requireNonNull(value, name);
        if (value.isBlank() || value.length() > MAX_ID_CHARS) {
            throw new IllegalArgumentException(name + " must be 1.." + MAX_ID_CHARS + " chars");
        }
    }

    private static void optionalName(String name, String value) {
        if (value != null && value.length() > MAX_NAME_CHARS) {
            throw new IllegalArgumentException(name + " longer than " + MAX_NAME_CHARS);
        }
    }
}
