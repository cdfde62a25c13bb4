package io.precis.matcher.campaign;

import static io.precis.matcher.campaign.JsonFields.member;
import static io.precis.matcher.campaign.JsonFields.number;
import static io.precis.matcher.campaign.JsonFields.object;
import static io.precis.matcher.campaign.JsonFields.path;
import static io.precis.matcher.campaign.JsonFields.strings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.regex.Pattern;

/** Reads, validates and writes {@code targeting.audiences}. */
final class AudienceJson {
    private static final String P = "targeting.audiences";
    /** Audience ids are the gateway's random tokens: letters, digits, - and _. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** A campaign names a handful of lists; 100 is the most a deployment is sized for. */
    private static final int MAX_LISTS = 100;

    private AudienceJson() {
    }

    static AudienceTargeting read(ObjectNode targeting) {
        JsonNode n = member(targeting, "audiences");
        if (n == null) {
            return AudienceTargeting.NONE;
        }
        ObjectNode a = object(n, P);
        double multiplier = 1;
        JsonNode m = member(a, "cautionBidMultiplier");
        if (m != null) {
            multiplier = number(m, path(P, "cautionBidMultiplier"));
            // At most 1: a multiplier above would break the matcher's score upper bounds.
            if (!(multiplier > 0 && multiplier <= 1)) {
                throw new InvalidFieldException(path(P, "cautionBidMultiplier"),
                        "must be greater than 0 and at most 1");
            }
        }
        JsonNode cap = member(a, "cautionFrequencyCap");
        return new AudienceTargeting(
                strings(a, "include", P, MAX_LISTS, AudienceJson::id),
                strings(a, "exclude", P, MAX_LISTS, AudienceJson::id),
                strings(a, "caution", P, MAX_LISTS, AudienceJson::id),
                multiplier,
                cap == null ? null : CampaignJson.frequencyCap(cap, path(P, "cautionFrequencyCap")));
    }

    static ObjectNode write(AudienceTargeting t) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        TargetingJson.array(o, "include", t.include());
        TargetingJson.array(o, "exclude", t.exclude());
        TargetingJson.array(o, "caution", t.caution());
        o.put("cautionBidMultiplier", t.cautionBidMultiplier());
        if (t.cautionFrequencyCap() != null) {
            o.putObject("cautionFrequencyCap").put("impressions", t.cautionFrequencyCap().impressions())
                    .put("perHours", t.cautionFrequencyCap().perHours());
        }
        return o;
    }

    private static String id(String value, String path) {
        String s = value.strip();
        if (!ID.matcher(s).matches()) {
            throw new InvalidFieldException(path, "must be an audience id (letters, digits, - and _)");
        }
        return s;
    }
}
