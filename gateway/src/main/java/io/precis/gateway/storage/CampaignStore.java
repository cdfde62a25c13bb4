package io.precis.gateway.storage;

import io.precis.matcher.campaign.Campaign;
import java.util.List;

/** Where campaigns live, archived ones included (reports outlive serving). Blocking. */
public interface CampaignStore {
    /** Inserts or replaces the campaign with {@code campaign.id()}. */
    void save(Campaign campaign);

    /** Saves every campaign; a store may do it in one transaction (benchmarks seed 100k this way). */
    default void saveAll(List<Campaign> campaigns) {
        campaigns.forEach(this::save);
    }

    List<Campaign> all();

    /** The campaign {@code id}, archived or not (another gateway's change is read back with it). */
    default java.util.Optional<Campaign> find(String id) {
        return all().stream().filter(c -> c.id().equals(id)).findFirst();
    }
}
