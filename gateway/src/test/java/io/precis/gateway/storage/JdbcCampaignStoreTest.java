package io.precis.gateway.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.campaign.CampaignJson;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Campaigns saved together (one transaction) read back as saved, and a later save replaces. */
class JdbcCampaignStoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Campaign campaign(String id, String name) throws Exception {
        Instant now = Instant.parse("2026-11-30T08:00:00Z");
        return CampaignJson.fromRequest(JSON.readTree("""
                {"name": "%s", "bid": {"model": "CPM", "amount": 1.5},
                 "creatives": [{"id": "c1", "format": "banner-300x250", "landingUrl": "https://shop.example/"}]}
                """.formatted(name)), id, "adv-1", now, now);
    }

    @Test
    void saveAllStoresEveryCampaignAndSaveReplacesOne(@TempDir Path dir) throws Exception {
        try (Database db = Database.open(dir)) {
            JdbcCampaignStore store = new JdbcCampaignStore(db);
            store.saveAll(List.of(campaign("a", "first"), campaign("b", "second"), campaign("c", "third")));
            store.save(campaign("b", "second, renamed"));
            assertEquals(List.of("a:first", "b:second, renamed", "c:third"),
                    store.all().stream().map(c -> c.id() + ":" + c.name()).toList());
        }
        try (Database db = Database.open(dir)) {
            assertEquals(3, new JdbcCampaignStore(db).all().size(), "durable across a reopen");
        }
    }
}
