package io.precis.reports.event;

import java.time.Instant;

/**
 * What one campaign delivered in one period, exactly as the roll-ups hold it (no k-threshold, no
 * noise, spend in nanos as charged): what the gateway rebuilds its delivery state from at start.
 *
 * @param period the UTC hour or day the period starts at, or null for a campaign's whole history
 * @param costNanos spend as charged, in 10^-9 currency units
 */
public record DeliveryTotals(String campaignId, Instant period, long impressions, long clicks,
                             long conversions, long costNanos) {
}
