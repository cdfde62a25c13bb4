package io.precis.matcher.campaign;

import java.util.Locale;

/** Whether a campaign serves: only ACTIVE campaigns are matched; ARCHIVED is what DELETE sets. */
public enum CampaignStatus {
    ACTIVE, PAUSED, ARCHIVED;

    /** The JSON spelling: lower case ({@code "active"}). */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status spelled {@code json} (exact, lower case), or null when there is none. */
    public static CampaignStatus fromJson(String json) {
        for (CampaignStatus s : values()) {
            if (s.jsonName().equals(json)) {
                return s;
            }
        }
        return null;
    }
}
