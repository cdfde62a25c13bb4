package io.precis.gateway.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
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
        return object(body(ctx));
    }

    /** The request's body as received (null for none), for a worker to parse with {@link #object(Buffer)}. */
    public static Buffer body(RoutingContext ctx) {
        return ctx.body() == null ? null : ctx.body().buffer();
    }

    /** {@code body} as a JSON object; 400 when absent, empty, malformed or not an object. Any thread. */
    public static ObjectNode object(Buffer body) {
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

    /** Writes {@code body} as JSON with {@code status} (a null body as JSON's {@code null}). */
    public static void send(RoutingContext ctx, int status, JsonNode body) {
        sendEncoded(ctx, status, encode(body == null ? NullNode.getInstance() : body));
    }

    /**
     * {@code body} as the bytes of a response, or null for null: for a worker to encode what it
     * built, so that the event loop only writes bytes ({@link #sendEncoded}).
     * Under load, writing the ad responses' trees on the event loops was a third of their time.
     */
    public static Buffer encode(JsonNode body) {
        if (body == null) {
            return null;
        }
        try {
            return Buffer.buffer(MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a response tree could not be written", e); // trees always can
        }
    }

    /** Sends bytes made by {@link #encode} as a JSON response. */
    public static void sendEncoded(RoutingContext ctx, int status, Buffer body) {
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .end(body);
    }
}
