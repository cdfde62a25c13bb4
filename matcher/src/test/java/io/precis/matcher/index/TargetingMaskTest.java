package io.precis.matcher.index;

import static io.precis.matcher.TestCampaigns.campaign;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.text.TextAnalysis;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The packed pre-check on its own: what it rejects and the facts it hands on. */
class TargetingMaskTest {
    private static final Instant NOW = Instant.parse("2026-11-10T08:00:00Z");

    private static IndexedCampaign prepared(Campaign c) {
        return IndexedCampaign.of(c, TextAnalysis.shared());
    }

    /** The facts of {@code c} against a request in CN-11 aged 30, f, segment s1, at NOW. */
    private static int facts(Campaign c) {
        IndexedCampaign ic = prepared(c);
        TargetingMask.Dictionaries d = TargetingMask.Dictionaries.of(new IndexedCampaign[] {ic});
        long[] docs = new long[TargetingMask.SLOTS];
        TargetingMask.write(ic, d, docs, 0);
        long[] q = TargetingMask.request(List.of("CN-11", "CN"), List.of("s1"), 30, "f",
                List.of("news.example"), false, NOW).resolve(d);
        return TargetingMask.check(docs, 0, q);
    }

    @Test
    void untargetedCampaignIsAdmittedAsSimpleNonContextualAndOpen() {
        int facts = facts(campaign("a", 1, ""));
        assertTrue(facts >= 0, "known facts");
        assertEquals(0, TargetingMask.demographicHits(facts));
        assertEquals(0, TargetingMask.segmentHits(facts));
        assertTrue(TargetingMask.simple(facts));
        assertTrue(TargetingMask.scheduleOpen(facts));
        assertFalse(TargetingMask.contextual(facts));
    }

    @Test
    void keywordOrCategoryCampaignIsFlaggedContextual() {
        assertTrue(TargetingMask.contextual(facts(campaign("k", 1,
                "\"targeting\": {\"keywords\": [\"冰箱\"]}"))));
        assertTrue(TargetingMask.contextual(facts(campaign("c", 1,
                "\"targeting\": {\"categories\": [\"appliances\"]}"))));
    }

    @Test
    void exactBitsCountDemographicAndSegmentHits() {
        int facts = facts(campaign("d", 1, """
                "targeting": {"regions": ["CN-11"], "genders": ["f"], "ageBands": ["25-34"],
                              "segments": ["s1", "s2"]}"""));
        assertEquals(3, TargetingMask.demographicHits(facts));
        assertEquals(1, TargetingMask.segmentHits(facts));
        assertFalse(TargetingMask.contextual(facts));
    }

    @Test
    void mismatchedDimensionsAndClosedSchedulesAreRejected() {
        assertEquals(TargetingMask.REJECT, facts(campaign("r", 1,
                "\"targeting\": {\"regions\": [\"CN-31\"]}")));
        assertEquals(TargetingMask.REJECT, facts(campaign("g", 1,
                "\"targeting\": {\"genders\": [\"m\"]}")));
        assertEquals(TargetingMask.REJECT, facts(campaign("s", 1,
                "\"targeting\": {\"segments\": [\"s9\"]}")));
        assertEquals(TargetingMask.REJECT, facts(campaign("e", 1,
                "\"schedule\": {\"end\": \"2026-11-10T07:59:59Z\"}")));
        assertEquals(TargetingMask.REJECT, facts(campaign("h", 1,
                "\"schedule\": {\"hours\": [9, 10], \"timezone\": \"UTC\"}")));
        assertTrue(facts(campaign("o", 1, "\"schedule\": {\"hours\": [8], \"timezone\": \"UTC\"}")) >= 0);
    }
}
