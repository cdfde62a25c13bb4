package io.precis.matcher.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** Typed reads of JSON fields that fail with an {@link InvalidFieldException} naming the path. */
final class JsonFields {
    /** Checks one string value (already known to be text) and returns its normal form. */
    @FunctionalInterface
    interface StringRule {
        String check(String value, String path);
    }

    private JsonFields() {
    }

    static String path(String parent, String name) {
        return parent.isEmpty() ? name : parent + "." + name;
    }

    /** The member {@code name} of {@code obj}, or null when absent or JSON null. */
    static JsonNode member(ObjectNode obj, String name) {
        JsonNode n = obj.get(name);
        return n == null || n.isNull() ? null : n;
    }

    static ObjectNode object(JsonNode n, String path) {
        if (!(n instanceof ObjectNode o)) {
            throw new InvalidFieldException(path, "must be a JSON object");
        }
        return o;
    }

    static String text(JsonNode n, String path) {
        if (!n.isTextual()) {
            throw new InvalidFieldException(path, "must be a string");
        }
        return n.textValue();
    }

    /** A non-blank string of at most {@code maxLength} characters, stripped of outer spaces. */
    static String nonBlank(JsonNode n, String path, int maxLength) {
        String s = text(n, path).strip();
        if (s.isEmpty()) {
            throw new InvalidFieldException(path, "must not be blank");
        }
        if (s.length() > maxLength) {
            throw new InvalidFieldException(path, "must be at most " + maxLength + " characters");
        }
        return s;
    }

    static BigDecimal decimal(JsonNode n, String path) {
        if (!n.isNumber()) {
            throw new InvalidFieldException(path, "must be a number");
        }
        if (n.isFloatingPointNumber() && !Double.isFinite(n.doubleValue())) { // 1e400
            throw new InvalidFieldException(path, "must be a finite number");
        }
        BigDecimal d = n.decimalValue().stripTrailingZeros();
        // One spelling per amount (12.50 and 12.5 equal, 5000 not 5E+3) so round trips compare equal.
        return d.scale() < 0 ? d.setScale(0) : d;
    }

    static double number(JsonNode n, String path) {
        if (!n.isNumber()) {
            throw new InvalidFieldException(path, "must be a number");
        }
        return n.doubleValue();
    }

    static int integer(JsonNode n, String path) {
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new InvalidFieldException(path, "must be an integer");
        }
        return n.intValue();
    }

    static Instant instant(JsonNode n, String path) {
        String s = text(n, path);
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(s).toInstant();
            } catch (DateTimeParseException e2) {
                throw new InvalidFieldException(path,
                        "must be an ISO-8601 instant such as 2026-11-01T00:00:00Z");
            }
        }
    }

    /** The string array {@code obj.name} checked item by item; empty when absent. */
    static List<String> strings(ObjectNode obj, String name, String parent, int maxItems,
                                StringRule rule) {
        String path = path(parent, name);
        JsonNode n = member(obj, name);
        if (n == null) {
            return List.of();
        }
        if (!n.isArray()) {
            throw new InvalidFieldException(path, "must be an array of strings");
        }
        if (n.size() > maxItems) {
            throw new InvalidFieldException(path, "must have at most " + maxItems + " items");
        }
        List<String> out = new ArrayList<>(n.size());
        for (int i = 0; i < n.size(); i++) {
            String itemPath = path + "[" + i + "]";
            out.add(rule.check(text(n.get(i), itemPath), itemPath));
        }
        return List.copyOf(out);
    }
}
