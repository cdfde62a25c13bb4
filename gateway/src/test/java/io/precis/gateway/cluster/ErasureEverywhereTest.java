package io.precis.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.gateway.TestGateway;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An erasure through gateway A removes the person's data from gateway B as well (two gateways,
 * one PostgreSQL, one keys dir): B had stored and read their behaviour; right after A erases, B
 * shows none of it, the consent withdrawn and the erasure recorded.
 */
class ErasureEverywhereTest {
    @TempDir
    Path dir;

    @Test
    void anErasureThroughOneGatewayLeavesNothingOnTheOther() throws Exception {
        try (GatewayPair pair = GatewayPair.start(dir)) {
            TestGateway gwA = pair.a;
            TestGateway gwB = pair.b;
            String publisher = gwA.account("publisher", "News");
            GatewayPair.within(10, "the publisher key reaches B",
                    () -> gwB.get("/v1/consent?user=reader-9", publisher).status() == 200);
            assertEquals(200, gwA.put("/v1/consent?user=reader-9",
                    "{\"purposes\": {\"personalisation\": true, \"profiling\": true, \"measurement\": true}}",
                    publisher).status());
            try (io.precis.gateway.LogCapture logs = new io.precis.gateway.LogCapture()) {
                for (int i = 0; i < 3; i++) {
                    assertEquals(202, gwB.post("/v1/behaviour", "{\"user\": \"reader-9\", \"events\": [{\"type\": \"search\","
                            + " \"ts\": \"" + Instant.now() + "\", \"query\": \"running shoes " + i + "\"}]}", publisher).status());
                }
                // PostgreSQL's commit is the batch's durability: no H2-only statement fails after it.
                org.junit.jupiter.api.Assertions.assertFalse(logs.text().contains("behaviour batch"), logs.text());
            }
            JsonNode before = gwB.get("/v1/me?user=reader-9", publisher).json();
            assertEquals(3, before.get("behaviour").size(), "B stored and reads the behaviour: " + before);

            assertEquals(204, gwA.delete("/v1/me?user=reader-9", publisher).status());
            // The data, the salt and the consent are shared, so they are gone at once; what B holds
            // in memory (a segment state) it forgets on the erasure's notification.
            JsonNode onA = gwA.get("/v1/me?user=reader-9", publisher).json();
            assertEquals(true, onA.get("erased").asBoolean());
            assertEquals(0, gwB.get("/v1/me?user=reader-9", publisher).json().path("behaviour").size());
            GatewayPair.within(10, "B shows what A shows, nothing but the erasure",
                    () -> gwB.get("/v1/me?user=reader-9", publisher).json().equals(onA));
        }
    }
}
