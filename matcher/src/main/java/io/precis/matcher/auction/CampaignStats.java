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

    /**
     * {@code campaignId}'s three counts together: ranking reads them for every candidate, and an
     * implementation can answer with one look-up instead of three.
     */
    default Counts counts(String campaignId) {
        return new Counts(impressions(campaignId), clicks(campaignId), conversions(campaignId));
    }

    /**
     * An upper bound of every campaign's {@link ExpectedRates#ctr}: ranking bounds a CPC or CPA
     * candidate's value with it before (and instead of) looking its counts up. Never below a
     * rate the counts give at the time it is read; 1 (no rate is higher) unless overridden.
     */
    default double ctrBound() {
        return 1;
    }

    /** An upper bound of every campaign's {@link ExpectedRates#cvr}, as {@link #ctrBound}. */
    default double cvrBound() {
        return 1;
    }

    /** A campaign's impressions, valid clicks and conversions. */
    record Counts(long impressions, long clicks, long conversions) {
        /** No history. */
        public static final Counts NONE = new Counts(0, 0, 0);
    }

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

            @Override
            public double ctrBound() {
                return ExpectedRates.PRIOR_CTR; // every campaign's rate is the prior
            }

            @Override
            public double cvrBound() {
                return ExpectedRates.PRIOR_CVR;
            }
        };
    }
}
