package io.precis.matcher.delivery;

import io.precis.consent.identity.Pseudonym;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * A {@link DeliveryLedger} that is also written: what measurement books into it (impressions
 * towards caps, spend towards budgets), what start-up seeds from the event store, and erasure.
 * {@link InMemoryDeliveryLedger} for one instance; a shared one (the gateway's Redis ledger)
 * for several instances on one database. Thread-safe.
 */
public interface DeliveryBook extends DeliveryLedger {
    /** Counts one impression of {@code campaignId} at {@code at} towards {@code p}'s caps (start-up restore). */
    void recordImpression(Pseudonym p, String campaignId, Instant at);

    /**
     * Records the impression of served ad {@code adId} at {@code at}; completes with its user
     * when the ad was pending (served to a known user for a capped campaign), else with null.
     * Never blocks: it is called on an event loop.
     */
    CompletionStage<Pseudonym> impressionOf(String adId, Instant at);

    /** Adds {@code nanos} of spend by {@code campaignId} at {@code at}, on its day in {@code zone}. */
    void recordSpendNanos(String campaignId, Instant at, long nanos, ZoneId zone);

    /**
     * Start-up: {@code campaignId} has spent at least {@code totalNanos} in all and
     * {@code byDay} on its recent local days, as the event store recorded it. Applying the same
     * seed twice, or from two instances, counts it once.
     */
    void seedSpend(String campaignId, long totalNanos, Map<LocalDate, Long> byDay);

    /** Everything campaign {@code campaignId} has spent, in nanos, exactly. */
    long spentNanosTotal(String campaignId);

    /** What campaign {@code campaignId} spent on {@code day} of its own time zone, in nanos. */
    long spentNanosOn(String campaignId, LocalDate day);

    /** Forgets {@code p}'s impression history and pending ads (erasure). */
    void erase(Pseudonym p);

    /**
     * Whether this instance should seed the book from the database now: always for a book of
     * its own (it starts empty); for a shared one, only the first instance to ask after the
     * book was found empty (so two instances never count the same stored spend twice).
     */
    default boolean claimSeeding() {
        return true;
    }

    /**
     * The seeding claimed with {@link #claimSeeding} is done. A shared book takes no cap slot or
     * budget hold between being found empty and this (it would know no impressions or spend).
     */
    default void seeded() {
    }
}
