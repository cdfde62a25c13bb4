package io.precis.matcher.campaign;

import static io.precis.matcher.campaign.JsonFields.member;
import static io.precis.matcher.campaign.JsonFields.number;
import static io.precis.matcher.campaign.JsonFields.object;
import static io.precis.matcher.campaign.JsonFields.path;
import static io.precis.matcher.campaign.JsonFields.strings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Reads, validates and writes the {@code targeting} object of a campaign. */
final class TargetingJson {
    private static final String P = "targeting";
    /** Earth's circumference is 40,000 km; beyond 1000 km a "radius" is really a region. */
    private static final double MAX_RADIUS_KM = 1000;

    private TargetingJson() {
    }

    static Targeting read(ObjectNode campaign) {
        JsonNode n = member(campaign, P);
        if (n == null) {
            return Targeting.NONE;
        }
        ObjectNode t = object(n, P);
        int max = FieldRules.MAX_LIST;
        return new Targeting(
                strings(t, "keywords", P, max, FieldRules::keyword),
                strings(t, "excludeKeywords", P, max, FieldRules::keyword),
                strings(t, "categories", P, max, FieldRules::keyword),
                strings(t, "ageBands", P, max, FieldRules::ageBand),
                strings(t, "genders", P, max, FieldRules::gender),
                strings(t, "regions", P, max, FieldRules::region),
                strings(t, "segments", P, max, FieldRules::keyword),
                strings(t, "excludeSegments", P, max, FieldRules::keyword),
                readGeo(t),
                readSites(t),
                strings(t, "formats", P, max, FieldRules::format),
                AudienceJson.read(t),
                readTrigger(t));
    }

    /** {@code targeting.trigger}: {"events": [...], "keywords": [...], "withinMinutes": n}. */
    private static TriggerTargeting readTrigger(ObjectNode t) {
        String p = path(P, "trigger");
        JsonNode n = member(t, "trigger");
        if (n == null) {
            return null;
        }
        ObjectNode g = object(n, p);
        List<String> events = strings(g, "events", p, TriggerTargeting.EVENT_TYPES.size(), (v, at) -> {
            if (!TriggerTargeting.EVENT_TYPES.contains(v)) {
                throw new InvalidFieldException(at, "must be one of view, search, cart, purchase");
            }
            return v;
        });
        List<String> keywords = strings(g, "keywords", p, FieldRules.MAX_LIST, FieldRules::keyword);
        double minutes = number(required(g, "withinMinutes", p), path(p, "withinMinutes"));
        if (minutes != Math.rint(minutes) || minutes < 1 || minutes > TriggerTargeting.MAX_MINUTES) {
            throw new InvalidFieldException(path(p, "withinMinutes"),
                    "must be a whole number of minutes from 1 to " + TriggerTargeting.MAX_MINUTES);
        }
        if (events.isEmpty() && keywords.isEmpty()) {
            throw new InvalidFieldException(p, "needs events, keywords or both");
        }
        return new TriggerTargeting(events, keywords, (int) minutes);
    }

    private static Geo readGeo(ObjectNode t) {
        String p = path(P, "geo");
        JsonNode n = member(t, "geo");
        if (n == null) {
            return null;
        }
        ObjectNode g = object(n, p);
        double lat = number(required(g, "lat", p), path(p, "lat"));
        double lon = number(required(g, "lon", p), path(p, "lon"));
        double radius = number(required(g, "radiusKm", p), path(p, "radiusKm"));
        if (lat < -90 || lat > 90) {
            throw new InvalidFieldException(path(p, "lat"), "must be between -90 and 90");
        }
        if (lon < -180 || lon > 180) {
            throw new InvalidFieldException(path(p, "lon"), "must be between -180 and 180");
        }
        if (!(radius > 0 && radius <= MAX_RADIUS_KM)) {
            throw new InvalidFieldException(path(p, "radiusKm"),
                    "must be greater than 0 and at most " + (int) MAX_RADIUS_KM);
        }
        return new Geo(lat, lon, radius);
    }

    private static Sites readSites(ObjectNode t) {
        String p = path(P, "sites");
        JsonNode n = member(t, "sites");
        if (n == null) {
            return Sites.ANY;
        }
        ObjectNode s = object(n, p);
        return new Sites(strings(s, "allow", p, FieldRules.MAX_LIST, FieldRules::host),
                strings(s, "block", p, FieldRules.MAX_LIST, FieldRules::host));
    }

    static JsonNode required(ObjectNode o, String name, String parent) {
        JsonNode n = member(o, name);
        if (n == null) {
            throw new InvalidFieldException(path(parent, name), "is required");
        }
        return n;
    }

    static ObjectNode write(Targeting t) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        array(o, "keywords", t.keywords());
        array(o, "excludeKeywords", t.excludeKeywords());
        array(o, "categories", t.categories());
        array(o, "ageBands", t.ageBands());
        array(o, "genders", t.genders());
        array(o, "regions", t.regions());
        array(o, "segments", t.segments());
        array(o, "excludeSegments", t.excludeSegments());
        if (t.geo() != null) {
            o.putObject("geo").put("lat", t.geo().lat()).put("lon", t.geo().lon())
                    .put("radiusKm", t.geo().radiusKm());
        }
        ObjectNode sites = o.putObject("sites");
        array(sites, "allow", t.sites().allow());
        array(sites, "block", t.sites().block());
        array(o, "formats", t.formats());
        if (t.audiences().any()) {
            o.set("audiences", AudienceJson.write(t.audiences()));
        }
        if (t.trigger() != null) {
            ObjectNode g = o.putObject("trigger");
            array(g, "events", t.trigger().events());
            array(g, "keywords", t.trigger().keywords());
            g.put("withinMinutes", t.trigger().withinMinutes());
        }
        return o;
    }

    static void array(ObjectNode o, String name, List<String> values) {
        var a = o.putArray(name);
        values.forEach(a::add);
    }
}
