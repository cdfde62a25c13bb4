package io.precis.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An advertiser sees why its clicks were judged invalid, per campaign and reason. */
class InvalidClickReasonsTest {
    private static final String PAGE = "the best running shoes for a marathon";

    @TempDir
    Path dir;

    @Test
    void invalidClicksAreReportedPerCampaignWithTheRuleThatRejectedThem() {
        try (TestGateway gw = TestGateway.start(dir)) {
            String key = gw.advertiser("Shoes Co");
            String id = gw.campaign(key, Campaigns.keywords("Shoes", "[\"running shoes\"]", "CPC", 0.5));
            Ads ads = new Ads(gw);
            JsonNode robotAd = ads.serve("news.example", PAGE);
            ads.impression(robotAd);
            TestGateway.Resp robot = gw.send(gw.builder(robotAd.get("clickUrl").textValue(), null)
                    .setHeader("User-Agent", "curl/8.5.0").GET().build());
            assertEquals(302, robot.status(), "a robot still lands");
            JsonNode unseen = ads.serve("news.example", PAGE); // clicked with no impression first
            ads.click(unseen);
            JsonNode fine = ads.serve("news.example", PAGE);
            ads.impression(fine);
            ads.click(fine);

            JsonNode rows = gw.get("/v1/reports/invalid-clicks", key).json().get("rows");
            Map<String, Long> byReason = new TreeMap<>();
            for (JsonNode r : rows) {
                assertEquals(id, r.get("campaign").asText());
                byReason.put(r.get("reason").asText(), r.get("clicks").asLong());
            }
            assertEquals(Map.of("no_impression", 1L, "robot", 1L), byReason, rows.toString());
            JsonNode report = gw.get("/v1/reports?groupBy=campaign", key).json().get("totals");
            assertEquals(2, report.get("invalidClicks").asLong(), "the same clicks the report counts as invalid");
            assertEquals(0, gw.get("/v1/reports/invalid-clicks", gw.advertiser("Other Co")).json().get("rows").size(),
                    "only the advertiser's own campaigns");
            assertEquals(400, gw.get("/v1/reports/invalid-clicks?from=nonsense", key).status());
        }
    }
}
