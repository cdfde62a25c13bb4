package io.precis.reports.event;

/**
 * Result of recording a conversion.
 *
 * @param counted    false when an attributed conversion repeats an order id of its campaign
 * @param attributed true when credited to a valid click within the click window
 * @param campaignId the credited campaign; null unless attributed
 */
public record ConversionOutcome(boolean counted, boolean attributed, String campaignId) {
}
