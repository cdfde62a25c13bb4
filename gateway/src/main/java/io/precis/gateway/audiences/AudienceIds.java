package io.precis.gateway.audiences;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.precis.consent.identity.RawUserId;
import io.precis.gateway.http.ApiError;
import io.precis.gateway.http.JsonBodies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The ids of one members upload: CSV ({@code text/csv}, one id per line, blank lines skipped)
 * or JSON ({@code {"ids": [...]}}). Errors name the line or position, never an id. Runs on a
 * worker: a 100k-id body takes milliseconds to split.
 */
final class AudienceIds {
    /** Ids per upload (the batch size). */
    static final int MAX_IDS = 100_000;
    /** As the longest user id an ad request accepts. */
    static final int MAX_ID_CHARS = 256;

    private AudienceIds() {
    }

    static List<RawUserId> parse(String contentType, byte[] body) {
        String type = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
        if (body == null || body.length == 0) {
            throw ApiError.badRequest("request body is required: ids as text/csv or {\"ids\": [...]}");
        }
        return switch (type) {
            case "text/csv", "text/plain" -> csv(new String(body, StandardCharsets.UTF_8));
            case "application/json" -> json(body);
            default -> throw ApiError.badRequest("Content-Type must be text/csv or application/json");
        };
    }

    private static List<RawUserId> csv(String text) {
        List<RawUserId> out = new ArrayList<>();
        int line = 0;
        for (String raw : text.split("\r?\n", -1)) {
            line++;
            String id = raw.strip();
            if (id.isEmpty()) {
                continue;
            }
            add(out, id, "line " + line);
        }
        return nonEmpty(out);
    }

    private static List<RawUserId> json(byte[] body) {
        JsonNode node;
        try {
            node = JsonBodies.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw ApiError.badRequest("malformed JSON" + (at == null ? "" : " at line " + at.getLineNr()
                    + ", column " + at.getColumnNr()));
        } catch (IOException e) {
            throw ApiError.badRequest("unreadable request body");
        }
        JsonNode ids = node == null ? null : node.get("ids");
        if (ids == null || !ids.isArray()) {
            throw ApiError.badField("ids", "ids is required (an array of strings)");
        }
        List<RawUserId> out = new ArrayList<>(Math.min(ids.size(), MAX_IDS));
        for (int i = 0; i < ids.size(); i++) {
            JsonNode n = ids.get(i);
            if (!n.isTextual()) {
                throw ApiError.badField("ids", "ids[" + i + "] must be a string");
            }
            add(out, n.textValue().strip(), "ids[" + i + "]");
        }
        return nonEmpty(out);
    }

    private static void add(List<RawUserId> out, String id, String where) {
        if (out.size() == MAX_IDS) {
            throw ApiError.badField("ids", "at most " + MAX_IDS + " ids per upload; send more batches");
        }
        if (id.isEmpty() || id.length() > MAX_ID_CHARS) {
            throw ApiError.badField("ids", where + ": an id must be 1 to " + MAX_ID_CHARS + " characters");
        }
        out.add(RawUserId.ofNullable(id));
    }

    private static List<RawUserId> nonEmpty(List<RawUserId> ids) {
        if (ids.isEmpty()) {
            throw ApiError.badField("ids", "no ids in the body");
        }
        return ids;
    }
}
