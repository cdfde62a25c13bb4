package io.precis.reports.event;

/**
 * Result of recording a conversion.
 *
 * @param counted     false when an attributed conversion repeats an order id of its campaign
 * @param attributed  true when credited to a valid click within its click window, or (view-through)
 *                    to the consenting user's latest impression within the view window
 * @param campaignId  the credited campaign; null unless attributed
 * @param viewThrough true when credited to an impression rather than a click
 * @param capped      true when the campaign's budget had less left than the conversion's price,
 *                    so it was charged that rest or nothing; it still counts
 */
public record ConversionOutcome(boolean counted, boolean attributed, String campaignId, boolean viewThrough,
                                boolean capped) {
    /** An outcome charged in full (or not billable). */
    public ConversionOutcome(boolean counted, boolean attributed, String campaignId, boolean viewThrough) {
        this(counted, attributed, campaignId, viewThrough, false);
    }

    /** A click-through or unattributed outcome, charged in full (or not billable). */
    public ConversionOutcome(boolean counted, boolean attributed, String campaignId) {
        this(counted, attributed, campaignId, false);
    }
}
