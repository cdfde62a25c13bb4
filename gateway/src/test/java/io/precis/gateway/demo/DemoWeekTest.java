package io.precis.gateway.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.gateway.GatewayConfig;
import io.precis.gateway.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's first start leaves a week of real, measured traffic for the dashboard to show. */
class DemoWeekTest {
    @TempDir
    Path dir;

    @Test
    void theFirstDemoStartSimulatesAWeekThatTheReportsShowDayByDay() throws Exception {
        GatewayConfig config = GatewayConfig.defaults().withDataDir(dir).withAdminToken(TestGateway.ADMIN_TOKEN);
        assertTrue(config.demo(), "the demo is on by default");
        assertTrue(DemoWeek.simulateOnce(config));
        assertFalse(DemoWeek.simulateOnce(config), "only on the first start with a data dir");

        String key = Files.readString(DemoData.keyFile(dir)).strip();
        try (TestGateway gw = TestGateway.start(dir)) {
            JsonNode report = gw.get("/v1/reports?groupBy=day", key).json();
            int days = 0;
            for (JsonNode row : report.get("rows")) {
                days += row.get("impressions").asLong() > 0 ? 1 : 0;
            }
            assertTrue(days >= 7, "a week of days with impressions: " + report.get("rows"));
            JsonNode totals = report.get("totals");
            for (String metric : new String[] {"impressions", "clicks", "invalidClicks", "conversions"}) {
                assertTrue(totals.get(metric).asLong() > 0, metric + " in " + totals);
            }
            assertTrue(totals.get("clicks").asLong() < totals.get("impressions").asLong() / 4, totals.toString());
            assertTrue(totals.get("spend").asDouble() > 0 && totals.get("revenue").asDouble() > 0, totals.toString());
            assertEquals(5, gw.get("/v1/campaigns", key).json().get("campaigns").size(), "the demo campaigns");
        }
    }
}
