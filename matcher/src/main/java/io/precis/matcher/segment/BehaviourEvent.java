package io.precis.matcher.segment;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.matcher.campaign.InvalidFieldException;
import io.precis.matcher.delivery.Money;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One thing a user did on a publisher's site, as {@code POST /v1/behaviour} reports it.
 *
 * @param ts when it happened
 * @param url may be null
 * @param text may be null (e.g. the viewed item's title)
 * @param query may be null (the search query)
 * @param category may be null
 * @param valueMicros the purchase or cart value in micros (1 unit = 1,000,000); 0 when none
 */
public record BehaviourEvent(Type type, Instant ts, String url, String text, String query,
                             String category, long valueMicros) {
    /** At most this many events per call: bounds one request's analysis and storage work. */
    public static final int MAX_EVENTS = 1000;
    /** Client clocks run ahead a little; beyond this an event "from the future" is an error. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    /** Browsers and CDNs handle URLs up to about 2 KB reliably. */
    static final int MAX_URL = 2048;
    /** A product title or snippet; the topic of an item shows well within 4,000 characters. */
    static final int MAX_TEXT = 4000;
    /** Search boxes rarely take more than a few hundred characters. */
    static final int MAX_QUERY = 500;
    /** Same bound as campaign categories (a keyword). */
    static final int MAX_CATEGORY = 100;
    /** One event's value at most 1 billion units: far above any real basket, fits in micros. */
    static final BigDecimal MAX_VALUE = BigDecimal.valueOf(1_000_000_000L);

    /**
     * What the user did. JSON spells it lower case. {@code VISIT} is never sent: the gateway
     * makes it from an event's location inside a registered place ({@link PlaceVisits}).
     */
    public enum Type {
        VIEW, SEARCH, CART, PURCHASE, VISIT;

        /** The JSON spelling ({@code "view"}). */
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Type fromJson(String s) {
            for (Type t : values()) {
                if (t != VISIT && t.jsonName().equals(s)) {
                    return t;
                }
            }
            return null;
        }
    }

    public BehaviourEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(ts, "ts");
        if (valueMicros < 0) {
            throw new IllegalArgumentException("valueMicros must not be negative");
        }
    }

    /** This event with {@code query} as its search query. */
    public BehaviourEvent withQuery(String query) {
        return new BehaviourEvent(type, ts, url, text, query, category, valueMicros);
    }

    /**
     * One event of a batch that was refused on its own, the others being kept.
     *
     * @param index its position in the {@code events} array
     * @param field the offending field, e.g. {@code events[3].ts}
     * @param message why, without the value sent
     */
    public record Rejected(int index, String field, String message) {}

    /**
     * A parsed {@code events} array: the events to keep, and those refused one by one.
     *
     * @param locations where each kept event happened, by the same index, or null: never part
     *     of the event, so nothing that stores events can keep it
     */
    public record Batch(List<BehaviourEvent> events, List<Rejected> rejected, List<Location> locations) {
        public Batch {
            events = List.copyOf(events);
            rejected = List.copyOf(rejected);
            locations = java.util.Collections.unmodifiableList(new ArrayList<>(locations));
            if (locations.size() != events.size()) {
                throw new IllegalArgumentException("one location (or null) per event");
            }
        }
    }

    /** An event's location, as sent; matched against places, then dropped. */
    public record Location(double lat, double lon) {
        @Override
        public String toString() {
            return "Location[redacted]";
        }
    }

    /**
     * The {@code events} array of a behaviour call. An event without {@code ts} happened at
     * {@code now} (when it was received). An event more than {@link #MAX_CLOCK_SKEW} ahead of
     * {@code now} is refused alone, in {@link Batch#rejected()}; any other fault refuses the
     * whole call.
     *
     * @param now the receiving time
     * @throws InvalidFieldException naming {@code events} or {@code events[i].field}
     */
    public static Batch parseEvents(JsonNode eventsArray, Instant now) {
        if (eventsArray == null || !eventsArray.isArray()) {
            throw new InvalidFieldException("events", "must be an array of events");
        }
        if (eventsArray.size() > MAX_EVENTS) {
            throw new InvalidFieldException("events", "must have at most " + MAX_EVENTS + " items");
        }
        List<BehaviourEvent> out = new ArrayList<>(eventsArray.size());
        List<Rejected> rejected = new ArrayList<>();
        List<Location> locations = new ArrayList<>(eventsArray.size());
        for (int i = 0; i < eventsArray.size(); i++) {
            BehaviourEvent e = parse(eventsArray.get(i), "events[" + i + "]", now);
            Location at = location(eventsArray.get(i).get("location"), "events[" + i + "].location");
            if (e.ts().isAfter(now.plus(MAX_CLOCK_SKEW))) {
                rejected.add(new Rejected(i, "events[" + i + "].ts",
                        "events[" + i + "].ts must not be more than " + MAX_CLOCK_SKEW.toMinutes()
                                + " minutes in the future"));
            } else {
                out.add(e);
                locations.add(at);
            }
        }
        return new Batch(out, rejected, locations);
    }

    /** {@code {"lat": …, "lon": …}} or absent; the error never repeats the value sent. */
    private static Location location(JsonNode n, String path) {
        if (n == null || n.isNull()) {
            return null;
        }
        JsonNode lat = n.isObject() ? n.get("lat") : null;
        JsonNode lon = n.isObject() ? n.get("lon") : null;
        if (lat == null || lon == null || !lat.isNumber() || !lon.isNumber()
                || !(lat.doubleValue() >= -90 && lat.doubleValue() <= 90)
                || !(lon.doubleValue() >= -180 && lon.doubleValue() <= 180)) {
            throw new InvalidFieldException(path,
                    "must be {\"lat\": -90 to 90, \"lon\": -180 to 180}");
        }
        return new Location(lat.doubleValue(), lon.doubleValue());
    }

    private static BehaviourEvent parse(JsonNode n, String p, Instant now) {
        if (n == null || !n.isObject()) {
            throw new InvalidFieldException(p, "must be a JSON object");
        }
        String typeText = string(n, "type", p, 20);
        if (typeText == null) {
            throw new InvalidFieldException(p + ".type", "is required");
        }
        Type type = Type.fromJson(typeText);
        if (type == null) {
            throw new InvalidFieldException(p + ".type", "must be one of view, search, cart, purchase");
        }
        String tsText = string(n, "ts", p, 64);
        Instant ts = now;
        if (tsText != null) {
            try {
                ts = OffsetDateTime.parse(tsText).toInstant();
            } catch (DateTimeParseException e) {
                throw new InvalidFieldException(p + ".ts",
                        "must be an ISO-8601 instant such as 2026-11-01T00:00:00Z");
            }
        }
        long value = 0;
        JsonNode v = n.get("value");
        if (v != null && !v.isNull()) {
            if (!v.isNumber()) {
                throw new InvalidFieldException(p + ".value", "must be a number");
            }
            if (v.isFloatingPointNumber() && !Double.isFinite(v.doubleValue())) { // 1e400 parses as infinity
                throw new InvalidFieldException(p + ".value",
                        "must be between 0 and " + MAX_VALUE.toPlainString());
            }
            BigDecimal d = v.decimalValue();
            if (d.signum() < 0 || d.compareTo(MAX_VALUE) > 0) {
                throw new InvalidFieldException(p + ".value",
                        "must be between 0 and " + MAX_VALUE.toPlainString());
            }
            value = Money.micros(d);
        }
        String category = string(n, "category", p, MAX_CATEGORY);
        return new BehaviourEvent(type, ts, string(n, "url", p, MAX_URL),
                string(n, "text", p, MAX_TEXT), string(n, "query", p, MAX_QUERY),
                category == null || category.isBlank() ? null : category.strip(), value);
    }

    private static String string(JsonNode obj, String name, String parent, int max) {
        JsonNode n = obj.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        String path = parent + "." + name;
        if (!n.isTextual()) {
            throw new InvalidFieldException(path, "must be a string");
        }
        if (n.textValue().length() > max) {
            throw new InvalidFieldException(path, "must be at most " + max + " characters");
        }
        return n.textValue();
    }
}
