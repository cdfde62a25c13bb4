package io.precis.gateway.ad;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The part of an OpenRTB 2.6 bid request Precis reads, bound by Jackson (unknown fields are
 * ignored, as OpenRTB asks of bidders). OpenRTB 2.5's places of the consent signals
 * ({@code user.ext.consent}, {@code regs.ext.gdpr}) are read too, as exchanges still send them.
 * Holds personal data (ids, IP, location): never logged ({@code toString} says nothing).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record OpenRtbRequest(String id, List<Imp> imp, Site site, App app, Device device, User user, Regs regs,
                      Integer tmax, List<String> cur, List<String> badv, List<String> bcat) {
    @Override
    public String toString() {
        return "OpenRtbRequest[redacted]";
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Imp(String id, Banner banner, String tagid, Double bidfloor, String bidfloorcur, Pmp pmp) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Banner(Integer w, Integer h, List<Format> format) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Format(Integer w, Integer h) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Pmp(@JsonProperty("private_auction") Integer privateAuction) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Site(String domain, String page, String keywords, List<String> kwarray, List<String> cat,
                Content content) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record App(String domain, String bundle, String keywords, List<String> kwarray, List<String> cat,
               Content content) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Content(String title, String keywords, List<String> kwarray, List<String> cat, String language) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Device(String ua, String ip, String ipv6, Geo geo, Integer dnt) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Geo(Double lat, Double lon, String country, String region) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record User(String id, String buyeruid, Integer yob, String gender, String consent, UserExt ext) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record UserExt(String consent) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Regs(Integer gdpr, String gpp, @JsonProperty("gpp_sid") List<Integer> gppSid, RegsExt ext) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record RegsExt(Integer gdpr, Integer gpc) {}
}
