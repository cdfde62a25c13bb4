package io.precis.reports.token;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Compact JSON form of a {@link TrackingToken}; short keys keep the token URL-friendly. */
final class TokenPayload {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenPayload() {
    }

    static byte[] encode(TrackingToken t) {
        AdServed ad = t.ad();
        ObjectNode o = JSON.createObjectNode();
        o.put("k", t.kind().code());
        o.put("ad", ad.adId());
        o.put("adv", ad.advertiserId());
        o.put("cmp", ad.campaignId());
        o.put("cr", ad.creativeId());
        if (ad.slot() != null) {
            o.put("sl", ad.slot());
        }
        if (ad.site() != null) {
            o.put("si", ad.site());
        }
        ArrayNode m = o.putArray("m");
        ad.matchedBy().forEach(m::add);
        o.put("bm", ad.bidModel());
        if (ad.pseudonym() != null) {
            o.put("ps", ad.pseudonym());
        }
        if (ad.region() != null) {
            o.put("rg", ad.region());
        }
        o.put("p", ad.priceMicros());
        o.put("iat", t.issuedAt().getEpochSecond());
        o.put("exp", t.expiresAt().getEpochSecond());
        try {
            return JSON.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode token payload", e);
        }
    }

    /** Parses a payload; any deviation from {@link #encode}'s shape is {@code malformed}. */
    static TrackingToken decode(byte[] json) throws InvalidTokenException {
        try {
            JsonNode o = JSON.readTree(json);
            if (o == null || !o.isObject()) {
                throw malformed();
            }
            TokenKind kind = TokenKind.ofCode(text(o, "k", true));
            if (kind == null) {
                throw malformed();
            }
            JsonNode m = o.get("m");
            if (m == null || !m.isArray()) {
                throw malformed();
            }
            List<String> matchedBy = new ArrayList<>();
            for (JsonNode e : m) {
                if (!e.isTextual()) {
                    throw malformed();
                }
                matchedBy.add(e.asText());
            }
            AdServed ad = new AdServed(text(o, "ad", true), text(o, "adv", true),
                    text(o, "cmp", true), text(o, "cr", true), text(o, "sl", false),
                    text(o, "si", false), matchedBy, text(o, "bm", true), number(o, "p"),
                    text(o, "ps", false), text(o, "rg", false));
            return new TrackingToken(kind, ad, Instant.ofEpochSecond(number(o, "iat")),
                    Instant.ofEpochSecond(number(o, "exp")));
        } catch (IOException | RuntimeException e) {
            // Jackson errors, bad field values (AdServed validation), out-of-range instants.
            throw malformed();
        }
    }

    private static String text(JsonNode o, String field, boolean required) throws InvalidTokenException {
        JsonNode v = o.get(field);
        if (v == null) {
            if (required) {
                throw malformed();
            }
            return null;
        }
        if (!v.isTextual()) {
            throw malformed();
        }
        return v.asText();
    }

    private static long number(JsonNode o, String field) throws InvalidTokenException {
        JsonNode v = o.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw malformed();
        }
        return v.asLong();
    }

    private static InvalidTokenException malformed() {
        return new InvalidTokenException("malformed");
    }

}
