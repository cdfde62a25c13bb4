package io.precis.matcher.index;

import static io.precis.matcher.TestCampaigns.campaign;
import static io.precis.matcher.TestCampaigns.withKeywords;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.campaign.CampaignStatus;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.TermQuery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CampaignIndexTest {
    private static final Instant LATER = Instant.parse("2026-11-05T00:00:00Z");
    private final CampaignIndex index = new CampaignIndex();

    @AfterEach
    void close() throws Exception {
        index.close();
    }

    private Set<String> all() {
        return index.candidateIds(new MatchAllDocsQuery());
    }

    @Test
    void upsertedCampaignIsSearchableAtOnce() {
        index.upsert(campaign("a", 10, ""));
        assertEquals(Set.of("a"), all());
        assertEquals(1, index.campaignCount());
        assertNotNull(index.get("a"));
    }

    @Test
    void upsertReplacesTheEarlierVersion() {
        index.upsert(withKeywords("a", 10, "冰箱"));
        index.upsert(withKeywords("a", 10, "空调"));
        assertEquals(Set.of(), index.candidateIds(
                new TermQuery(new Term(IndexFields.CONTEXT, IndexFields.keywordTerm("冰箱")))));
        assertEquals(Set.of("a"), index.candidateIds(
                new TermQuery(new Term(IndexFields.CONTEXT, IndexFields.keywordTerm("空调")))));
        assertEquals(List.of("空调"), index.get("a").campaign().targeting().keywords());
        assertEquals(1, index.campaignCount());
    }

    @Test
    void removedCampaignDisappearsAtOnce() {
        index.upsert(campaign("a", 10, ""));
        index.upsert(campaign("b", 10, ""));
        index.remove("a");
        assertEquals(Set.of("b"), all());
        assertNull(index.get("a"));
        index.remove("never-there");
        assertEquals(1, index.campaignCount());
    }

    @Test
    void pausedOrArchivedCampaignIsRemovedAndResumedOneReturns() {
        Campaign a = campaign("a", 10, "");
        index.upsert(a);
        index.upsert(a.withStatus(CampaignStatus.PAUSED, LATER));
        assertEquals(Set.of(), all());
        index.upsert(a.withStatus(CampaignStatus.ACTIVE, LATER));
        assertEquals(Set.of("a"), all());
        index.upsert(a.withStatus(CampaignStatus.ARCHIVED, LATER));
        assertEquals(0, index.campaignCount());
        assertEquals(Set.of(), all());
    }

    @Test
    void oneDocumentPerCreativeFormat() {
        index.upsert(campaign("a", 10, """
                "creatives": [
                  {"id": "1", "format": "banner-300x250", "landingUrl": "https://a.example"},
                  {"id": "2", "format": "banner-300x250", "landingUrl": "https://a.example"},
                  {"id": "3", "format": "native", "landingUrl": "https://a.example"}]
                """));
        assertEquals(Set.of("a"), index.candidateIds(
                new TermQuery(new Term(IndexFields.FORMAT, "native"))));
        assertEquals(Set.of("a"), index.candidateIds(
                new TermQuery(new Term(IndexFields.FORMAT, "banner-300x250"))));
        assertEquals(Set.of(), index.candidateIds(
                new TermQuery(new Term(IndexFields.FORMAT, "video"))));
    }

    @Test
    void untargetedDimensionsAreIndexedAsAny() {
        index.upsert(campaign("open", 10, ""));
        index.upsert(campaign("regional", 10, "\"targeting\": {\"regions\": [\"CN-11\"]}"));
        assertEquals(Set.of("open"), index.candidateIds(
                new TermQuery(new Term(IndexFields.REGION, IndexFields.ANY))));
        assertEquals(Set.of("open", "regional"), index.candidateIds(
                new TermQuery(new Term(IndexFields.CONTEXT, IndexFields.ANY))));
    }

    @Test
    void replaceAllKeepsOnlyTheGivenActiveCampaigns() {
        index.upsert(campaign("old", 10, ""));
        Campaign paused = campaign("p", 10, "\"status\": \"paused\"");
        index.replaceAll(List.of(campaign("x", 10, ""), campaign("y", 10, ""), paused));
        assertEquals(Set.of("x", "y"), all());
        assertEquals(2, index.campaignCount());
        assertNull(index.get("old"));
    }
}
