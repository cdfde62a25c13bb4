package io.precis.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What clients send that is well-formed JSON but wrong or hostile: out-of-range numbers, missing
 * or future times, a missing slot, a site that is not a host name, an unknown report format,
 * and ids meant to run as spreadsheet formulas in the advertiser's CSV.
 */
class ClientInputTest {
    @TempDir
    static Path dir;
    static TestGateway gw;
    static String publisher;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(dir);
        publisher = gw.account("publisher", "Inputs Pub");
        // Profiling consent, so behaviour of this user is stored and counted as accepted.
        TestGateway.Resp c = gw.put("/v1/consent?user=reader-9", "{\"purposes\": {\"profiling\": true}}", publisher);
        assertEquals(200, c.status(), c.body());
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    private static void assertBadField(TestGateway.Resp r, String field) {
        assertEquals(400, r.status(), r.body());
        assertEquals("bad_request", r.json().get("error").textValue(), r.body());
        assertEquals(field, r.json().path("field").asText(), r.body());
    }

    private static TestGateway.Resp behaviour(String eventsJson) {
        return gw.post("/v1/behaviour", "{\"user\": \"reader-9\", \"events\": " + eventsJson + "}", publisher);
    }

    @Test
    void behaviourValuesBeyondDoubleRangeGet400NamingTheField() {
        for (String v : List.of("1e400", "-1e400", "1e20")) {
            assertBadField(behaviour("[{\"type\": \"purchase\", \"ts\": \"" + Instant.now() + "\", \"value\": " + v + "}]"),
                    "events[0].value");
        }
        // The other numeric fields of the body-taking routes, with the same huge literal.
        assertBadField(gw.ad("{\"slot\": {\"id\": \"s\"}, \"count\": 1e400}"), "count");
        assertBadField(gw.ad("{\"slot\": {\"id\": \"s\"}, \"user\": {\"yob\": 1e400}}"), "user.yob");
        assertBadField(gw.ad("{\"slot\": {\"id\": \"s\"}, \"user\": {\"geo\": {\"lat\": 1e400, \"lon\": 1}}}"),
                "user.geo.lat");
        assertBadField(gw.post("/v1/t/conversion", "{\"click\": \"x\", \"value\": 1e400}", null), "value");
        assertBadField(gw.post("/v1/segments", "{\"id\": \"a:b\", \"keywords\": [\"x\"], \"minEvents\": 1e400}",
                TestGateway.ADMIN_TOKEN), "minEvents");
        assertEquals(200, gw.get("/health", null).status());
    }

    @Test
    void behaviourWithoutTsMeansNowAndAFutureTsRejectsThatEventOnly() {
        TestGateway.Resp noTs = behaviour("[{\"type\": \"view\", \"text\": \"no time given\"}]");
        assertEquals(202, noTs.status(), noTs.body());
        assertEquals(1, noTs.json().get("accepted").intValue(), noTs.body());

        String future = Instant.now().plusSeconds(3600).toString();
        String past = Instant.now().minusSeconds(60).toString();
        TestGateway.Resp mixed = behaviour("[{\"type\": \"view\", \"ts\": \"" + past + "\"},"
                + " {\"type\": \"view\", \"ts\": \"" + future + "\"}, {\"type\": \"search\", \"query\": \"q\"}]");
        assertEquals(202, mixed.status(), mixed.body());
        JsonNode body = mixed.json();
        assertEquals(2, body.get("accepted").intValue(), mixed.body());
        assertEquals(0, body.get("dropped").intValue(), mixed.body());
        JsonNode rejected = body.get("rejected");
        assertEquals(1, rejected.size(), mixed.body());
        assertEquals(1, rejected.get(0).get("index").intValue());
        assertEquals("events[1].ts", rejected.get(0).get("field").textValue());
        assertTrue(rejected.get(0).get("message").isTextual());
        assertFalse(mixed.body().contains(future), "the error names the field, not the value");
        // Within the allowed clock skew a little ahead is fine.
        TestGateway.Resp skew = behaviour("[{\"type\": \"view\", \"ts\": \"" + Instant.now().plusSeconds(60) + "\"}]");
        assertEquals(1, skew.json().get("accepted").intValue(), skew.body());
        assertEquals(0, skew.json().get("rejected").size(), skew.body());
    }

    @Test
    void anAdRequestWithoutASlotGets400NamingSlot() {
        assertBadField(gw.ad("{}"), "slot");
        assertBadField(gw.ad("{\"page\": {\"text\": \"shoes\"}}"), "slot");
        assertBadField(gw.ad("{\"slot\": null}"), "slot");
    }

    @Test
    void slotSiteMustBeAHostName() {
        for (String site : List.of("=HYPERLINK(\\\"http://evil.example\\\",\\\"x\\\")", "+cmd|' /C calc'!A0",
                "-2+3+cmd", "@SUM(1+1)", "news example", "news.example/path", "a..b", "-lead.example",
                "x".repeat(64) + ".example", "\\tnews.example")) {
            assertBadField(gw.ad("{\"slot\": {\"id\": \"top\", \"site\": \"" + site + "\"}}"), "slot.site");
        }
        for (String site : List.of("news.example", "NEWS.Example", "localhost", "xn--fiqs8s.example", "a-b.c-d.example",
                "news.example.")) {
            TestGateway.Resp r = gw.ad("{\"slot\": {\"id\": \"top\", \"site\": \"" + site + "\"}}");
            assertTrue(r.status() == 200 || r.status() == 204, site + " -> " + r.status() + " " + r.body());
        }
    }

    @Test
    void anUnknownReportFormatGets400() {
        String key = gw.advertiser("Formats");
        TestGateway.Resp xml = gw.get("/v1/reports?format=xml", key);
        assertBadField(xml, "format");
        assertEquals(200, gw.get("/v1/reports?format=json", key).status());
        TestGateway.Resp csv = gw.get("/v1/reports?format=CSV", key);
        assertEquals(200, csv.status());
        assertTrue(csv.header("Content-Type").startsWith("text/csv"), csv.header("Content-Type"));
    }

    @Test
    void creativeIdsThatLookLikeFormulasAreNeutralisedInTheCsv() {
        String key = gw.advertiser("Formula Co");
        List<String> ids = List.of("=HYPERLINK(\"http://evil.example\",\"x\")", "+cmd|' /C calc'!A0",
                "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)", "\tTAB", "ok-id");
        StringBuilder creatives = new StringBuilder();
        for (int i = 0; i < ids.size(); i++) {
            creatives.append(i == 0 ? "" : ",").append("{\"id\": ")
                    .append(TestGateway.JSON.valueToTree(ids.get(i)).toString())
                    .append(", \"format\": \"banner-300x250\", \"landingUrl\": \"https://shop.example/\"}");
        }
        gw.campaign(key, """
                {"name": "formulas", "bid": {"model": "CPM", "amount": 5},
                 "targeting": {"keywords": ["spreadsheet"]}, "creatives": [%s]}""".formatted(creatives));
        Ads ads = new Ads(gw);
        // Serve until every creative has had an impression (the auction rotates them).
        java.util.Set<String> seen = new java.util.HashSet<>();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (seen.size() < ids.size() && System.nanoTime() < deadline) {
            JsonNode ad = ads.serve("news.example", "spreadsheet tips");
            if (seen.add(ad.get("creativeId").textValue())) {
                assertEquals(204, ads.impression(ad));
            }
        }
        assertEquals(ids.size(), seen.size(), "every creative served: " + seen);
        TestGateway.Resp csv = gw.get("/v1/reports?groupBy=creative&format=csv", key);
        assertEquals(200, csv.status(), csv.body());
        int rows = 0;
        for (String line : csv.body().split("\r\n")) {
            for (String cell : cells(line)) {
                boolean number = cell.matches("-?[0-9.]+");
                assertFalse(!number && !cell.isEmpty() && "=+-@\t\r".indexOf(cell.charAt(0)) >= 0,
                        "formula cell " + cell + " in " + line);
            }
            rows++;
        }
        assertEquals(ids.size() + 2, rows, csv.body());
        assertTrue(csv.body().contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\""), csv.body());
        assertTrue(csv.body().contains(",'+cmd|' /C calc'!A0,"), csv.body());
        assertTrue(csv.body().contains(",'-2+3+cmd|' /C calc'!A0,"), csv.body());
        assertTrue(csv.body().contains(",'@SUM(1+1),"), csv.body());
        assertTrue(csv.body().contains(",ok-id,"), csv.body());
    }

    /** The cells of one RFC 4180 line, unquoted. */
    private static List<String> cells(String line) {
        List<String> out = new java.util.ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                cell.append('"');
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                out.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        out.add(cell.toString());
        return out;
    }
}
