package io.precis.reports.budget;

import java.time.Instant;
import java.util.Objects;

/**
 * What one stored event was charged, as the event store reports it to {@link SpendLimits}
 * once the event is durable.
 *
 * @param campaignId the charged campaign
 * @param at         when the event was received: it decides the day of a daily budget
 * @param costNanos  the amount charged, in 10^-9 currency units, positive
 */
public record Charge(String campaignId, Instant at, long costNanos) {
    public Charge {
        Objects.requireNonNull(campaignId, "campaignId");
        Objects.requireNonNull(at, "at");
        if (costNanos <= 0) {
            throw new IllegalArgumentException("a charge is positive");
        }
    }
}
