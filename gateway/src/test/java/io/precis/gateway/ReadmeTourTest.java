package io.precis.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's five-minute curl tour, step by step, over real HTTP. */
class ReadmeTourTest {
    @TempDir
    Path dir;

    @Test
    void tourCreatesAdvertiserAndCampaignServesAdCountsClickAndReports() {
        try (TestGateway gw = TestGateway.start(dir)) {
            assertEquals("up", gw.get("/health", null).json().get("status").textValue());

            // 1. The admin creates an advertiser; its key is shown once.
            TestGateway.Resp account = gw.post("/v1/admin/accounts",
                    "{\"type\":\"advertiser\",\"name\":\"Clean Air Ltd\"}", TestGateway.ADMIN_TOKEN);
            assertEquals(201, account.status());
            String key = account.json().get("apiKey").textValue();
            assertEquals("advertiser", account.json().get("type").textValue());

            // 2. The advertiser creates a campaign.
            TestGateway.Resp created = gw.post("/v1/campaigns", """
                    {"name": "Air-conditioner cleaning, Beijing", "goal": "conversion",
                     "bid": {"model": "CPC", "amount": 1.5, "currency": "CNY"},
                     "budget": {"total": 5000, "daily": 500},
                     "targeting": {"keywords": ["空调清洗", "air conditioner cleaning"], "excludeKeywords": ["维修"],
                                   "formats": ["banner-300x250"]},
                     "creatives": [{"id": "c1", "format": "banner-300x250", "title": "深度清洗 99 元",
                                    "imageUrl": "https://cdn.example/c1.png", "landingUrl": "https://shop.example/ac"}]}
                    """, key);
            assertEquals(201, created.status(), created.body());
            String campaignId = created.json().get("id").textValue();
            assertEquals("active", created.json().get("status").textValue());

            // 3. An ad slot asks for an ad on a page about air-conditioner cleaning.
            TestGateway.Resp served = gw.ad("""
                    {"slot": {"id": "home-top", "format": "banner-300x250", "site": "news.example"},
                     "page": {"url": "https://news.example/a/1", "title": "夏天到了，空调清洗服务预约开始"},
                     "user": {"id": "reader-1"}, "device": {"ip": "203.0.113.7"}}
                    """);
            assertEquals(200, served.status(), served.body());
            JsonNode ad = served.json().get("ads").get(0);
            assertEquals(campaignId, ad.get("campaignId").textValue());
            assertEquals("contextual", ad.get("matchedBy").get(0).textValue());

            // 4. The slot shows it (impression) and the reader clicks: 302 to the landing page.
            Ads ads = new Ads(gw);
            assertEquals(204, ads.impression(ad));
            TestGateway.Resp click = gw.get(ad.get("clickUrl").textValue(), null);
            assertEquals(302, click.status());
            assertTrue(click.header("Location").startsWith("https://shop.example/ac?precis_click="));

            // 5. The shop reports a purchase for that click.
            assertEquals(202, ads.convert(Ads.clickIdOf(click.header("Location")), 199.0, "order-1"));

            // 6. The advertiser reads the report.
            JsonNode report = gw.get("/v1/reports?groupBy=campaign", key).json();
            JsonNode row = report.get("rows").get(0);
            assertEquals(campaignId, row.get("campaign").textValue());
            assertEquals(1, row.get("impressions").asLong());
            assertEquals(1, row.get("clicks").asLong());
            assertEquals(1, row.get("conversions").asLong());
            // CPC: the one valid click costs the second price the auction charged, never above the bid.
            double charged = Ads.chargedMicros(ad) / 1e6;
            assertTrue(charged > 0 && charged <= 1.5);
            assertEquals(charged, row.get("spend").asDouble(), 1e-9);
            assertEquals(199.0, row.get("revenue").asDouble(), 1e-9);
            assertEquals(new java.math.BigDecimal("199").divide(java.math.BigDecimal.valueOf(charged), 4,
                    java.math.RoundingMode.HALF_UP).doubleValue(), row.get("roas").asDouble(), 1e-9);

            TestGateway.Resp csv = gw.get("/v1/reports?groupBy=campaign&format=csv", key);
            assertEquals(200, csv.status());
            assertTrue(csv.header("Content-Type").startsWith("text/csv"));
            assertTrue(csv.body().startsWith("campaign,impressions,clicks"), csv.body());
        }
    }
}
