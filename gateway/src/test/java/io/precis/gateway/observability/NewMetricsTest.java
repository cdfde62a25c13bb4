package io.precis.gateway.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.gateway.Ads;
import io.precis.gateway.Campaigns;
import io.precis.gateway.TestGateway;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /metrics}: JVM, campaign index, invalid clicks by rule and rejected events by reason. */
class NewMetricsTest {
    @TempDir
    Path dir;

    @Test
    void metricsShowJvmIndexInvalidClicksByRuleAndRejectionsByReason() {
        try (TestGateway gw = TestGateway.start(dir)) {
            String key = gw.advertiser("Metered");
            gw.campaign(key, Campaigns.keywords("Coffee", "[\"coffee\"]", "CPC", 1));
            gw.campaign(key, Campaigns.keywords("Tea", "[\"tea\"]", "CPC", 1));
            JsonNode ad = new Ads(gw).serve("news.example", "coffee every morning");
            // Clicked with no impression recorded: invalid by the no_impression rule.
            assertEquals(302, gw.get(ad.get("clickUrl").textValue(), null).status());
            assertEquals(400, gw.get("/v1/t/imp?t=not-a-token", null).status());
            assertEquals(400, gw.get("/v1/t/imp", null).status());
            assertEquals(400, gw.post("/v1/t/conversion", "{\"value\": 1}", null).status());

            String m = gw.get("/metrics", null).body();
            assertTrue(value(m, "jvm_memory_used_bytes{jvm_memory_type=\"heap\"}") > 0, m);
            assertTrue(value(m, "jvm_memory_limit_bytes{jvm_memory_type=\"heap\"}") > 0, m);
            assertTrue(m.contains("jvm_gc_collections_total{"), m);
            assertTrue(m.contains("jvm_gc_time_seconds_total{"), m);
            assertTrue(value(m, "jvm_thread_count{jvm_thread_daemon=\"true\"}") > 0, m);
            assertTrue(value(m, "jvm_compilation_time_seconds_total") > 0, "the JIT has compiled: " + m);
            assertEquals(2, value(m, "precis_index_campaigns"), m);
            assertTrue(value(m, "precis_index_refresh_lag_seconds") > 0, m);
            assertEquals(1, value(m, "precis_clicks_invalid_total{rule=\"no_impression\"}"), m);
            assertEquals(1, value(m, "precis_events_rejected_total{detail=\"malformed\",reason=\"invalid_token\"}"), m);
            assertEquals(1, value(m, "precis_events_rejected_total{reason=\"missing_token\"}"), m);
            assertEquals(1, value(m, "precis_events_rejected_total{reason=\"bad_conversion\"}"), m);
            assertEquals(0, value(m, "precis_log_dropped_total{log=\"access\"}"), m);
        }
    }

    /** The value of the series named exactly {@code series} (name and labels) in {@code text}. */
    private static double value(String text, String series) {
        Matcher found = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)").matcher(text);
        if (!found.find()) {
            throw new AssertionError("no " + series + " in\n" + text);
        }
        return Double.parseDouble(found.group(1));
    }
}
