package io.precis.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Would this campaign match this page?": the preview answers with the same analysis and rules
 * as matching, and shows the words the analyser made of the keywords and found on the page.
 */
class CampaignPreviewTest {
    private static final String TARGETING = """
            "targeting": {"keywords": ["空调清洗", "air conditioner cleaning"], "excludeKeywords": ["维修"]}""";

    @TempDir
    Path dir;
    private TestGateway gw;
    private String key;

    @BeforeEach
    void start() {
        gw = TestGateway.start(dir);
        key = gw.advertiser("Clean Air Ltd");
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    private JsonNode preview(String what, String text) {
        TestGateway.Resp r = gw.post("/v1/campaigns/preview", "{" + what + ", \"page\": {\"title\": \"" + text + "\"}}", key);
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    @Test
    void aChineseKeywordMatchesThePageWordsTheAnalyserFound() {
        JsonNode p = preview(TARGETING, "夏天到了，空调清洗服务预约开始");
        assertTrue(p.get("matches").asBoolean(), p.toString());
        JsonNode first = p.get("keywords").get(0);
        assertEquals("空调清洗", first.get("keyword").asText());
        assertTrue(first.get("found").asBoolean());
        assertEquals("[\"空调\",\"清洗\"]", first.get("terms").toString(), "the analyser's words for the keyword");
        assertFalse(p.get("keywords").get(1).get("found").asBoolean(), "the English keyword is not on the page");
        assertTrue(p.get("pageTerms").toString().contains("\"空调\""), p.get("pageTerms").toString());
    }

    @Test
    void anExcludedKeywordOnThePageVetoesTheMatch() {
        JsonNode p = preview(TARGETING, "空调清洗和空调维修哪家好");
        assertFalse(p.get("matches").asBoolean(), p.toString());
        assertTrue(p.get("excludedKeywords").get(0).get("found").asBoolean());
    }

    @Test
    void aSavedCampaignIsPreviewedByIdAndOnlyByItsOwner() {
        String id = gw.campaign(key, Campaigns.keywords("Shoes", "[\"running shoes\"]", "CPC", 0.5));
        assertTrue(preview("\"campaign\": \"" + id + "\"", "the best running shoes for a marathon").get("matches").asBoolean());
        assertFalse(preview("\"campaign\": \"" + id + "\"", "空调清洗").get("matches").asBoolean());
        String other = gw.advertiser("Other Co");
        assertEquals(404, gw.post("/v1/campaigns/preview", "{\"campaign\": \"" + id + "\"}", other).status());
    }

    @Test
    void badTargetingIsA400NamingTheField() {
        TestGateway.Resp r = gw.post("/v1/campaigns/preview", "{\"targeting\": {\"keywords\": \"not a list\"}}", key);
        assertEquals(400, r.status(), r.body());
        assertEquals("targeting.keywords", r.json().get("field").asText(), r.body());
        assertEquals(401, gw.post("/v1/campaigns/preview", "{}", null).status());
    }
}
