package io.precis.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed reads of optional JSON fields that fail with 400 naming the field. Messages say what
 * was expected, never what was sent (it may be personal data).
 */
public final class Fields {
    private Fields() {}

    /** The object at {@code name}, or null when absent or JSON null. */
    public static JsonNode object(JsonNode parent, String name, String path) {
        JsonNode n = present(parent, name);
        if (n != null && !n.isObject()) {
            throw ApiError.badField(path, path + " must be an object");
        }
        return n;
    }

    /** The string at {@code name} (at most {@code maxLength} chars), or null. */
    public static String text(JsonNode parent, String name, String path, int maxLength) {
        JsonNode n = present(parent, name);
        if (n == null) {
            return null;
        }
        if (!n.isTextual()) {
            throw ApiError.badField(path, path + " must be a string");
        }
        if (n.textValue().length() > maxLength) {
            throw ApiError.badField(path, path + " must be at most " + maxLength + " characters");
        }
        return n.textValue();
    }

    /** The boolean at {@code name}, or null. */
    public static Boolean bool(JsonNode parent, String name, String path) {
        JsonNode n = present(parent, name);
        if (n == null) {
            return null;
        }
        if (!n.isBoolean()) {
            throw ApiError.badField(path, path + " must be true or false");
        }
        return n.booleanValue();
    }

    /** The integer at {@code name} within [min, max], or null. */
    public static Integer integer(JsonNode parent, String name, String path, int min, int max) {
        JsonNode n = present(parent, name);
        if (n == null) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < min || n.intValue() > max) {
            throw ApiError.badField(path, path + " must be an integer from " + min + " to " + max);
        }
        return n.intValue();
    }

    /** The number at {@code name} within [min, max], or null. */
    public static Double number(JsonNode parent, String name, String path, double min, double max) {
        JsonNode n = present(parent, name);
        if (n == null) {
            return null;
        }
        if (!n.isNumber() || !(n.doubleValue() >= min && n.doubleValue() <= max)) {
            throw ApiError.badField(path, path + " must be a number from " + min + " to " + max);
        }
        return n.doubleValue();
    }

    /** The list of integers at {@code name}, each within [min, max]; null when absent. */
    public static List<Integer> integers(JsonNode parent, String name, String path, int maxItems, int min, int max) {
        JsonNode n = present(parent, name);
        if (n == null) {
            return null;
        }
        if (!n.isArray() || n.size() > maxItems) {
            throw ApiError.badField(path, path + " must be an array of at most " + maxItems + " integers");
        }
        List<Integer> out = new ArrayList<>(n.size());
        for (int i = 0; i < n.size(); i++) {
            out.add(integer(n, i, path + "[" + i + "]", min, max));
        }
        return out;
    }

    private static int integer(JsonNode array, int i, String path, int min, int max) {
        JsonNode e = array.get(i);
        if (!e.isIntegralNumber() || !e.canConvertToInt() || e.intValue() < min || e.intValue() > max) {
            throw ApiError.badField(path, path + " must be an integer from " + min + " to " + max);
        }
        return e.intValue();
    }

    /** The list of strings at {@code name} (absent = empty), each at most {@code maxLength}. */
    public static List<String> texts(JsonNode parent, String name, String path, int maxItems, int maxLength) {
        JsonNode n = present(parent, name);
        if (n == null) {
            return List.of();
        }
        if (!n.isArray() || n.size() > maxItems) {
            throw ApiError.badField(path, path + " must be an array of at most " + maxItems + " strings");
        }
        List<String> out = new ArrayList<>(n.size());
        for (int i = 0; i < n.size(); i++) {
            JsonNode e = n.get(i);
            if (!e.isTextual() || e.textValue().length() > maxLength) {
                throw ApiError.badField(path + "[" + i + "]", path + "[" + i + "] must be a string of at most "
                        + maxLength + " characters");
            }
            out.add(e.textValue());
        }
        return out;
    }

    private static JsonNode present(JsonNode parent, String name) {
        if (parent == null) {
            return null;
        }
        JsonNode n = parent.get(name);
        return n == null || n.isNull() ? null : n;
    }
}
