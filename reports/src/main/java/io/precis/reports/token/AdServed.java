package io.precis.reports.token;

import java.util.List;
import java.util.Objects;
import java.util.Set;

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
 */
public record AdServed(String adId, String advertiserId, String campaignId, String creativeId,
                       String slot, String site, List<String> matchedBy, String bidModel,
                       long priceMicros) {

    public static final Set<String> BID_MODELS = Set.of("CPM", "CPC", "CPA");
    /** Ids are short opaque strings; the cap keeps a token well inside a URL (< 1 KB). */
    static final int MAX_ID_CHARS = 128;
    /** Slot and site names are longer than ids (a site may be a host name). */
    static final int MAX_NAME_CHARS = 256;
    /** Targeting kinds are few (contextual, demographic, behavioural, geo, ...). */
    static final int MAX_MATCHED_BY = 16;
    /** One million currency units per event; also keeps price × 1000 (nanos) far from overflow. */
    public static final long MAX_PRICE_MICROS = 1_000_000_000_000L;

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
    }

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
