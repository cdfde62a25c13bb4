package io.precis.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broken key file or rotation is logged (without key bytes), counted, and turns /health degraded. */
class KeyRefreshHealthTest {
    @TempDir
    Path dir;

    private static Path currentKeyFile(Path keys) throws Exception {
        try (Stream<Path> files = Files.list(keys)) {
            return files.filter(f -> f.getFileName().toString().matches("epoch-\\d+\\.key"))
                    .max(java.util.Comparator.comparing(f -> Integer.parseInt(
                            f.getFileName().toString().replaceAll("\\D", ""))))
                    .orElseThrow();
        }
    }

    private static long failures(TestGateway gw) {
        return metric(gw, "precis_key_refresh_failures_total");
    }

    private static long metric(TestGateway gw, String series) {
        for (String line : gw.get("/metrics", null).body().split("\n")) {
            if (line.startsWith(series + " ")) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    @Test
    void aCorruptKeyFileOrBrokenRotationTurnsHealthDegradedIsCountedAndLoggedWithoutKeyBytes() throws Exception {
        try (LogCapture log = new LogCapture(); TestGateway gw = TestGateway.start(dir)) {
            TestGateway.Resp up = gw.get("/health", null);
            assertEquals(200, up.status());
            assertEquals("{\"status\":\"up\"}", up.body());
            assertTrue(gw.gateway().keyRefresh().refresh(), "an intact key directory refreshes");

            Path keys = dir.resolve("keys").resolve("pseudonym");
            Path keyFile = currentKeyFile(keys);
            byte[] key = Files.readAllBytes(keyFile);
            Files.write(keyFile, new byte[] {1, 2, 3, 4, 5}); // a truncated key file
            assertFalse(gw.gateway().keyRefresh().refresh());

            TestGateway.Resp degraded = gw.get("/health", null);
            assertEquals(503, degraded.status(), degraded.body());
            JsonNode body = degraded.json();
            assertEquals("degraded", body.get("status").textValue());
            assertEquals("degraded", body.get("error").textValue());
            assertTrue(body.get("message").textValue().contains("keys"), body.toString());
            assertTrue(body.get("checks").has("keys"), body.toString());
            assertFalse(degraded.body().contains(keys.toString()), "no path in a public answer");
            assertEquals(1, failures(gw));

            // A broken rotation: the epoch metadata is left half-written.
            Path meta = keys.resolve("epochs.json");
            byte[] metaBytes = Files.readAllBytes(meta);
            Files.writeString(meta, "{\"epochs\": [{\"number\": ");
            Files.write(keyFile, key);
            assertFalse(gw.gateway().keyRefresh().refresh());
            assertEquals(2, failures(gw));
            assertEquals(503, gw.get("/health", null).status());

            // Repaired: the next refresh clears the problem.
            Files.write(meta, metaBytes);
            assertTrue(gw.gateway().keyRefresh().refresh());
            assertEquals(200, gw.get("/health", null).status());
            assertEquals(2, failures(gw));

            assertTrue(metric(gw, "precis_logged_problems_total{level=\"error\"}") >= 2, "logged errors are counted");
            String text = log.text();
            assertEquals(2, log.lines().stream().filter(l -> l.contains("pseudonym key refresh failed")).count(),
                    text);
            for (String keyText : List.of(Base64.getEncoder().encodeToString(key),
                    Base64.getUrlEncoder().withoutPadding().encodeToString(key), HexFormat.of().formatHex(key),
                    new String(key, StandardCharsets.ISO_8859_1))) {
                assertFalse(text.contains(keyText), "key bytes in the log");
            }
        }
    }
}
