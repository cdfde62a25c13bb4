package io.precis.gateway.audiences;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.gateway.Campaigns;
import io.precis.gateway.TestGateway;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Customer lists end to end over HTTP: uploads in CSV and JSON, sizes rounded to k, another
 * advertiser's list is 404, and matching with consent on and off: an include list needs
 * personalisation, an exclude list applies whatever the consent, a caution list caps tighter.
 */
class CustomerListsTest {
    @TempDir
    static Path dir;
    static TestGateway gw;
    static String advertiser;
    static String other;
    static String publisher;
    static String customers;
    static String complainers;
    static String grey;
    static String includeCampaign;
    static String excludeCampaign;
    static String cautionCampaign;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(dir);
        advertiser = gw.advertiser("Water Filters Co");
        other = gw.advertiser("Someone Else");
        publisher = gw.account("publisher", "News Site");
        customers = create(advertiser, "customers");
        complainers = create(advertiser, "complainers");
        grey = create(advertiser, "lapsed");
        TestGateway.Resp csv = csv(customers, ids("customer-", 12), "");
        assertEquals(200, csv.status(), csv.body());
        assertEquals(12, csv.json().get("received").asInt());
        TestGateway.Resp json = gw.put("/v1/audiences/" + complainers + "/members",
                "{\"ids\": [\"complainer-1\", \"complainer-2\", \"complainer-3\"]}", advertiser);
        assertEquals(200, json.status(), json.body());
        assertEquals(200, csv(grey, "lapsed-1\nlapsed-2\n", "").status());
        includeCampaign = gw.campaign(advertiser, withAudiences("Only customers", 80,
                "{\"include\": [\"" + customers + "\"]}"));
        excludeCampaign = gw.campaign(advertiser, withAudiences("Not complainers", 60,
                "{\"exclude\": [\"" + complainers + "\"]}"));
        cautionCampaign = gw.campaign(advertiser, withAudiences("Careful with lapsed", 40,
                "{\"caution\": [\"" + grey + "\"], \"cautionBidMultiplier\": 0.5,"
                        + " \"cautionFrequencyCap\": {\"impressions\": 1, \"perHours\": 24}}"));
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    static String create(String key, String name) {
        TestGateway.Resp r = gw.post("/v1/audiences", "{\"name\": \"" + name + "\"}", key);
        assertEquals(201, r.status(), r.body());
        return r.json().get("id").textValue();
    }

    static String ids(String prefix, int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> prefix + i).collect(Collectors.joining("\n"));
    }

    static TestGateway.Resp csv(String audience, String body, String query) {
        return gw.send(gw.builder("/v1/audiences/" + audience + "/members" + query, advertiser)
                .header("Content-Type", "text/csv").PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static String withAudiences(String name, int cpm, String audiencesJson) {
        return """
                {"name": "%s", "bid": {"model": "CPM", "amount": %d},
                 "targeting": {"audiences": %s},
                 "creatives": [{"id": "c1", "format": "banner-300x250", "landingUrl": "https://shop.example/x"}]}
                """.formatted(name, cpm, audiencesJson);
    }

    static List<String> served(String user) {
        TestGateway.Resp r = gw.ad("""
                {"slot": {"id": "top", "format": "banner-300x250", "site": "news.example"},
                 "page": {"url": "https://news.example/x", "text": "今日新闻"},
                 "user": {"id": "%s"}, "count": 3}
                """.formatted(user));
        assertTrue(r.status() == 200 || r.status() == 204, r.body());
        List<String> out = new ArrayList<>();
        if (r.status() == 200) {
            r.json().get("ads").forEach(a -> out.add(a.get("campaignId").textValue()));
        }
        return out;
    }

    static void consent(String user, boolean personalisation) {
        TestGateway.Resp r = gw.put("/v1/consent?user=" + user,
                "{\"purposes\": {\"personalisation\": " + personalisation + "}}", publisher);
        assertEquals(200, r.status(), r.body());
    }

    @Test
    void listShowsOnlyItsSizeRoundedDownToK() {
        JsonNode list = gw.get("/v1/audiences/" + customers, advertiser).json();
        assertEquals(10, list.get("size").asInt(), "12 members show as 10 (k = 10)");
        assertEquals(10, list.get("sizeRoundedTo").asInt());
        assertEquals(0, gw.get("/v1/audiences/" + complainers, advertiser).json().get("size").asInt(),
                "a list below k shows 0");
        String all = gw.get("/v1/audiences", advertiser).body();
        assertTrue(all.contains(customers) && all.contains(complainers), all);
        assertFalse(all.contains("customer-1"), all);
    }

    @Test
    void anotherAdvertisersListIsNotFoundAndCannotBeTargeted() {
        assertEquals(404, gw.get("/v1/audiences/" + customers, other).status());
        assertEquals(404, gw.put("/v1/audiences/" + customers + "/members", "{\"ids\": [\"x\"]}", other).status());
        assertEquals(404, gw.delete("/v1/audiences/" + customers, other).status());
        assertFalse(gw.get("/v1/audiences", other).body().contains(customers));
        TestGateway.Resp r = gw.post("/v1/campaigns", withAudiences("Steal", 10,
                "{\"include\": [\"" + customers + "\"]}"), other);
        assertEquals(400, r.status(), r.body());
        assertEquals("targeting.audiences", r.json().get("field").textValue());
    }

    @Test
    void badUploadsAreRefusedWithAClearError() {
        assertBad(csv(customers, "", ""));
        assertBad(csv(customers, "a\nb", "?mode=sideways"));
        assertBad(gw.put("/v1/audiences/" + customers + "/members", "{\"ids\": [1, 2]}", advertiser));
        assertBad(gw.put("/v1/audiences/" + customers + "/members", "{\"ids\": [\"a\"", advertiser));
        assertBad(gw.send(gw.builder("/v1/audiences/" + customers + "/members", advertiser)
                .header("Content-Type", "application/xml").PUT(HttpRequest.BodyPublishers.ofString("<a/>")).build()));
        assertBad(csv(customers, ids("many-", 100_001), ""));
        assertBad(gw.post("/v1/campaigns", withAudiences("Too generous", 10,
                "{\"caution\": [\"" + grey + "\"], \"cautionBidMultiplier\": 2}"), advertiser));
        assertEquals(10, gw.get("/v1/audiences/" + customers, advertiser).json().get("size").asInt(),
                "refused uploads changed nothing");
    }

    static void assertBad(TestGateway.Resp r) {
        assertEquals(400, r.status(), r.body());
        assertTrue(r.json().get("error").isTextual() && r.json().get("message").isTextual(), r.body());
    }

    @Test
    void includeListNeedsPersonalisation() {
        String user = "customer-3";
        assertFalse(served(user).contains(includeCampaign), "without personalisation nobody is a member");
        consent(user, true);
        assertTrue(served(user).contains(includeCampaign), "with personalisation the member is included");
        assertFalse(served("not-a-customer").contains(includeCampaign));
        consent("not-a-customer-2", true);
        assertFalse(served("not-a-customer-2").contains(includeCampaign));
    }

    @Test
    void excludeListAppliesWhateverTheConsent() {
        assertTrue(served("someone-else").contains(excludeCampaign));
        assertFalse(served("complainer-1").contains(excludeCampaign), "excluded without consent");
        consent("complainer-2", true);
        assertFalse(served("complainer-2").contains(excludeCampaign), "excluded with consent");
    }

    @Test
    void cautionMembersGetTheTighterCap() {
        assertTrue(served("lapsed-1").contains(cautionCampaign));
        assertFalse(served("lapsed-1").contains(cautionCampaign), "one per 24 hours for the grey list");
        assertTrue(served("a-newcomer").contains(cautionCampaign));
        assertTrue(served("a-newcomer").contains(cautionCampaign), "no cap for everyone else");
    }

    @Test
    void membersCanBeRemovedAndReplacedAndListsDeleted() {
        String list = create(advertiser, "short-lived");
        assertEquals(200, csv(list, "temp-1\ntemp-2", "").status());
        String campaign = gw.campaign(advertiser, withAudiences("Temp excluded", 30,
                "{\"exclude\": [\"" + list + "\"]}"));
        assertFalse(served("temp-1").contains(campaign));
        TestGateway.Resp removed = gw.send(gw.builder("/v1/audiences/" + list + "/members", advertiser)
                .header("Content-Type", "text/csv").method("DELETE", HttpRequest.BodyPublishers.ofString("temp-1")).build());
        assertEquals(200, removed.status(), removed.body());
        assertTrue(served("temp-1").contains(campaign), "removed from the list");
        assertEquals(200, csv(list, "temp-1", "?mode=replace").status());
        assertFalse(served("temp-1").contains(campaign));
        assertTrue(served("temp-2").contains(campaign), "replaced: temp-2 is no longer in it");
        assertEquals(204, gw.delete("/v1/audiences/" + list, advertiser).status());
        assertEquals(404, gw.get("/v1/audiences/" + list, advertiser).status());
        assertTrue(served("temp-1").contains(campaign), "a deleted list holds nobody");
    }
}
