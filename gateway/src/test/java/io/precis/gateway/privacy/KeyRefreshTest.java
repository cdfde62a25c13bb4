package io.precis.gateway.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.consent.pseudonym.Pseudonymiser;
import io.precis.gateway.observability.GatewayMetrics;
import io.precis.gateway.observability.Health;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A key given by the environment is no failure: the refresh has nothing to do and says so. */
class KeyRefreshTest {
    @TempDir
    Path dir;

    @Test
    void aKeyFromTheEnvironmentRefreshesAsNothingToDoWithoutADegradedHealthOrACount() {
        Pseudonymiser fixed = Pseudonymiser.open(dir, Duration.ofDays(30), Clock.systemUTC(),
                Map.of(Pseudonymiser.ENV_KEY, Base64.getEncoder().encodeToString(new byte[32])));
        assertTrue(fixed.keysFromEnvironment());
        Health health = new Health();
        try (GatewayMetrics metrics = new GatewayMetrics()) {
            KeyRefresh refresh = new KeyRefresh(fixed, metrics, health);
            assertTrue(refresh.refresh());
            assertTrue(refresh.refresh());
            assertEquals(Map.of(), health.problems());
            assertTrue(!metrics.scrape().contains("precis_key_refresh_failures_total 1"), metrics.scrape());
        }
    }
}
