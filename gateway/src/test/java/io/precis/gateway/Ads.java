package io.precis.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** The client side of serving and measuring one ad: what an ad slot's script does. */
public final class Ads {
    private final TestGateway gw;

    public Ads(TestGateway gw) {
        this.gw = gw;
    }

    /** Requests one ad for a page with {@code text} on {@code site}; fails unless one is served. */
    public JsonNode serve(String site, String text) {
        TestGateway.Resp r = gw.ad(Campaigns.adRequest(site, text));
        assertEquals(200, r.status(), "expected an ad for: " + text);
        return r.json().get("ads").get(0);
    }

    /** Requests one ad for {@code user}, as {@link #serve(String, String)}. */
    public JsonNode serve(String site, String text, String user) {
        TestGateway.Resp r = gw.ad(Campaigns.adRequest(site, text, user));
        assertEquals(200, r.status(), "expected an ad for: " + text);
        return r.json().get("ads").get(0);
    }

    /** Fires the impression pixel; returns the HTTP status. */
    public int impression(JsonNode ad) {
        return gw.get(ad.get("impressionUrl").textValue(), null).status();
    }

    /** Follows the click URL; asserts the redirect and returns the click id it carries. */
    public String click(JsonNode ad) {
        TestGateway.Resp r = gw.get(ad.get("clickUrl").textValue(), null);
        assertEquals(302, r.status(), r.body());
        String location = r.header("Location");
        assertNotNull(location);
        return clickIdOf(location);
    }

    /** Posts a conversion; returns the HTTP status. */
    public int convert(String clickId, double value, String orderId) {
        String body = "{\"click\":\"" + clickId + "\",\"event\":\"purchase\",\"value\":" + value
                + (orderId == null ? "" : ",\"id\":\"" + orderId + "\"") + "}";
        return gw.post("/v1/t/conversion", body, null).status();
    }

    /**
     * The price the auction charged for {@code ad}, in micros of its bid model's unit (per
     * thousand impressions for CPM, per click for CPC, per conversion for CPA), read from the
     * sealed token the way the measurement side reads it.
     */
    public static long chargedMicros(JsonNode ad) {
        return TestGateway.openToken(ad.get("impressionUrl").textValue()).ad().priceMicros();
    }

    public static String clickIdOf(String location) {
        String query = URI.create(location).getRawQuery();
        for (String kv : query.split("&")) {
            if (kv.startsWith("precis_click=")) {
                return URLDecoder.decode(kv.substring("precis_click=".length()), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no precis_click in " + location);
    }
}
