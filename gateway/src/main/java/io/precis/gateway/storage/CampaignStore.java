package io.precis.gateway.storage;

import io.precis.matcher.campaign.Campaign;
import java.util.List;

/** Where campaigns live, archived ones included (reports outlive serving). Blocking. */
public interface CampaignStore {
    /** Inserts or replaces the campaign with {@code campaign.id()}. */
    void save(Campaign campaign);

    List<Campaign> all();
}
