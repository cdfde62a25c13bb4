package io.precis.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Erasure end to end: after {@code DELETE /v1/me} the user's profile, behaviour and segments
 * are gone, {@code GET /v1/me} shows only the erasure, and the advertiser's report still adds up.
 */
class ErasureTest {
    @TempDir
    Path dir;

    @Test
    void deleteMeErasesBehaviourSegmentsAndLinksButReportsStillAddUp() {
        try (TestGateway gw = TestGateway.start(dir)) {
            String advertiser = gw.advertiser("Erasure Co");
            String publisher = gw.account("publisher", "Pub");
            String behavioural = gw.campaign(advertiser, """
                    {"name": "Tea lovers", "bid": {"model": "CPC", "amount": 3},
                     "targeting": {"segments": ["interest:tea"]},
                     "creatives": [{"id": "t", "format": "banner-300x250", "landingUrl": "https://tea.example/"}]}
                    """);
            assertEquals(201, gw.post("/v1/segments",
                    "{\"id\": \"interest:tea\", \"keywords\": [\"green tea\", \"乌龙茶\"], \"minEvents\": 1, \"withinDays\": 30}",
                    TestGateway.ADMIN_TOKEN).status());
            String user = "reader-to-erase";
            assertEquals(200, gw.put("/v1/consent?user=" + user,
                    "{\"purposes\": {\"personalisation\": true, \"profiling\": true, \"measurement\": true}}",
                    publisher).status());
            assertEquals(202, gw.post("/v1/behaviour",
                    "{\"user\": \"" + user + "\", \"events\": [{\"type\": \"search\", \"ts\": \"" + java.time.Instant.now()
                            + "\", \"query\": \"best green tea\"}]}",
                    publisher).status());

            String adRequest = """
                    {"slot": {"id": "top", "format": "banner-300x250", "site": "news.example"},
                     "user": {"id": "%s"}}""".formatted(user);
            TestGateway.Resp served = gw.ad(adRequest);
            assertEquals(200, served.status(), served.body());
            JsonNode ad = served.json().get("ads").get(0);
            assertEquals(behavioural, ad.get("campaignId").textValue());
            Ads ads = new Ads(gw);
            ads.impression(ad);
            String click = ads.click(ad);
            ads.convert(click, 30, "tea-order");
            JsonNode reportBefore = gw.get("/v1/reports", advertiser).json().get("totals");

            JsonNode me = gw.get("/v1/me?user=" + user, publisher).json();
            assertTrue(me.get("consent").get("purposes").get("profiling").asBoolean());
            assertTrue(me.get("segments").toString().contains("interest:tea"), me.toString());
            assertEquals(1, me.get("behaviour").size());
            assertTrue(me.get("events").size() >= 1, "measurement events linked with consent: " + me);

            assertEquals(204, gw.delete("/v1/me?user=" + user, publisher).status());

            JsonNode after = gw.get("/v1/me?user=" + user, publisher).json();
            assertTrue(after.get("erased").asBoolean(), after.toString());
            assertFalse(after.has("behaviour") && after.get("behaviour").size() > 0, after.toString());
            assertFalse(after.has("segments") && after.get("segments").size() > 0, after.toString());
            assertFalse(after.has("events") && after.get("events").size() > 0, after.toString());

            // Even with consent given again, the erased behaviour no longer makes a segment.
            gw.put("/v1/consent?user=" + user, "{\"purposes\": {\"personalisation\": true}}", publisher);
            TestGateway.Resp again = gw.ad(adRequest);
            assertTrue(again.status() == 204 || !again.body().contains(behavioural), again.body());

            JsonNode reportAfter = gw.get("/v1/reports", advertiser).json().get("totals");
            for (String metric : new String[] {"impressions", "clicks", "conversions", "spend", "revenue"}) {
                assertEquals(reportBefore.get(metric).asDouble(), reportAfter.get(metric).asDouble(), 1e-9, metric);
            }
        }
    }
}
