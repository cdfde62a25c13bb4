package io.precis.gateway.places;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.gateway.Campaigns;
import io.precis.gateway.TestGateway;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Place visits end to end over HTTP: an advertiser registers malls, readers' behaviour carries
 * locations, and campaigns target the regulars of one mall and the people who shop at malls but
 * never at that one, with consent on and off.
 */
class PlaceVisitsTest {
    /** Inside mall A (about 100 m from its centre). */
    private static final String IN_A = "{\"lat\": 31.2310, \"lon\": 121.4745}";
    /** Inside mall B. */
    private static final String IN_B = "{\"lat\": 31.2001, \"lon\": 121.4001}";
    private static final String ALL = "{\"purposes\": {\"personalisation\": true, \"profiling\": true,"
            + " \"measurement\": true, \"precise_geo\": true}}";

    @TempDir
    Path dir;

    private static String place(String name, double lat, double lon) {
        return "{\"name\": \"" + name + "\", \"category\": \"Mall\", \"latitude\": " + lat + ", \"longitude\": " + lon
                + ", \"radius\": 300}";
    }

    /** A campaign for {@code segment}'s people only, on any page. */
    private static String forSegment(String name, String segment) {
        return Campaigns.untargeted(name, "CPM", 5).replace("\"creatives\"", "\"targeting\": {\"segments\": [\""
                + segment + "\"]}, \"creatives\"");
    }

    /** Behaviour of {@code user}: one view at {@code location} on each of {@code days} days ago. */
    private static String visits(String user, String location, int... days) {
        List<String> events = new ArrayList<>();
        for (int d : days) {
            events.add("{\"type\": \"view\", \"ts\": \"" + Instant.now().minus(Duration.ofDays(d)) + "\", \"text\": \"shopping\","
                    + " \"location\": " + location + "}");
        }
        return "{\"user\": \"" + user + "\", \"events\": [" + String.join(", ", events) + "]}";
    }

    private static List<String> campaignsServed(TestGateway gw, String user) {
        TestGateway.Resp r = gw.ad(Campaigns.adRequest("news.example", "today's news").strip()
                .replaceFirst("}$", ", \"user\": {\"id\": \"" + user + "\"}, \"count\": 5}"));
        List<String> out = new ArrayList<>();
        if (r.status() == 200) {
            for (JsonNode ad : r.json().get("ads")) {
                out.add(ad.get("campaignId").textValue());
            }
        }
        return out;
    }

    @Test
    void regularsAndNeverVisitorsAreTargetedWithConsentAndNotWithout() {
        try (TestGateway gw = TestGateway.start(dir)) {
            String key = gw.advertiser("Malls");
            String publisher = gw.account("publisher", "Pub");
            TestGateway.Resp a = gw.post("/v1/places", place("Mall A", 31.2304, 121.4737), key);
            assertEquals(201, a.status(), a.body());
            String mallA = a.json().get("id").textValue();
            assertEquals("mall", a.json().get("category").textValue());
            assertTrue(a.json().get("segments").toString().contains("place:" + mallA + ":regular"), a.body());
            String mallB = gw.post("/v1/places", place("Mall B", 31.2000, 121.4000), key).json().get("id").textValue();
            String regulars = gw.campaign(key, forSegment("RegularsOfA", "place:" + mallA + ":regular"));
            String strangers = gw.campaign(key, forSegment("NeverAtA", "place:" + mallA + ":never"));

            // A regular of mall A (four visit-days in 30, two fixes on one of them).
            assertEquals(200, gw.put("/v1/consent?user=regular", ALL, publisher).status());
            assertEquals(202, gw.post("/v1/behaviour", visits("regular", IN_A, 0, 2, 5, 5, 20), publisher).status());
            assertEquals(List.of(regulars), campaignsServed(gw, "regular"));

            // Three visit-days only: occasional, not a regular.
            assertEquals(200, gw.put("/v1/consent?user=occasional", ALL, publisher).status());
            gw.post("/v1/behaviour", visits("occasional", IN_A, 1, 3, 7), publisher);
            assertEquals(List.of(), campaignsServed(gw, "occasional"));

            // Shops at mall B, never came to A.
            assertEquals(200, gw.put("/v1/consent?user=b-shopper", ALL, publisher).status());
            gw.post("/v1/behaviour", visits("b-shopper", IN_B, 4), publisher);
            assertEquals(List.of(strangers), campaignsServed(gw, "b-shopper"));

            // Without precise_geo the location is dropped: no visit, no place segment.
            assertEquals(200, gw.put("/v1/consent?user=no-geo",
                    "{\"purposes\": {\"personalisation\": true, \"profiling\": true}}", publisher).status());
            gw.post("/v1/behaviour", visits("no-geo", IN_A, 0, 2, 5, 9), publisher);
            assertEquals(List.of(), campaignsServed(gw, "no-geo"));
            JsonNode noGeo = gw.get("/v1/me?user=no-geo", publisher).json();
            assertEquals(4, noGeo.path("behaviour").size(), "the views are kept, no visit: " + noGeo);
            assertFalse(noGeo.toString().contains("visit"), noGeo.toString());

            // Without personalisation the segment is not used for targeting, though the visits count.
            assertEquals(200, gw.put("/v1/consent?user=regular",
                    "{\"purposes\": {\"personalisation\": false, \"profiling\": true, \"precise_geo\": true}}",
                    publisher).status());
            assertEquals(List.of(), campaignsServed(gw, "regular"));

            // Mall B is deleted: its shopper is no longer a mall shopper who never came to A.
            assertEquals(204, gw.delete("/v1/places/" + mallB, key).status());
            assertEquals(List.of(), campaignsServed(gw, "b-shopper"));
        }
    }

    /**
     * A behaviour call whose events carry locations inside places is stored in one commit: its
     * events and the visits they make are one append. They were two (the events, then the
     * visits), each re-reading the person's behaviour, recomputing segments and storing the
     * profile again.
     */
    @Test
    void aBehaviourCallWithLocationsIsStoredInOneCommit() {
        try (TestGateway gw = TestGateway.start(dir)) {
            String key = gw.advertiser("Malls");
            String publisher = gw.account("publisher", "Pub");
            String mallA = gw.post("/v1/places", place("Mall A", 31.2304, 121.4737), key).json().get("id").textValue();
            assertEquals(200, gw.put("/v1/consent?user=shopper", ALL, publisher).status());
            long before = behaviourCommits(gw);
            TestGateway.Resp r = gw.post("/v1/behaviour", visits("shopper", IN_A, 0, 2, 5, 20), publisher);
            assertEquals(202, r.status(), r.body());
            assertEquals(4, r.json().get("accepted").intValue(), "the four views; their visits are not counted as events");
            assertEquals(1, behaviourCommits(gw) - before, "events and visits in one commit");
            JsonNode me = gw.get("/v1/me?user=shopper", publisher).json();
            assertTrue(me.toString().contains("place:" + mallA + ":regular"), "the visits made the person a regular: " + me);
        }
    }

    private static long behaviourCommits(TestGateway gw) {
        for (String line : gw.get("/metrics", null).body().split("\n")) {
            if (line.startsWith("precis_behaviour_commits_total")) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no precis_behaviour_commits_total in /metrics");
    }

    @Test
    void placesBelongToTheirAdvertiserAndBadInputIsRefused() {
        try (TestGateway gw = TestGateway.start(dir)) {
            String key = gw.advertiser("Malls");
            String other = gw.advertiser("Other");
            String publisher = gw.account("publisher", "Pub");
            String id = gw.post("/v1/places", place("Mall A", 31.2304, 121.4737), key).json().get("id").textValue();
            assertEquals(1, gw.get("/v1/places", key).json().get("places").size());
            assertEquals(0, gw.get("/v1/places", other).json().get("places").size());
            assertEquals(404, gw.delete("/v1/places/" + id, other).status());
            TestGateway.Resp theirs = gw.post("/v1/campaigns", forSegment("Poacher", "place:" + id + ":regular"), other);
            assertEquals(400, theirs.status(), "another advertiser's place is not a segment to target: " + theirs.body());
            assertEquals(201, gw.post("/v1/campaigns", forSegment("Mine", "place:" + id + ":never"), key).status());
            assertEquals(401, gw.post("/v1/places", place("X", 1, 1), null).status());
            for (String bad : List.of("{\"name\": \"X\", \"category\": \"mall\", \"latitude\": 91, \"longitude\": 0, \"radius\": 100}",
                    "{\"name\": \"X\", \"category\": \"mall\", \"latitude\": 1, \"longitude\": 0, \"radius\": 5}",
                    "{\"name\": \"X\", \"category\": \"mall\", \"latitude\": 1, \"longitude\": 0}",
                    "{\"category\": \"mall\", \"latitude\": 1, \"longitude\": 0, \"radius\": 100}",
                    "{\"name\": \"X\", \"category\": \"a:b\", \"latitude\": 1, \"longitude\": 0, \"radius\": 100}")) {
                TestGateway.Resp r = gw.post("/v1/places", bad, key);
                assertEquals(400, r.status(), bad + " -> " + r.body());
                assertTrue(r.json().has("error"), r.body());
            }
            TestGateway.Resp badLocation = gw.post("/v1/behaviour", "{\"user\": \"u\", \"events\": [{\"type\": \"view\","
                    + " \"location\": {\"lat\": 123.456789, \"lon\": 0}}]}", publisher);
            assertEquals(400, badLocation.status(), badLocation.body());
            assertFalse(badLocation.body().contains("123.456789"), "an error never repeats a location");
            TestGateway.Resp visit = gw.post("/v1/behaviour", "{\"user\": \"u\", \"events\": [{\"type\": \"visit\"}]}",
                    publisher);
            assertEquals(400, visit.status(), "visits are made by the gateway, never sent: " + visit.body());
        }
    }

    @Test
    void eachGroupSeesTheCreativeOfItsOwnAudience() {
        try (TestGateway gw = TestGateway.start(dir)) {
            String key = gw.advertiser("Malls");
            String publisher = gw.account("publisher", "Pub");
            String a = gw.post("/v1/places", place("Mall A", 31.2304, 121.4737), key).json().get("id").textValue();
            gw.post("/v1/places", place("Mall B", 31.2000, 121.4000), key);
            String regular = "place:" + a + ":regular";
            String never = "place:" + a + ":never";
            String campaign = """
                    {"name": "JoyCity", "bid": {"model": "CPM", "amount": 5},
                     "targeting": {"segments": ["%s", "%s"]},
                     "creatives": [
                       {"id": "offer", "format": "banner-300x250", "title": "20%% off this week",
                        "landingUrl": "https://mall.example/offer", "audience": ["%s"]},
                       {"id": "offer-and-way", "format": "banner-300x250", "title": "20%% off: metro line 2, exit 4",
                        "landingUrl": "https://mall.example/way", "audience": ["%s"]}]}
                    """.formatted(regular, never, regular, never);
            TestGateway.Resp created = gw.post("/v1/campaigns", campaign, key);
            assertEquals(201, created.status(), created.body());
            assertEquals(regular, created.json().at("/creatives/0/audience/0").textValue(), created.body());

            assertEquals(200, gw.put("/v1/consent?user=regular", ALL, publisher).status());
            gw.post("/v1/behaviour", visits("regular", IN_A, 0, 2, 5, 20), publisher);
            assertEquals(200, gw.put("/v1/consent?user=b-shopper", ALL, publisher).status());
            gw.post("/v1/behaviour", visits("b-shopper", IN_B, 4), publisher);
            for (int i = 0; i < 5; i++) { // the choice among fitting creatives is random: never the other group's
                assertEquals("offer", creativeServed(gw, "regular"));
                assertEquals("offer-and-way", creativeServed(gw, "b-shopper"));
            }
        }
    }

    private static String creativeServed(TestGateway gw, String user) {
        TestGateway.Resp r = gw.ad(Campaigns.adRequest("news.example", "today's news").strip()
                .replaceFirst("}$", ", \"user\": {\"id\": \"" + user + "\"}}"));
        assertEquals(200, r.status(), r.body());
        return r.json().at("/ads/0/creativeId").textValue();
    }
}
