package io.precis.matcher.match;

import io.precis.consent.identity.Pseudonym;
import io.precis.matcher.campaign.BidModel;
import io.precis.matcher.campaign.Budget;
import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.campaign.FrequencyCap;
import io.precis.matcher.delivery.DeliveryLedger;
import io.precis.matcher.delivery.Money;
import io.precis.matcher.delivery.Pacing;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Delivery limits at match time, from the {@link DeliveryLedger}: frequency caps and budgets
 * (deterministic: part of eligibility) and pacing (a random throttle on eligible campaigns).
 */
final class Delivery {
    private final DeliveryLedger ledger;
    private final RandomGenerator random;
    /**
     * Whether {@link #ledger} is a {@link #prefetch} snapshot: its cap counts are over each
     * campaign's own window, so a caution cap's other window is left to {@link #reserve}.
     */
    private final boolean snapshot;

    /** @param random null = ThreadLocalRandom */
    Delivery(DeliveryLedger ledger, RandomGenerator random) {
        this(ledger, random, false);
    }

    private Delivery(DeliveryLedger ledger, RandomGenerator random, boolean snapshot) {
        this.ledger = ledger;
        this.random = random;
        this.snapshot = snapshot;
    }

    /** Whether the ledger's reads cross the network, so are worth {@link #prefetch}ing. */
    boolean prefetches() {
        return ledger.remote();
    }

    /** These limits over a snapshot of {@code candidates}' counters for {@code p} (one round trip). */
    Delivery prefetch(Pseudonym p, java.util.List<Campaign> candidates, Instant now) {
        return new Delivery(ledger.prefetch(p, candidates, now), random, true);
    }

    /**
     * Whether caps and budgets let {@code c} serve one more ad now.
     *
     * <p>Caps: a frequency-capped campaign needs a pseudonym to count against. Without one the
     * cap cannot be checked, so the campaign does not serve: the advertiser's limit is never
     * broken, and nothing (IP, device) is used to stand in for the missing identity.
     *
     * <p>Budgets: a campaign serves only while each limit has at least one maximum charge (its
     * bid for one billable event) left. That alone cannot bound spend, because ads already
     * served may still be clicked, converted or have their pixel fire once the limit is
     * reached; the event store's writer caps those charges at what is left (the gateway's
     * {@code SpendLimits}), so spend never passes a limit at all, and events past it are
     * counted but charged nothing.
     */
    boolean allows(Campaign c, Pseudonym p, Instant now) {
        return allows(c, p, now, false);
    }

    /**
     * {@link #allows}, and for a {@code caution}-list member the campaign's caution cap as well
     * (on a prefetched snapshot that cap is checked by {@link #reserve} alone).
     */
    boolean allows(Campaign c, Pseudonym p, Instant now, boolean caution) {
        if (!underCap(c.frequencyCap(), c, p, now)) {
            return false;
        }
        if (caution && !snapshot && !underCap(cautionCap(c, true), c, p, now)) {
            return false;
        }
        Budget b = c.budget();
        if (b.total() == null && b.daily() == null) {
            return true;
        }
        long maxCharge = Money.chargeMicros(c.bid(), c.bid().amount());
        long held = ledger.heldMicros(c.id(), now);
        if (b.total() != null
                && Money.micros(b.total()) - ledger.spentMicrosTotal(c.id()) - held < maxCharge) {
            return false;
        }
        return b.daily() == null
                || Money.micros(b.daily()) - ledger.spentMicrosOn(c.id(), today(c, now)) - held >= maxCharge;
    }

    /**
     * For a winner: holds the impression price at its bid of a CPM ad of a budgeted campaign
     * against its budget until its pixel fires or {@code ttl} (its impression token's lifetime)
     * passes, in one step with the check that the budget less spend and holds still covers it;
     * {@link #allows} counts held spend as spent. So a campaign is not served past its budget
     * by ads in flight, however many requests arrive at once. True when held, or when nothing
     * needs holding: CPC and CPA ads hold nothing (whether they will be clicked or converted is
     * unknown), and their late events are capped by the event store at what is left.
     */
    boolean hold(Campaign c, Instant now, Duration ttl) {
        if (!holds(c)) {
            return true;
        }
        Budget b = c.budget();
        long room = Long.MAX_VALUE;
        if (b.total() != null) {
            room = Math.min(room, Money.micros(b.total()) - ledger.spentMicrosTotal(c.id()));
        }
        if (b.daily() != null) {
            room = Math.min(room, Money.micros(b.daily()) - ledger.spentMicrosOn(c.id(), today(c, now)));
        }
        return ledger.tryHold(c.id(), impressionNanos(c.bid().amount()), Money.nanos(Math.max(0, room)), now,
                now.plus(ttl));
    }

    /** A held winner priced at {@code price}: releases what its bid held beyond its price. */
    void settle(Campaign c, BigDecimal price, Instant now) {
        if (holds(c)) {
            ledger.release(c.id(), impressionNanos(c.bid().amount()) - impressionNanos(price), now);
        }
    }

    /** A held winner that is not served after all: releases its hold. */
    void unhold(Campaign c, Instant now) {
        if (holds(c)) {
            ledger.release(c.id(), impressionNanos(c.bid().amount()), now);
        }
    }

    private static boolean holds(Campaign c) {
        return c.bid().model() == BidModel.CPM && (c.budget().total() != null || c.budget().daily() != null);
    }

    /** A CPM price in micros per thousand impressions is the price of one impression in nanos. */
    private static long impressionNanos(BigDecimal cpm) {
        return Money.micros(cpm);
    }

    /**
     * Reserves ad {@code adId} of {@code c} for {@code p} against the campaign's frequency cap in
     * one atomic step with the cap's check (so parallel requests of one user cannot all take
     * the last slot): true when {@code c} has no cap or the cap still had room, and the ad then
     * counts towards it until its impression is recorded or {@code ttl} (its impression
     * token's lifetime) passes. {@link #allows} must have said yes (a capped campaign needs a
     * pseudonym).
     */
    boolean reserve(String adId, Campaign c, Pseudonym p, Instant now, Duration ttl) {
        return reserve(adId, c, p, now, ttl, false);
    }

    /**
     * {@link #reserve}; for a {@code caution}-list member of a campaign with a caution cap, the
     * reservation is made against that cap (the campaign's own was checked by {@link #allows}).
     */
    boolean reserve(String adId, Campaign c, Pseudonym p, Instant now, Duration ttl, boolean caution) {
        FrequencyCap tighter = cautionCap(c, caution);
        FrequencyCap cap = tighter != null ? tighter : c.frequencyCap();
        return cap == null || (p != null && ledger.reserve(adId, p, c.id(), cap.impressions(),
                now.minus(Duration.ofHours(cap.perHours())), now, now.plus(ttl)));
    }

    private boolean underCap(FrequencyCap cap, Campaign c, Pseudonym p, Instant now) {
        return cap == null || (p != null && ledger.impressionsSince(p, c.id(),
                now.minus(Duration.ofHours(cap.perHours()))) < cap.impressions());
    }

    /** The caution cap that applies to a caution-list member, or null. */
    private static FrequencyCap cautionCap(Campaign c, boolean caution) {
        return caution ? c.targeting().audiences().cautionFrequencyCap() : null;
    }

    /** Whether pacing lets {@code c} serve now ({@link Pacing}); always without a daily budget. */
    boolean paced(Campaign c, Instant now) {
        if (c.budget().daily() == null) {
            return true;
        }
        double p = Pacing.serveProbability(Money.micros(c.budget().daily()),
                ledger.spentMicrosOn(c.id(), today(c, now)),
                Pacing.elapsedFraction(c.schedule(), now));
        if (p >= 1) {
            return true;
        }
        RandomGenerator rnd = random == null ? ThreadLocalRandom.current() : random;
        return rnd.nextDouble() < p;
    }

    private static LocalDate today(Campaign c, Instant now) {
        return now.atZone(c.schedule().timezone()).toLocalDate();
    }
}
