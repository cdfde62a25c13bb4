package io.precis.gateway.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;

/** Request bodies as Jackson trees, with errors that never echo the input back. */
public final class JsonBodies {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private JsonBodies() {}

    /** The request body as a JSON object; 400 when empty, malformed or not an object. */
    public static ObjectNode object(RoutingContext ctx) {
        Buffer body = ctx.body() == null ? null : ctx.body().buffer();
        if (body == null || body.length() == 0) {
            throw ApiError.badRequest("request body is required (a JSON object)");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body.getBytes());
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw ApiError.badRequest("malformed JSON" + where);
        } catch (IOException e) {
            throw ApiError.badRequest("unreadable request body");
        }
        if (node == null || node.isMissingNode()) {
            throw ApiError.badRequest("request body is required (a JSON object)");
        }
        if (!(node instanceof ObjectNode obj)) {
            throw ApiError.badRequest("request body must be a JSON object");
        }
        return obj;
    }

    /** Writes {@code body} as JSON with {@code status}. */
    public static void send(RoutingContext ctx, int status, JsonNode body) {
        try {
            ctx.response()
                    .setStatusCode(status)
                    .putHeader("Content-Type", "application/json; charset=utf-8")
                    .end(Buffer.buffer(MAPPER.writeValueAsBytes(body)));
        } catch (JsonProcessingException e) {
            ctx.fail(e);
        }
    }
}
