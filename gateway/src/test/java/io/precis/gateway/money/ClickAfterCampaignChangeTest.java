package io.precis.gateway.money;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.gateway.Ads;
import io.precis.gateway.Campaigns;
import io.precis.gateway.TestGateway;
import java.math.BigDecimal;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A person who clicks an ad always lands somewhere, whatever the advertiser changed since the
 * ad was served; but an archived campaign is charged nothing more.
 */
class ClickAfterCampaignChangeTest {
    private static final String PAGE = "the best running shoes for a marathon";

    @TempDir
    Path dir;

    private static JsonNode row(TestGateway gw, String key, String id) {
        return gw.get("/v1/reports?groupBy=campaign&campaign=" + id, key).json().get("totals");
    }

    @Test
    void aClickOnAnArchivedCampaignStillLandsButIsNotCharged() {
        try (TestGateway gw = TestGateway.start(dir)) {
            String key = gw.advertiser("Shoes Co");
            String id = gw.campaign(key, Campaigns.keywords("Shoes", "[\"running shoes\"]", "CPC", 0.5));
            Ads ads = new Ads(gw);
            JsonNode before = ads.serve("news.example", PAGE);
            JsonNode after = ads.serve("news.example", PAGE);
            assertEquals(204, ads.impression(before));
            assertEquals(204, ads.impression(after));
            ads.click(before);
            BigDecimal charged = row(gw, key, id).get("spend").decimalValue();
            assertTrue(charged.signum() > 0, "a click before archiving is charged");

            assertEquals(200, gw.delete("/v1/campaigns/" + id, key).status());
            TestGateway.Resp click = gw.get(after.get("clickUrl").textValue(), null);
            assertEquals(302, click.status(), click.body());
            assertTrue(click.header("Location").startsWith("https://shop.example/landing?src=precis&precis_click="),
                    click.header("Location"));
            JsonNode totals = row(gw, key, id);
            assertEquals(2, totals.get("clicks").asLong(), "the click is counted");
            assertEquals(0, charged.compareTo(totals.get("spend").decimalValue()),
                    "nothing is charged after archiving: " + totals);
        }
    }

    @Test
    void aClickWhoseCreativeWasReplacedLandsOnTheCampaignsCurrentLandingUrl() {
        try (TestGateway gw = TestGateway.start(dir)) {
            String key = gw.advertiser("Shoes Co");
            String id = gw.campaign(key, Campaigns.keywords("Shoes", "[\"running shoes\"]", "CPC", 0.5));
            Ads ads = new Ads(gw);
            JsonNode ad = ads.serve("news.example", PAGE);
            assertEquals(204, ads.impression(ad));
            String replaced = Campaigns.keywords("Shoes", "[\"running shoes\"]", "CPC", 0.5)
                    .replace("\"id\": \"c1\"", "\"id\": \"c2\"")
                    .replace("https://shop.example/landing?src=precis", "https://shop.example/winter-sale");
            assertEquals(200, gw.put("/v1/campaigns/" + id, replaced, key).status());
            TestGateway.Resp click = gw.get(ad.get("clickUrl").textValue(), null);
            assertEquals(302, click.status(), click.body());
            assertTrue(click.header("Location").startsWith("https://shop.example/winter-sale?precis_click="),
                    click.header("Location"));
            assertEquals(1, row(gw, key, id).get("clicks").asLong());
        }
    }
}
