package io.precis.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A click yields one conversion per event name without an order id, unless its campaign counts every one. */
class ConversionCountingTest {
    private static final int POSTS = 16;

    @TempDir
    Path dir;

    private static String conversion(String clickId) {
        return "{\"click\":\"" + clickId + "\",\"event\":\"purchase\",\"value\":30}";
    }

    private static JsonNode row(TestGateway gw, String key) {
        return gw.get("/v1/reports", key).json().get("rows").get(0);
    }

    @Test
    void concurrentIdenticalConversionsCountOnceAndARepeatAfterARestartIsStillARepeat() throws Exception {
        String key;
        String clickId;
        long charged;
        try (TestGateway gw = TestGateway.start(dir)) {
            key = gw.advertiser("Once");
            String id = gw.campaign(key, Campaigns.keywords("O", "[\"counting once\"]", "CPA", 20));
            assertEquals("one", gw.get("/v1/campaigns/" + id, key).json().get("conversionCounting").textValue());
            Ads ads = new Ads(gw);
            JsonNode ad = ads.serve("news.example", "counting once page");
            charged = Ads.chargedMicros(ad);
            ads.impression(ad);
            clickId = ads.click(ad);
            List<Future<TestGateway.Resp>> answers = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(POSTS)) {
                for (int i = 0; i < POSTS; i++) {
                    answers.add(pool.submit(() -> gw.post("/v1/t/conversion", conversion(clickId), null)));
                }
            }
            int repeats = 0;
            for (Future<TestGateway.Resp> a : answers) {
                TestGateway.Resp r = a.get();
                assertEquals(202, r.status(), r.body());
                repeats += r.json().path("repeat").asBoolean(false) ? 1 : 0;
            }
            assertEquals(POSTS - 1, repeats, "all but one answer say they were a repeat");
            JsonNode row = row(gw, key);
            assertEquals(1, row.get("conversions").asLong());
            assertEquals(charged / 1e6, row.get("spend").asDouble(), 1e-9);
        }
        try (TestGateway gw = TestGateway.start(dir)) {
            TestGateway.Resp again = gw.post("/v1/t/conversion", conversion(clickId), null);
            assertEquals(202, again.status());
            assertTrue(again.json().get("repeat").asBoolean(), again.body());
            JsonNode row = row(gw, key);
            assertEquals(1, row.get("clicks").asLong());
            assertEquals(1, row.get("conversions").asLong());
            assertTrue(row.get("cvr").asDouble() <= 1.0, "cvr " + row.get("cvr"));
            assertEquals(charged / 1e6, row.get("spend").asDouble(), 1e-9);
        }
    }

    @Test
    void aCampaignCountingEveryConversionCountsEachPostAndAnUnknownCountingIs400() {
        try (TestGateway gw = TestGateway.start(dir)) {
            String key = gw.advertiser("Every");
            String body = Campaigns.keywords("E", "[\"counting every\"]", "CPA", 20);
            String every = body.replaceFirst("\\{", "{\"conversionCounting\": \"every\", ");
            String id = gw.campaign(key, every);
            assertEquals("every", gw.get("/v1/campaigns/" + id, key).json().get("conversionCounting").textValue());
            TestGateway.Resp bad = gw.post("/v1/campaigns", body.replaceFirst("\\{", "{\"conversionCounting\": \"all\", "), key);
            assertEquals(400, bad.status(), bad.body());
            assertEquals("conversionCounting", bad.json().get("field").textValue());
            assertEquals("bad_request", bad.json().get("error").textValue());
            assertTrue(bad.json().get("message").textValue().contains("one, every"));

            Ads ads = new Ads(gw);
            JsonNode ad = ads.serve("news.example", "counting every page");
            ads.impression(ad);
            String clickId = ads.click(ad);
            for (int i = 0; i < 3; i++) {
                TestGateway.Resp r = gw.post("/v1/t/conversion", conversion(clickId), null);
                assertEquals(202, r.status());
                assertTrue(r.json().path("repeat").isMissingNode(), r.body());
            }
            assertEquals(3, row(gw, key).get("conversions").asLong());
        }
    }
}
