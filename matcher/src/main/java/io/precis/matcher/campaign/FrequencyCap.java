package io.precis.matcher.campaign;

/**
 * At most {@code impressions} impressions of a campaign per user within {@code perHours} hours.
 *
 * @param impressions at least 1
 * @param perHours at least 1
 */
public record FrequencyCap(int impressions, int perHours) {
}
