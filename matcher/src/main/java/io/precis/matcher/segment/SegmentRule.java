package io.precis.matcher.segment;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.matcher.campaign.InvalidFieldException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A keyword-driven segment ({@code POST /v1/segments}): a user is in it after at least
 * {@code minEvents} events within the last {@code withinDays} days whose text, query or
 * category contains one of the keywords (same analysis and phrase rule as campaign keywords).
 *
 * @param id such as {@code interest:home-appliance}; not under the derived prefixes
 *     {@code lifecycle:} and {@code value:}
 * @param keywords at least one
 * @param minEvents at least 1
 * @param withinDays 1..{@link #MAX_DAYS}
 */
public record SegmentRule(String id, List<String> keywords, int minEvents, int withinDays) {
    /** Behaviour is kept at most this long ({@link SegmentService#HISTORY_DAYS}). */
    public static final int MAX_DAYS = SegmentService.HISTORY_DAYS;
    /** Bounds per-event matching cost. */
    public static final int MAX_KEYWORDS = 500;
    /** Same length bound as campaign keywords. */
    public static final int MAX_KEYWORD = 100;
    /** prefix:name, lower-case prefix; the name as campaign segments spell it. */
    private static final Pattern ID = Pattern.compile("^[a-z][a-z0-9_-]{0,31}:[^\\s]{1,100}$");
    private static final int DEFAULT_MIN_EVENTS = 1;
    private static final int DEFAULT_WITHIN_DAYS = 30;

    public SegmentRule {
        Objects.requireNonNull(id, "id");
        keywords = List.copyOf(keywords);
    }

    /**
     * The JSON of {@code POST /v1/segments}; {@code minEvents} defaults to 1 and
     * {@code withinDays} to 30.
     *
     * @throws InvalidFieldException naming the field
     */
    public static SegmentRule parse(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new InvalidFieldException("", "must be a JSON object");
        }
        JsonNode idNode = json.get("id");
        if (idNode == null || idNode.isNull()) {
            throw new InvalidFieldException("id", "is required");
        }
        if (!idNode.isTextual() || !ID.matcher(idNode.textValue()).matches()) {
            throw new InvalidFieldException("id", "must be prefix:name such as interest:home-appliance");
        }
        String id = idNode.textValue();
        if (id.startsWith("lifecycle:") || id.startsWith("value:")) {
            throw new InvalidFieldException("id", "must not use the derived prefixes lifecycle: and value:");
        }
        JsonNode k = json.get("keywords");
        if (k == null || !k.isArray() || k.isEmpty()) {
            throw new InvalidFieldException("keywords", "must be a non-empty array of strings");
        }
        if (k.size() > MAX_KEYWORDS) {
            throw new InvalidFieldException("keywords", "must have at most " + MAX_KEYWORDS + " items");
        }
        List<String> keywords = new ArrayList<>();
        for (int i = 0; i < k.size(); i++) {
            String p = "keywords[" + i + "]";
            if (!k.get(i).isTextual() || k.get(i).textValue().isBlank()) {
                throw new InvalidFieldException(p, "must be a non-blank string");
            }
            String s = k.get(i).textValue().strip();
            if (s.length() > MAX_KEYWORD) {
                throw new InvalidFieldException(p, "must be at most " + MAX_KEYWORD + " characters");
            }
            keywords.add(s);
        }
        int minEvents = intField(json, "minEvents", DEFAULT_MIN_EVENTS, 1, 10_000);
        int withinDays = intField(json, "withinDays", DEFAULT_WITHIN_DAYS, 1, MAX_DAYS);
        return new SegmentRule(id, keywords, minEvents, withinDays);
    }

    private static int intField(JsonNode json, String name, int dflt, int min, int max) {
        JsonNode n = json.get(name);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < min || n.intValue() > max) {
            throw new InvalidFieldException(name, "must be an integer between " + min + " and " + max);
        }
        return n.intValue();
    }
}
