package io.precis.matcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.campaign.CampaignJson;
import java.io.UncheckedIOException;
import java.time.Instant;

/** Campaigns for tests, written as the JSON a client would send. */
public final class TestCampaigns {
    public static final ObjectMapper JSON = new ObjectMapper();
    public static final Instant CREATED = Instant.parse("2026-11-01T00:00:00Z");

    private TestCampaigns() {
    }

    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A CPM campaign bidding {@code cpm} with one banner-300x250 creative, and {@code extra}
     * (JSON members, e.g. {@code "targeting": {...}}) merged in, replacing defaults.
     */
    public static Campaign campaign(String id, double cpm, String extra) {
        ObjectNode body = (ObjectNode) json("""
                {"name": "test %s", "bid": {"model": "CPM", "amount": %s},
                 "creatives": [{"id": "%s-c1", "format": "banner-300x250",
                                "landingUrl": "https://shop.example/%s"}]}
                """.formatted(id, cpm, id, id));
        if (extra != null && !extra.isBlank()) {
            body.setAll((ObjectNode) json("{" + extra + "}"));
        }
        return CampaignJson.fromRequest(body, id, "adv-1", CREATED, CREATED);
    }

    /** {@link #campaign(String, double, String)} with contextual keywords only. */
    public static Campaign withKeywords(String id, double cpm, String... keywords) {
        StringBuilder list = new StringBuilder();
        for (String k : keywords) {
            list.append(list.isEmpty() ? "" : ",").append('"').append(k).append('"');
        }
        return campaign(id, cpm, "\"targeting\": {\"keywords\": [" + list + "]}");
    }
}
