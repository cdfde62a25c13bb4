package io.precis.gateway.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.gateway.TestGateway;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code access.log}: one JSON line per request, and nothing of the person behind it. */
class AccessLogTest {
    private static final String USER = "access-user-3c9e1f07";
    private static final String IP = "203.0.113.58";
    private static final String COOKIE = "cookie-id-9b2d44aa";

    @TempDir
    Path dir;

    @Test
    void aRequestCarryingUserIdIpQueryAndCookieLeavesOnlyItsRouteStatusLatencyAndRequestId() throws Exception {
        String requestId = UUID.randomUUID().toString();
        try (TestGateway gw = TestGateway.start(dir)) {
            String publisher = gw.account("publisher", "Access");
            assertEquals(200, gw.put("/v1/consent?user=" + USER, "{\"purposes\": {\"measurement\": true}}", publisher)
                    .status());
            TestGateway.Resp me = gw.send(gw.builder("/v1/me?user=" + USER, publisher)
                    .header("X-Forwarded-For", IP).header("Cookie", "precis_uid=" + COOKIE)
                    .header("X-Request-Id", requestId).GET().build());
            // The request really was about this person: their consent comes back.
            assertEquals(200, me.status(), me.body());
            assertTrue(me.json().path("consent").path("purposes").path("measurement").asBoolean(), me.body());
            assertEquals(requestId, me.header("X-Request-Id"), "a safe request id is honoured and answered");
            // A request id that could be a user id is replaced, not kept.
            TestGateway.Resp ad = gw.send(gw.builder("/v1/ad?user=" + USER, null)
                    .header("Content-Type", "application/json").header("X-Forwarded-For", IP)
                    .header("Cookie", "precis_uid=" + COOKIE).header("X-Request-Id", USER)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"slot\": {\"id\": \"s\", \"format\": \"banner-300x250\","
                            + " \"site\": \"news.example\"}, \"user\": {\"id\": \"" + USER + "\"},"
                            + " \"device\": {\"ip\": \"" + IP + "\"}}")).build());
            String replaced = ad.header("X-Request-Id");
            assertNotEquals(USER, replaced);
            assertTrue(replaced.matches("[0-9a-f]{32}"), replaced);

            Path file = dir.resolve("logs").resolve("access.log");
            List<JsonNode> lines = LogLines.await(file, l -> l.stream().anyMatch(j -> replaced.equals(j.path("requestId").asText())));
            JsonNode line = lines.stream().filter(j -> requestId.equals(j.path("requestId").asText())).findFirst()
                    .orElseThrow(() -> new AssertionError(lines.toString()));
            assertEquals("/v1/me", line.get("route").asText());
            assertEquals("GET", line.get("method").asText());
            assertEquals(200, line.get("status").asInt());
            assertTrue(line.get("ms").isNumber() && line.get("ms").asDouble() >= 0, line.toString());
            Set<String> fields = new java.util.TreeSet<>();
            line.fieldNames().forEachRemaining(fields::add);
            assertEquals(Set.of("ts", "method", "route", "status", "ms", "requestId"), fields);
            assertEquals(lines.size(), Set.copyOf(lines.stream().map(j -> j.get("requestId").asText()).toList()).size(),
                    "one line per request");

            String text = Files.readString(file);
            for (String personal : List.of(USER, IP, COOKIE, "user=", "?")) {
                assertFalse(text.contains(personal), "access.log holds " + personal);
            }
        }
    }

    @Test
    void aRequestAnsweredBeforeTheRouterHasItsLineToo() throws Exception {
        String requestId = UUID.randomUUID().toString();
        try (TestGateway gw = TestGateway.start(dir)) {
            io.precis.gateway.RawHttp.Answer a = io.precis.gateway.RawHttp.exchange(gw.gateway().port(), "GET",
                    "/v1/me?user=" + USER + "&x=%zz", null, java.time.Duration.ofSeconds(10),
                    "X-Request-Id: " + requestId);
            assertEquals(400, a.status(), a.body());
            Path file = dir.resolve("logs").resolve("access.log");
            List<JsonNode> lines = LogLines.await(file, l -> l.stream().anyMatch(j -> requestId.equals(j.path("requestId").asText())));
            JsonNode line = lines.stream().filter(j -> requestId.equals(j.path("requestId").asText())).findFirst()
                    .orElseThrow();
            assertEquals("unmatched", line.get("route").asText());
            assertEquals(400, line.get("status").asInt());
            String text = Files.readString(file);
            assertFalse(text.contains(USER) || text.contains("%zz"), text);
        }
    }

    @Test
    void aFullQueueDropsAndCountsLinesInsteadOfBlocking() throws Exception {
        AsyncLines lines = new AsyncLines(dir, "t.log", 2);
        int accepted = 0;
        synchronized (lines.file) { // the writer is stuck on the disk: it cannot publish
            for (int i = 0; i < 10; i++) {
                int n = i;
                accepted += lines.offer(() -> "line " + n) ? 1 : 0;
            }
        }
        // At most the batch the writer holds (what was queued when it woke) and a full queue got in.
        assertTrue(accepted <= 5, "accepted " + accepted);
        assertEquals(10 - accepted, lines.dropped());
        lines.close();
        assertEquals(accepted, Files.readAllLines(dir.resolve("t.log")).size());
    }

    @Test
    void onlyUuidsAndLongHexIdsAreTakenFromClients() {
        String uuid = UUID.randomUUID().toString();
        assertEquals(uuid, AccessLog.requestId(uuid));
        assertEquals("0123456789abcdef0123456789abcdef", AccessLog.requestId("0123456789abcdef0123456789abcdef"));
        for (String unsafe : List.of(USER, "alice@example.com", "12345", IP, "a".repeat(65))) {
            assertNotEquals(unsafe, AccessLog.requestId(unsafe));
        }
    }
}
