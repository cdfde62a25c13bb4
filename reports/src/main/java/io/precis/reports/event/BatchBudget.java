package io.precis.reports.event;

import io.precis.reports.budget.Charge;
import io.precis.reports.budget.SpendLimits;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The budget guard of one batch: caps each event's cost at what its campaign has left, and
 * collects the charges to report once the batch has committed.
 *
 * <p>{@link SpendLimits} learns of a batch's charges only after its commit, so what the batch
 * itself already charged each campaign is kept here and subtracted. It is kept per campaign,
 * not per day: in a batch that spans a campaign's midnight the new day's allowance is then
 * reduced by the old day's charges too, which can only undercharge, never overspend.
 */
final class BatchBudget {
    private final SpendLimits limits;
    private final Map<String, Long> chargedSoFar = new HashMap<>();
    private final List<Charge> charges = new ArrayList<>();

    BatchBudget(SpendLimits limits) {
        this.limits = limits;
    }

    /**
     * What an event of {@code campaignId} at {@code at} priced at {@code costNanos} is charged:
     * its price, or what the campaign has left when that is less (0 once the budget is spent).
     */
    long charge(String campaignId, Instant at, long costNanos) {
        if (costNanos <= 0) {
            return 0;
        }
        long before = chargedSoFar.getOrDefault(campaignId, 0L);
        long cost = limits.take(campaignId, at, costNanos, before);
        if (cost > 0) {
            // A batch holds at most MAX_BATCH events of at most AdServed.MAX_PRICE_MICROS each: no overflow.
            chargedSoFar.put(campaignId, before + cost);
            charges.add(new Charge(campaignId, at, cost));
        }
        return cost;
    }

    /** The batch was rolled back: the limits get back what they gave it. */
    void giveBack() {
        if (!charges.isEmpty()) {
            limits.givenBack(List.copyOf(charges));
        }
    }

    /** The positive charges so far, in event order. */
    List<Charge> charges() {
        return List.copyOf(charges);
    }
}
