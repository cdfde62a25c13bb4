package io.precis.matcher.campaign;

import static io.precis.matcher.campaign.JsonFields.decimal;
import static io.precis.matcher.campaign.JsonFields.instant;
import static io.precis.matcher.campaign.JsonFields.integer;
import static io.precis.matcher.campaign.JsonFields.member;
import static io.precis.matcher.campaign.JsonFields.nonBlank;
import static io.precis.matcher.campaign.JsonFields.object;
import static io.precis.matcher.campaign.JsonFields.strings;
import static io.precis.matcher.campaign.JsonFields.path;
import static io.precis.matcher.campaign.JsonFields.text;
import static io.precis.matcher.campaign.TargetingJson.required;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Campaigns to and from the JSON of API.md. {@link #fromRequest} enforces every rule a client
 * must follow; {@link #fromStored} reads back what {@link #toJson} wrote. Unknown fields are
 * ignored. Every failure is an {@link InvalidFieldException} naming the field.
 */
public final class CampaignJson {
    /** Long enough for a descriptive name, short enough for a dashboard table cell. */
    private static final int MAX_NAME = 200;
    /** Ids are ours or the client's creative ids; 100 characters is ample for either. */
    private static final int MAX_ID = 100;
    /** Bounds one campaign's size; real campaigns carry a handful of creatives. */
    private static final int MAX_CREATIVES = 100;
    private static final String DEFAULT_CURRENCY = "CNY";
    /** An offer's body text: an email paragraph; an SMS is far shorter. */
    private static final int MAX_TEXT = 1000;

    private CampaignJson() {
    }

    /**
     * A client's POST/PUT body as a campaign. Clients may set status only to active or paused.
     *
     * @param createdAt when the campaign was first created (now for a POST)
     * @param now the update time
     * @throws InvalidFieldException naming the first field that breaks a rule
     */
    public static Campaign fromRequest(JsonNode body, String id, String advertiserId,
                                       Instant createdAt, Instant now) {
        ObjectNode o = object(body, "");
        CampaignStatus status = CampaignStatus.ACTIVE;
        JsonNode s = member(o, "status");
        if (s != null) {
            status = CampaignStatus.fromJson(text(s, "status"));
            if (status != CampaignStatus.ACTIVE && status != CampaignStatus.PAUSED) {
                throw new InvalidFieldException("status", "must be one of active, paused");
            }
        }
        return withinMoneyLimits(read(o, id, advertiserId, status, createdAt, now));
    }

    /**
     * {@code c} when its bid and budgets are amounts the gateway can charge exactly: at most
     * {@link FieldRules#MONEY_DECIMALS} decimals and at most {@link FieldRules#MAX_BID} and
     * {@link FieldRules#MAX_BUDGET}. Checked on what clients send, not on stored campaigns
     * (read as they were accepted, so an older store still loads).
     */
    private static Campaign withinMoneyLimits(Campaign c) {
        FieldRules.money(c.bid().amount(), "bid.amount", FieldRules.MAX_BID);
        if (c.budget().total() != null) {
            FieldRules.money(c.budget().total(), "budget.total", FieldRules.MAX_BUDGET);
        }
        if (c.budget().daily() != null) {
            FieldRules.money(c.budget().daily(), "budget.daily", FieldRules.MAX_BUDGET);
        }
        return c;
    }

    /**
     * The {@code targeting} member of {@code body} (a campaign, or any object with one), validated
     * as a campaign's is; {@link Targeting#NONE} when absent. For previews of targeting that is
     * not saved as a campaign.
     *
     * @throws InvalidFieldException naming the offending field
     */
    public static Targeting targetingOf(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidFieldException("targeting", "must be inside a JSON object");
        }
        return TargetingJson.read((com.fasterxml.jackson.databind.node.ObjectNode) body);
    }

    /** A campaign as {@link #toJson} wrote it (with id, advertiserId, any status, timestamps). */
    public static Campaign fromStored(JsonNode json) {
        ObjectNode o = object(json, "");
        String id = text(required(o, "id", ""), "id");
        String advertiserId = text(required(o, "advertiserId", ""), "advertiserId");
        CampaignStatus status = CampaignStatus.fromJson(
                text(required(o, "status", ""), "status"));
        if (status == null) {
            throw new InvalidFieldException("status", "must be one of active, paused, archived");
        }
        Instant createdAt = instant(required(o, "createdAt", ""), "createdAt");
        Instant updatedAt = instant(required(o, "updatedAt", ""), "updatedAt");
        return read(o, id, advertiserId, status, createdAt, updatedAt);
    }

    /** The API.md shape plus {@code id}, {@code advertiserId}, {@code status} and timestamps. */
    public static ObjectNode toJson(Campaign c) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("id", c.id());
        o.put("advertiserId", c.advertiserId());
        o.put("name", c.name());
        o.put("goal", c.goal().jsonName());
        o.put("status", c.status().jsonName());
        o.putObject("bid").put("model", c.bid().model().name()).put("amount", c.bid().amount())
                .put("currency", c.bid().currency());
        ObjectNode budget = o.putObject("budget");
        putIfSet(budget, "total", c.budget().total());
        putIfSet(budget, "daily", c.budget().daily());
        ObjectNode schedule = o.putObject("schedule");
        if (c.schedule().start() != null) {
            schedule.put("start", c.schedule().start().toString());
        }
        if (c.schedule().end() != null) {
            schedule.put("end", c.schedule().end().toString());
        }
        var hours = schedule.putArray("hours");
        c.schedule().hours().forEach(hours::add);
        schedule.put("timezone", c.schedule().timezone().getId());
        if (c.frequencyCap() != null) {
            o.putObject("frequencyCap").put("impressions", c.frequencyCap().impressions())
                    .put("perHours", c.frequencyCap().perHours());
        }
        o.put("conversionCounting", c.conversionCounting().jsonName());
        if (c.holdout() > 0) {
            o.put("holdout", c.holdout());
        }
        if (!c.adCategories().isEmpty()) {
            var adCategories = o.putArray("adCategories");
            c.adCategories().forEach(adCategories::add);
        }
        if (c.contact().stopAfterConversion()) {
            o.put("stopAfterConversion", true);
            if (c.contact().conversionGroup() != null) {
                o.put("conversionGroup", c.contact().conversionGroup());
            }
        }
        var channels = o.putArray("channels");
        c.contact().channels().forEach(channels::add);
        o.set("targeting", TargetingJson.write(c.targeting()));
        var creatives = o.putArray("creatives");
        for (Creative cr : c.creatives()) {
            ObjectNode n = creatives.addObject().put("id", cr.id()).put("format", cr.format());
            if (cr.title() != null) {
                n.put("title", cr.title());
            }
            if (cr.imageUrl() != null) {
                n.put("imageUrl", cr.imageUrl());
            }
            n.put("landingUrl", cr.landingUrl());
            if (cr.text() != null) {
                n.put("text", cr.text());
            }
            if (!cr.audience().isEmpty()) {
                TargetingJson.array(n, "audience", cr.audience());
            }
        }
        o.put("createdAt", c.createdAt().toString());
        o.put("updatedAt", c.updatedAt().toString());
        return o;
    }

    private static Campaign read(ObjectNode o, String id, String advertiserId,
                                 CampaignStatus status, Instant createdAt, Instant updatedAt) {
        String name = nonBlank(required(o, "name", ""), "name", MAX_NAME);
        Goal goal = Goal.AWARENESS;
        JsonNode g = member(o, "goal");
        if (g != null) {
            goal = Goal.fromJson(text(g, "goal"));
            if (goal == null) {
                throw new InvalidFieldException("goal", "must be one of awareness, reach, conversion");
            }
        }
        Targeting targeting = TargetingJson.read(o);
        return new Campaign(id, advertiserId, name, goal, status, readBid(o), readBudget(o),
                readSchedule(o), readFrequencyCap(o), targeting, readCreatives(o, targeting),
                createdAt, updatedAt, readConversionCounting(o),
                JsonFields.strings(o, "adCategories", "", FieldRules.MAX_AD_CATEGORIES, FieldRules::iabCategory),
                readContact(o), readHoldout(o));
    }

    /**
     * {@code stopAfterConversion}, {@code conversionGroup} and {@code channels}; absent (and so
     * in every campaign stored before they existed) means {@link ContactRules#DEFAULT}.
     */
    private static ContactRules readContact(ObjectNode o) {
        JsonNode stop = member(o, "stopAfterConversion");
        if (stop != null && !stop.isBoolean()) {
            throw new InvalidFieldException("stopAfterConversion", "must be true or false");
        }
        boolean stops = stop != null && stop.booleanValue();
        JsonNode g = member(o, "conversionGroup");
        String group = g == null ? null : FieldRules.keyword(nonBlank(g, "conversionGroup", MAX_ID), "conversionGroup");
        if (group != null && !stops) {
            throw new InvalidFieldException("conversionGroup", "needs stopAfterConversion: true");
        }
        JsonNode ch = member(o, "channels");
        if (ch != null && ch.isArray() && ch.isEmpty()) {
            throw new InvalidFieldException("channels", "must name at least one channel");
        }
        List<String> channels = JsonFields.strings(o, "channels", "", ContactRules.CHANNELS.size() * 2,
                (value, path) -> {
                    if (!ContactRules.known(value)) {
                        throw new InvalidFieldException(path, "must be one of " + String.join(", ", ContactRules.CHANNELS));
                    }
                    return value;
                });
        return new ContactRules(stops, group, channels);
    }

    /** Absent (and so in every campaign stored before the field existed) means nobody is held out. */
    private static double readHoldout(ObjectNode o) {
        JsonNode n = member(o, "holdout");
        return n == null ? 0 : FieldRules.holdout(decimal(n, "holdout"), "holdout");
    }

    /** Absent (and so in every campaign stored before the field existed) means {@code one}. */
    private static ConversionCounting readConversionCounting(ObjectNode o) {
        JsonNode n = member(o, "conversionCounting");
        if (n == null) {
            return ConversionCounting.ONE;
        }
        ConversionCounting c = ConversionCounting.fromJson(text(n, "conversionCounting"));
        if (c == null) {
            throw new InvalidFieldException("conversionCounting", "must be one of one, every");
        }
        return c;
    }

    private static Bid readBid(ObjectNode o) {
        ObjectNode b = object(required(o, "bid", ""), "bid");
        BidModel model = BidModel.fromJson(text(required(b, "model", "bid"), "bid.model"));
        if (model == null) {
            throw new InvalidFieldException("bid.model", "must be one of CPM, CPC, CPA");
        }
        BigDecimal amount = decimal(required(b, "amount", "bid"), "bid.amount");
        if (amount.signum() <= 0) {
            throw new InvalidFieldException("bid.amount", "must be greater than 0");
        }
        JsonNode c = member(b, "currency");
        String currency = c == null ? DEFAULT_CURRENCY
                : FieldRules.currency(text(c, "bid.currency"), "bid.currency");
        return new Bid(model, amount, currency);
    }

    private static Budget readBudget(ObjectNode o) {
        JsonNode n = member(o, "budget");
        if (n == null) {
            return Budget.UNLIMITED;
        }
        ObjectNode b = object(n, "budget");
        return new Budget(money(b, "total"), money(b, "daily"));
    }

    private static BigDecimal money(ObjectNode budget, String name) {
        JsonNode n = member(budget, name);
        if (n == null) {
            return null;
        }
        BigDecimal d = decimal(n, "budget." + name);
        if (d.signum() < 0) {
            throw new InvalidFieldException("budget." + name, "must not be negative");
        }
        return d;
    }

    private static Schedule readSchedule(ObjectNode o) {
        JsonNode n = member(o, "schedule");
        if (n == null) {
            return Schedule.ALWAYS;
        }
        ObjectNode s = object(n, "schedule");
        JsonNode startNode = member(s, "start");
        JsonNode endNode = member(s, "end");
        Instant start = startNode == null ? null : instant(startNode, "schedule.start");
        Instant end = endNode == null ? null : instant(endNode, "schedule.end");
        if (start != null && end != null && !end.isAfter(start)) {
            throw new InvalidFieldException("schedule.end", "must be after schedule.start");
        }
        Set<Integer> hours = new TreeSet<>();
        JsonNode h = member(s, "hours");
        if (h != null) {
            if (!h.isArray()) {
                throw new InvalidFieldException("schedule.hours", "must be an array of integers");
            }
            for (int i = 0; i < h.size(); i++) {
                String p = "schedule.hours[" + i + "]";
                int hour = integer(h.get(i), p);
                if (hour < 0 || hour > 23) {
                    throw new InvalidFieldException(p, "must be an hour between 0 and 23");
                }
                hours.add(hour);
            }
        }
        ZoneId zone = Schedule.DEFAULT_ZONE;
        JsonNode z = member(s, "timezone");
        if (z != null) {
            try {
                zone = ZoneId.of(text(z, "schedule.timezone"));
            } catch (DateTimeException e) {
                throw new InvalidFieldException("schedule.timezone",
                        "must be a time zone such as Asia/Shanghai");
            }
        }
        return new Schedule(start, end, List.copyOf(hours), zone);
    }

    private static FrequencyCap readFrequencyCap(ObjectNode o) {
        JsonNode n = member(o, "frequencyCap");
        return n == null ? null : frequencyCap(n, "frequencyCap");
    }

    /** A frequency cap object at {@code p}, validated. */
    static FrequencyCap frequencyCap(JsonNode n, String p) {
        ObjectNode f = object(n, p);
        int impressions = integer(required(f, "impressions", p), p + ".impressions");
        int perHours = integer(required(f, "perHours", p), p + ".perHours");
        if (impressions < 1 || impressions > FrequencyCap.MAX_IMPRESSIONS) {
            throw new InvalidFieldException(p + ".impressions",
                    "must be between 1 and " + FrequencyCap.MAX_IMPRESSIONS);
        }
        if (perHours < 1 || perHours > FrequencyCap.MAX_HOURS) {
            throw new InvalidFieldException(p + ".perHours",
                    "must be between 1 and " + FrequencyCap.MAX_HOURS);
        }
        return new FrequencyCap(impressions, perHours);
    }

    private static List<Creative> readCreatives(ObjectNode o, Targeting targeting) {
        JsonNode n = required(o, "creatives", "");
        if (!n.isArray() || n.isEmpty()) {
            throw new InvalidFieldException("creatives", "must be a non-empty array");
        }
        if (n.size() > MAX_CREATIVES) {
            throw new InvalidFieldException("creatives",
                    "must have at most " + MAX_CREATIVES + " items");
        }
        List<Creative> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < n.size(); i++) {
            String p = "creatives[" + i + "]";
            ObjectNode c = object(n.get(i), p);
            String id = nonBlank(required(c, "id", p), path(p, "id"), MAX_ID);
            if (!ids.add(id)) {
                throw new InvalidFieldException(path(p, "id"), "duplicates another creative's id");
            }
            String format = FieldRules.format(text(required(c, "format", p), path(p, "format")),
                    path(p, "format"));
            if (!targeting.formats().isEmpty() && !targeting.formats().contains(format)) {
                throw new InvalidFieldException(path(p, "format"),
                        "must be one of targeting.formats " + targeting.formats());
            }
            JsonNode t = member(c, "title");
            String title = t == null ? null : text(t, path(p, "title"));
            if (title != null && title.length() > MAX_NAME) {
                throw new InvalidFieldException(path(p, "title"),
                        "must be at most " + MAX_NAME + " characters");
            }
            JsonNode img = member(c, "imageUrl");
            String imageUrl = img == null ? null
                    : FieldRules.httpUrl(text(img, path(p, "imageUrl")), path(p, "imageUrl"));
            String landing = FieldRules.httpUrl(
                    text(required(c, "landingUrl", p), path(p, "landingUrl")), path(p, "landingUrl"));
            List<String> audience = strings(c, "audience", p, FieldRules.MAX_LIST, FieldRules::keyword);
            JsonNode tx = member(c, "text");
            String text = tx == null ? null : text(tx, path(p, "text"));
            if (text != null && text.length() > MAX_TEXT) {
                throw new InvalidFieldException(path(p, "text"), "must be at most " + MAX_TEXT + " characters");
            }
            out.add(new Creative(id, format, title, imageUrl, landing, audience, text));
        }
        return out;
    }

    private static void putIfSet(ObjectNode o, String name, BigDecimal value) {
        if (value != null) {
            o.put(name, value);
        }
    }
}
