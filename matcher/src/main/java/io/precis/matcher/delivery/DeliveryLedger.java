package io.precis.matcher.delivery;

import io.precis.consent.identity.Pseudonym;
import java.time.Instant;
import java.time.LocalDate;

/**
 * What has been delivered so far, as the matcher consults it at match time for frequency caps,
 * budgets and pacing. Implementations must be thread-safe and answer fast (they are asked for
 * every ranked candidate until the winners are found). Money is in micros: 1 currency unit =
 * 1,000,000 micros.
 */
public interface DeliveryLedger {
    /**
     * Impressions of campaign {@code campaignId} shown to {@code p} at or after {@code since},
     * for frequency caps; an implementation may count ads served then whose impression may
     * still come ({@link InMemoryDeliveryLedger} does), so a cap holds while pixels are in flight.
     */
    int impressionsSince(Pseudonym p, String campaignId, Instant since);

    /**
     * One atomic step per (user, campaign): when fewer than {@code cap} impressions of
     * {@code campaignId} count for {@code p} since {@code since}, notes ad {@code adId} served
     * to {@code p} at {@code at} (counting towards the cap until its impression is recorded or
     * {@code expires} passes) and returns true; otherwise returns false and notes nothing. The
     * check and the note must not be separable: a page's parallel slot requests for one user
     * would otherwise all pass a cap of 1.
     */
    boolean reserve(String adId, Pseudonym p, String campaignId, int cap, Instant since, Instant at,
                    Instant expires);

    /**
     * Holds {@code nanos} of {@code campaignId}'s budget for an ad served at {@code at} whose
     * billable event may come until {@code expires} (a CPM ad's impression), in one step with
     * the check that what is held plus {@code nanos} fits in {@code roomNanos} (the budget less
     * the spend); returns whether it was held. A ledger that holds nothing always says yes.
     */
    default boolean tryHold(String campaignId, long nanos, long roomNanos, Instant at, Instant expires) {
        return nanos <= roomNanos;
    }

    /**
     * Releases {@code nanos} held for an ad of {@code campaignId} served at {@code servedAt}:
     * its billable event was booked, or it was never served, or its price was below the hold.
     */
    default void release(String campaignId, long nanos, Instant servedAt) {
    }

    /**
     * Budget held at {@code now} for ads served and not yet billed, in micros rounded up: a
     * campaign serves only while its budget less its spend and this still covers one more
     * billable event. 0 for a ledger that holds nothing.
     */
    default long heldMicros(String campaignId, Instant now) {
        return 0;
    }

    /** Everything campaign {@code campaignId} has spent, in micros. */
    long spentMicrosTotal(String campaignId);

    /** What campaign {@code campaignId} spent on {@code day} of its own time zone, in micros. */
    long spentMicrosOn(String campaignId, LocalDate day);

    /**
     * Whether reads cross the network (a ledger shared by several instances): the matcher then
     * reads the counters of its candidates through {@link #prefetch}, one round trip for many,
     * instead of one call per candidate. False for a ledger in memory.
     */
    default boolean remote() {
        return false;
    }

    /**
     * A view of this ledger for one match of {@code p} at {@code now} over {@code candidates}:
     * their cap counts ({@link #impressionsSince} of each capped campaign over its own window),
     * spend and holds read at once (one round trip), answered from that snapshot; every write
     * ({@link #reserve}, {@link #tryHold}, {@link #release}) goes through to this ledger, whose
     * atomic steps still decide. This ledger itself by default.
     */
    default DeliveryLedger prefetch(Pseudonym p, java.util.List<io.precis.matcher.campaign.Campaign> candidates,
                                    Instant now) {
        return this;
    }

    /** A ledger where nothing was ever delivered. */
    static DeliveryLedger none() {
        return new DeliveryLedger() {
            @Override
            public int impressionsSince(Pseudonym p, String campaignId, Instant since) {
                return 0;
            }

            @Override
            public boolean reserve(String adId, Pseudonym p, String campaignId, int cap, Instant since,
                                   Instant at, Instant expires) {
                return cap > 0;
            }

            @Override
            public long spentMicrosTotal(String campaignId) {
                return 0;
            }

            @Override
            public long spentMicrosOn(String campaignId, LocalDate day) {
                return 0;
            }
        };
    }
}
