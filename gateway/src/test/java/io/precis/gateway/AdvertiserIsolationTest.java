package io.precis.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One advertiser never sees or touches another's campaigns or numbers. */
class AdvertiserIsolationTest {
    @TempDir
    Path dir;

    @Test
    void anotherAdvertisersCampaignIsNotFoundAndItsEventsStayOutOfReports() {
        try (TestGateway gw = TestGateway.start(dir)) {
            String alice = gw.advertiser("Alice");
            String bob = gw.advertiser("Bob");
            String publisher = gw.account("publisher", "Pub");
            String aliceCampaign = gw.campaign(alice, Campaigns.keywords("A", "[\"violin lessons\"]", "CPM", 10));
            String bobCampaign = gw.campaign(bob, Campaigns.keywords("B", "[\"piano lessons\"]", "CPM", 10));

            String path = "/v1/campaigns/" + aliceCampaign;
            assertEquals(404, gw.get(path, bob).status());
            assertEquals("not_found", gw.get(path, bob).json().get("error").textValue());
            assertEquals(404, gw.put(path, Campaigns.keywords("stolen", "[\"x\"]", "CPM", 1), bob).status());
            assertEquals(404, gw.delete(path, bob).status());
            assertEquals(200, gw.get(path, alice).status());

            JsonNode bobsList = gw.get("/v1/campaigns", bob).json().get("campaigns");
            assertEquals(1, bobsList.size());
            assertEquals(bobCampaign, bobsList.get(0).get("id").textValue());

            Ads ads = new Ads(gw);
            assertEquals(204, ads.impression(ads.serve("news.example", "violin lessons for kids")));
            assertEquals(204, ads.impression(ads.serve("news.example", "piano lessons for adults")));

            JsonNode bobRows = gw.get("/v1/reports?groupBy=campaign", bob).json().get("rows");
            assertEquals(1, bobRows.size());
            assertEquals(bobCampaign, bobRows.get(0).get("campaign").textValue());
            assertEquals(0, gw.get("/v1/reports?campaign=" + aliceCampaign, bob).json().get("rows").size());

            assertEquals(401, gw.get("/v1/campaigns", "prc.nobody.secret").status());
            assertEquals(401, gw.get("/v1/campaigns", null).status());
            assertEquals(403, gw.get("/v1/campaigns", publisher).status());
            assertEquals(401, gw.post("/v1/admin/accounts", "{\"type\":\"advertiser\",\"name\":\"x\"}", alice).status());
        }
    }
}
