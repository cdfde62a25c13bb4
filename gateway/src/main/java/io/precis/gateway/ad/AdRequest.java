package io.precis.gateway.ad;

import io.precis.consent.identity.RawIp;
import io.precis.consent.identity.RawUserId;
import io.precis.consent.signals.GppString;
import io.precis.consent.signals.RequestConsent;
import io.precis.matcher.match.PageContext;

/**
 * One validated {@code POST /v1/ad}. The personal parts (user id, IP, demographics, location)
 * sit in {@link User} and {@link Device}, whose types redact themselves from strings; they are
 * pseudonymised, coarsened or consent-gated before matching and never stored. The TCF and GPP
 * strings, and whether GDPR applies, only set this request's purposes ({@link #consent}).
 */
public record AdRequest(String requestId, Slot slot, PageContext page, User user, Device device, String tcf,
                        int count, GppString gpp, boolean gdprApplies) {
    public AdRequest {
        gpp = gpp == null ? GppString.NONE : gpp;
    }

    /** A request not saying whether GDPR applies. */
    public AdRequest(String requestId, Slot slot, PageContext page, User user, Device device, String tcf,
                     int count, GppString gpp) {
        this(requestId, slot, page, user, device, tcf, count, gpp, false);
    }

    /** What this request says about consent. */
    public RequestConsent consent() {
        return new RequestConsent(tcf, gpp, gdprApplies);
    }

    /** A request without a GPP string. */
    public AdRequest(String requestId, Slot slot, PageContext page, User user, Device device, String tcf, int count) {
        this(requestId, slot, page, user, device, tcf, count, GppString.NONE);
    }

    @Override
    public String toString() {
        return "AdRequest[" + requestId + "]";
    }


    /** Where the ad goes. {@code site} falls back to the page URL's host. */
    public record Slot(String id, String format, String site) {}

    /** What the publisher knows of the user: personal data, unused until consent lands. */
    public record User(RawUserId id, Integer yob, String gender, String region, Double lat, Double lon) {
        @Override
        public String toString() {
            return "User[redacted]";
        }
    }

    /** The user's device: the IP is personal data. */
    public record Device(RawIp ip, String ua) {
        @Override
        public String toString() {
            return "Device[redacted]";
        }
    }
}
