package io.precis.matcher.auction;

/**
 * Each campaign's measured history, from which ranking estimates its click-through and
 * conversion rates. Thread-safe; read for every ranked candidate, so it must answer fast.
 */
public interface CampaignStats {
    /** Impressions counted for {@code campaignId}. */
    long impressions(String campaignId);

    /** Valid clicks counted for {@code campaignId}. */
    long clicks(String campaignId);

    /** Conversions attributed to {@code campaignId}. */
    long conversions(String campaignId);

    /** No history at all: every campaign is ranked by the priors. */
    static CampaignStats none() {
        return new CampaignStats() {
            @Override
            public long impressions(String campaignId) {
                return 0;
            }

            @Override
            public long clicks(String campaignId) {
                return 0;
            }

            @Override
            public long conversions(String campaignId) {
                return 0;
            }
        };
    }
}
