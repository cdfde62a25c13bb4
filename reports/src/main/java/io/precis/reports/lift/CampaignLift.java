package io.precis.reports.lift;

import java.util.Objects;

/**
 * One campaign's lift test as a report publishes it.
 *
 * @param campaignId the campaign with a hold-out
 * @param estimate   what its groups say; null while either group has fewer people than the
 *                   report's k threshold (the figures are then withheld: the people still count
 *                   in the campaign's other figures)
 */
public record CampaignLift(String campaignId, LiftEstimate estimate) {
    public CampaignLift {
        Objects.requireNonNull(campaignId, "campaignId");
    }

    /** Whether the figures are withheld under the k threshold. */
    public boolean withheld() {
        return estimate == null;
    }
}
