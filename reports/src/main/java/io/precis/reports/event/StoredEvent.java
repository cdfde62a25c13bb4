package io.precis.reports.event;

import io.precis.reports.token.AdServed;
import java.time.Instant;

/**
 * One events-table row, as the writer inserts it and reads back earlier ones.
 *
 * @param costNanos cost in 10^-9 currency units (see {@link EventSchema})
 * @param pseudonym measurement pseudonym of the user, only with measurement consent; may be null
 * @param region    coarse user region; may be null
 * @param channel   where the ad was offered ({@link AdServed#channelKey}); null is read as web
 */
record StoredEvent(String kind, Instant at, String advertiserId, String campaignId,
                   String creativeId, String slot, String site, String matchedBy,
                   String bidModel, long priceMicros, long costNanos, long valueMicros,
                   String currency, String eventName, boolean valid, String reason,
                   String clickId, String orderId, String dedupeKey, String pseudonym, String region,
                   String channel) {
    static final String IMPRESSION = "imp";
    static final String CLICK = "click";
    static final String CONVERSION = "conv";
    /** The ad tag rendered the ad: its viewability is measured (one row per ad, no cost). */
    static final String RENDERED = "rend";
    /** The ad tag saw the ad viewable (one row per ad, no cost). */
    static final String VIEWABLE = "view";
    /**
     * A "would have served" impression of a campaign whose lift test held the person out: the
     * ad the auction would have shown them (no cost, never an impression, in no roll-up).
     */
    static final String GHOST = "ghost";

    /**
     * A viewability row ({@link #RENDERED} or {@link #VIEWABLE}) of a served ad: no cost, and no
     * pseudonym, since a count of measured and viewable ads needs nobody's identity.
     */
    static StoredEvent measurement(String kind, Instant at, AdServed ad, String dedupeKey) {
        return new StoredEvent(kind, at, ad.advertiserId(), ad.campaignId(), ad.creativeId(),
                ad.slot(), ad.site(), String.join(",", ad.matchedBy()), ad.bidModel(),
                ad.priceMicros(), 0, 0, null, null, true, null, null, null, dedupeKey, null, ad.region(), ad.channelKey());
    }

    /** An impression or click row carrying the served ad's descriptive fields. */
    static StoredEvent ofAd(String kind, Instant at, AdServed ad, long costNanos, boolean valid,
                            String reason, String clickId, String dedupeKey) {
        return new StoredEvent(kind, at, ad.advertiserId(), ad.campaignId(), ad.creativeId(),
                ad.slot(), ad.site(), String.join(",", ad.matchedBy()), ad.bidModel(),
                ad.priceMicros(), costNanos, 0, null, null, valid, reason, clickId, null, dedupeKey,
                ad.pseudonym(), ad.region(), ad.channelKey());
    }
}
