package io.precis.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests that are broken below the JSON level (percent-escapes that do not decode, form
 * bodies, request lines and heads over the limits) get an answer with the error body on every
 * route, known or not: never a 500, never silence.
 */
class MalformedRequestTest {
    /** Far above a local answer's time even on a loaded machine; a hang shows as no answer. */
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);
    private static final String FORM = "Content-Type: application/x-www-form-urlencoded";

    @TempDir
    static Path dir;
    static TestGateway gw;
    static int port;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(dir);
        port = Integer.parseInt(gw.base.substring(gw.base.lastIndexOf(':') + 1));
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    /** Every route the gateway serves, with a concrete path (ids need not exist). */
    static Stream<Arguments> routes() {
        return Stream.of(
                        "GET /health", "GET /metrics", "GET /privacy", "GET /dashboard",
                        "POST /v1/admin/accounts", "POST /v1/campaigns", "GET /v1/campaigns",
                        "GET /v1/campaigns/c1", "PUT /v1/campaigns/c1", "DELETE /v1/campaigns/c1",
                        "POST /v1/ad", "GET /v1/t/imp", "GET /v1/t/click", "POST /v1/t/conversion",
                        "POST /v1/behaviour", "POST /v1/segments", "GET /v1/reports",
                        "GET /v1/consent/key", "GET /v1/consent", "PUT /v1/consent", "GET /v1/consent/history",
                        "GET /v1/me", "DELETE /v1/me")
                .map(r -> Arguments.of(r.substring(0, r.indexOf(' ')), r.substring(r.indexOf(' ') + 1)));
    }

    private static RawHttp.Answer send(String method, String target, String body, String... headers) {
        RawHttp.Answer a = RawHttp.exchange(port, method, target, body, ANSWER_WITHIN, headers);
        assertNotNull(a, method + " " + target + " got no answer");
        return a;
    }

    private static void assertErrorBody(RawHttp.Answer a, int status, String what) {
        assertEquals(status, a.status(), what + " -> " + a.head() + "\n" + a.body());
        assertTrue(a.head().toLowerCase().contains("content-type: application/json"), what + ": " + a.head());
        assertTrue(a.json().get("error").isTextual(), what + ": " + a.body());
        assertTrue(a.json().get("message").isTextual(), what + ": " + a.body());
        assertFalse(a.body().contains("Exception"), what + ": " + a.body());
    }

    private static boolean takesBody(String method) {
        return method.equals("POST") || method.equals("PUT");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("routes")
    void malformedEscapesInTheQueryGet400WithTheErrorBody(String method, String path) {
        for (String query : List.of("x=%zz", "x=%", "user=u1&x=%4", "%zz=1", "x=1&%")) {
            String what = method + " " + path + "?" + query;
            assertErrorBody(send(method, path + "?" + query, takesBody(method) ? "{}" : null,
                    "Content-Type: application/json"), 400, what);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("routes")
    void escapesOfInvalidUtf8AreAnsweredWithoutA500(String method, String path) {
        for (String target : List.of(path + "?x=%ff%fe", path + "?user=%c3%28", path + "/%ff")) {
            RawHttp.Answer a = send(method, target, takesBody(method) ? "{}" : null, "Content-Type: application/json");
            assertTrue(a.status() < 500, method + " " + target + " -> " + a.status() + " " + a.body());
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("routes")
    void formBodiesAreAnsweredEvenWithMalformedEscapes(String method, String path) {
        if (!takesBody(method)) {
            return;
        }
        // curl -d sends this content type by default; the API reads JSON whatever it says.
        assertErrorBody(send(method, path + "?x=%zz", "{}", FORM), 400, method + " " + path + "?x=%zz (form)");
        RawHttp.Answer malformedForm = send(method, path, "a=%zz&b=%", FORM);
        assertTrue(malformedForm.status() >= 400 && malformedForm.status() < 500,
                method + " " + path + " form body -> " + malformedForm.status() + " " + malformedForm.body());
        assertErrorBody(malformedForm, malformedForm.status(), method + " " + path + " form body");
    }

    @Test
    void malformedEscapesInThePathGet400OnKnownRoutesAnd404Elsewhere() {
        assertErrorBody(send("GET", "/v1/campaigns/%", null), 400, "GET /v1/campaigns/%");
        assertErrorBody(send("GET", "/v1/campaigns/%zz", null), 400, "GET /v1/campaigns/%zz");
        assertErrorBody(send("DELETE", "/v1/campaigns/a%2", null), 400, "DELETE /v1/campaigns/a%2");
        assertErrorBody(send("PUT", "/v1/campaigns/%zz", "{}", FORM), 400, "PUT /v1/campaigns/%zz (form)");
        for (String target : List.of("/%zz", "/%", "/v1/%zz/x", "/v1/nothing?x=%zz", "/nothing%")) {
            assertErrorBody(send("GET", target, null), 404, "GET " + target);
            assertErrorBody(send("POST", target, "{}", FORM), 404, "POST " + target + " (form)");
        }
        assertEquals(200, gw.get("/health", null).status());
    }

    @Test
    void aRequestLineOverTheLimitGets414WithTheErrorBody() {
        String target = "/v1/reports?campaign=" + "a".repeat(5000);
        RawHttp.Answer a = send("GET", target, null);
        assertErrorBody(a, 414, "5 KB request line");
        assertEquals("too_large", a.json().get("error").textValue());
        assertEquals(200, gw.get("/health", null).status());
    }

    @Test
    void headersOverTheLimitGet431WithTheErrorBody() {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            many.add("X-Filler-" + i + ": " + "v".repeat(40));
        }
        RawHttp.Answer a = send("GET", "/health", null, many.toArray(String[]::new));
        assertErrorBody(a, 431, "400 headers");
        assertEquals("too_large", a.json().get("error").textValue());
        RawHttp.Answer big = send("GET", "/health", null, "X-Big: " + "v".repeat(20_000));
        assertErrorBody(big, 431, "one 20 KB header");
        assertEquals(200, gw.get("/health", null).status());
    }
}
