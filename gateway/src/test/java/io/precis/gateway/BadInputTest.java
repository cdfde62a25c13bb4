package io.precis.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input on every body-taking route gets a 4xx with the error body; the server stays up. */
class BadInputTest {
    @TempDir
    static Path dir;
    static TestGateway gw;
    static String key;
    static String campaignId;
    static String publisher;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(dir);
        key = gw.advertiser("Bad Input");
        campaignId = gw.campaign(key, Campaigns.keywords("ok", "[\"fine\"]", "CPM", 1));
        publisher = gw.account("publisher", "Bad Input Pub");
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    private record Route(String method, String path, String key) {}

    private static List<Route> bodyRoutes() {
        return List.of(
                new Route("POST", "/v1/admin/accounts", TestGateway.ADMIN_TOKEN),
                new Route("POST", "/v1/campaigns", key),
                new Route("PUT", "/v1/campaigns/" + campaignId, key),
                new Route("POST", "/v1/ad", null),
                new Route("POST", "/v1/t/conversion", null),
                new Route("POST", "/v1/behaviour", publisher),
                new Route("POST", "/v1/segments", TestGateway.ADMIN_TOKEN),
                new Route("PUT", "/v1/consent?user=u1", publisher),
                new Route("PUT", "/v1/consent", null));
    }

    private static TestGateway.Resp send(Route r, String body) {
        HttpRequest.Builder b = gw.builder(r.path(), r.key()).header("Content-Type", "application/json");
        return gw.send(b.method(r.method(), HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static void assertErrorBody(TestGateway.Resp r, int status, String what) {
        assertEquals(status, r.status(), what + " -> " + r.body());
        JsonNode body = r.json();
        assertTrue(body.get("error").isTextual(), what);
        assertTrue(body.get("message").isTextual(), what);
        assertFalse(r.body().contains("Exception"), "no stack trace: " + r.body());
        assertFalse(r.body().contains("\tat "), "no stack trace: " + r.body());
    }

    @Test
    void malformedEmptyAndNonObjectBodiesGet400OnEveryRoute() {
        List<String> bodies = List.of("", "{", "[]", "null", "\"text\"", "42", "{\"a\":1}{", "{\"a\":1,\"a\":2}",
                "\u0000\u0001", "{'single': 'quotes'}");
        for (Route r : bodyRoutes()) {
            for (String body : bodies) {
                assertErrorBody(send(r, body), 400, r.method() + " " + r.path() + " with " + body);
            }
        }
        assertHealthy();
    }

    @Test
    void hugeBodiesGet413OnEveryRoute() {
        String huge = "{\"name\":\"" + "x".repeat(70 * 1024) + "\"}";
        for (Route r : bodyRoutes()) {
            TestGateway.Resp resp = send(r, huge);
            assertErrorBody(resp, 413, r.path());
            assertEquals("too_large", resp.json().get("error").textValue());
        }
        assertHealthy();
    }

    @Test
    void wrongTypesAndUnknownEnumsInCampaignsGet400NamingTheField() {
        String valid = Campaigns.keywords("v", "[\"k\"]", "CPM", 1);
        List<String[]> cases = new ArrayList<>();
        cases.add(new String[] {"name", valid.replace("\"name\": \"v\"", "\"name\": 5")});
        cases.add(new String[] {"goal", valid.replace("\"awareness\"", "\"fame\"")});
        cases.add(new String[] {"bid.model", valid.replace("\"CPM\"", "\"CPX\"")});
        cases.add(new String[] {"bid.amount", valid.replace("\"amount\": 1.0", "\"amount\": -1")});
        cases.add(new String[] {"bid.amount", valid.replace("\"amount\": 1.0", "\"amount\": \"1\"")});
        // Amounts the gateway could not charge exactly: too large, too many decimals, infinite.
        cases.add(new String[] {"bid.amount", valid.replace("\"amount\": 1.0", "\"amount\": 2000000")});
        cases.add(new String[] {"bid.amount", valid.replace("\"amount\": 1.0", "\"amount\": 0.0000001")});
        cases.add(new String[] {"bid.amount", valid.replace("\"amount\": 1.0", "\"amount\": 1e400")});
        cases.add(new String[] {"budget.total", valid.replace("\"goal\"", "\"budget\": {\"total\": 1e20}, \"goal\"")});
        cases.add(new String[] {"budget.daily", valid.replace("\"goal\"", "\"budget\": {\"daily\": 5000000000}, \"goal\"")});
        cases.add(new String[] {"targeting.keywords", valid.replace("[\"k\"]", "\"k\"")});
        cases.add(new String[] {"creatives[0].format",
                valid.replace("\"format\": \"banner-300x250\",", "\"format\": \"video-15s\",")});
        cases.add(new String[] {"targeting.regions",
                valid.replace("\"keywords\": [\"k\"]", "\"keywords\": [\"k\"], \"regions\": [\"beijing\"]")});
        cases.add(new String[] {"schedule.end", valid.replace("\"goal\"",
                "\"schedule\": {\"start\": \"2026-12-01T00:00:00Z\", \"end\": \"2026-11-01T00:00:00Z\"}, \"goal\"")});
        cases.add(new String[] {"status", valid.replace("\"goal\"", "\"status\": \"archived\", \"goal\"")});
        for (String[] c : cases) {
            TestGateway.Resp r = gw.post("/v1/campaigns", c[1], key);
            assertErrorBody(r, 400, c[0]);
            String field = r.json().path("field").asText("");
            assertTrue(field.startsWith(c[0]) || r.json().get("message").textValue().contains(c[0]),
                    "error must name " + c[0] + ": " + r.body());
        }
        assertHealthy();
    }

    @Test
    void wrongTypesInAdConversionAndAccountBodiesGet400NamingTheField() {
        String[][] cases = {
                {"/v1/ad", "{\"count\": \"1\"}", "count"},
                {"/v1/ad", "{\"count\": 1000}", "count"},
                {"/v1/ad", "{\"slot\": \"top\"}", "slot"},
                {"/v1/ad", "{\"page\": {\"keywords\": \"a\"}}", "page.keywords"},
                {"/v1/ad", "{\"user\": {\"geo\": {\"lat\": 200}}}", "user.geo.lat"},
                {"/v1/ad", "{\"user\": {\"id\": 12}}", "user.id"},
                {"/v1/t/conversion", "{\"click\": 5}", "click"},
                {"/v1/t/conversion", "{\"click\": \"x\", \"value\": \"ten\"}", "value"},
                {"/v1/t/conversion", "{}", "click"},
        };
        for (String[] c : cases) {
            TestGateway.Resp r = gw.post(c[0], c[1], null);
            assertErrorBody(r, 400, c[0] + " " + c[1]);
            assertEquals(c[2], r.json().path("field").asText(), r.body());
        }
        String[][] privacyCases = {
                {"/v1/behaviour", "{\"user\": 5, \"events\": []}", "user"},
                {"/v1/behaviour", "{\"user\": \"u\", \"events\": \"many\"}", "events"},
                {"/v1/behaviour", "{\"user\": \"u\", \"events\": [{\"type\": \"teleport\", \"ts\": \"2026-11-01T00:00:00Z\"}]}",
                        "events[0].type"},
                {"/v1/behaviour", "{\"user\": \"u\", \"events\": [{\"type\": \"view\", \"ts\": \"yesterday\"}]}",
                        "events[0].ts"},
        };
        for (String[] c : privacyCases) {
            TestGateway.Resp r = gw.post(c[0], c[1], publisher);
            assertErrorBody(r, 400, c[0] + " " + c[1]);
            assertEquals(c[2], r.json().path("field").asText(), r.body());
        }
        TestGateway.Resp seg = gw.post("/v1/segments", "{\"id\": \"lifecycle:mine\", \"keywords\": [\"x\"]}",
                TestGateway.ADMIN_TOKEN);
        assertErrorBody(seg, 400, "reserved segment id");
        TestGateway.Resp consent = gw.put("/v1/consent?user=u1", "{\"purposes\": {\"measurement\": 1}}", publisher);
        assertErrorBody(consent, 400, "non-boolean purpose");
        assertEquals("purposes.measurement", consent.json().get("field").textValue());
        assertErrorBody(gw.put("/v1/consent", "{\"purposes\": []}", publisher), 400, "publisher without ?user=");
        assertErrorBody(gw.post("/v1/ad", "{\"user\": {\"region\": \"Beijing\"}}", null), 400, "bad user region");
        TestGateway.Resp acct = gw.post("/v1/admin/accounts", "{\"type\": \"agency\", \"name\": \"x\"}",
                TestGateway.ADMIN_TOKEN);
        assertErrorBody(acct, 400, "account type");
        assertEquals("type", acct.json().get("field").textValue());
        assertHealthy();
    }

    @Test
    void unknownRoutesMethodsAndBadReportParametersGetErrorBodies() {
        assertErrorBody(gw.get("/v1/nothing-here", null), 404, "unknown route");
        assertErrorBody(gw.get("/v1/campaigns/does-not-exist", key), 404, "unknown campaign");
        assertErrorBody(gw.get("/v1/reports?from=yesterday", key), 400, "bad from");
        assertErrorBody(gw.get("/v1/reports?from=2026-11-30&to=2026-11-01", key), 400, "from after to");
        assertErrorBody(gw.get("/v1/reports?groupBy=planet", key), 400, "bad groupBy");
        assertHealthy();
    }

    private static void assertHealthy() {
        assertEquals(200, gw.get("/health", null).status());
    }
}
