package io.precis.reports.event;

import io.precis.reports.budget.Charge;
import io.precis.reports.budget.SpendLimits;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@link SpendLimits} with total budgets held in memory, as the gateway's ledger would hold them:
 * it records every {@link #charged} call, can fail it, and can hold the writer inside it, so a
 * test can queue a whole batch behind it.
 */
final class TestBudgets implements SpendLimits {
    private final Map<String, Long> budgetNanos = new ConcurrentHashMap<>();
    private final Map<String, Long> spentNanos = new ConcurrentHashMap<>();
    /** Every charged() call's charges, in call order. */
    final List<List<Charge>> calls = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch inside;
    private volatile CountDownLatch release;
    volatile RuntimeException failure;

    /** Gives {@code campaignId} a total budget; campaigns without one are unlimited. */
    TestBudgets budget(String campaignId, long nanos) {
        budgetNanos.put(campaignId, nanos);
        return this;
    }

    long spentNanos(String campaignId) {
        return spentNanos.getOrDefault(campaignId, 0L);
    }

    @Override
    public long remainingNanos(String campaignId, Instant at) {
        Long budget = budgetNanos.get(campaignId);
        return budget == null ? Long.MAX_VALUE : Math.max(0, budget - spentNanos(campaignId));
    }

    @Override
    public void charged(List<Charge> charges) {
        calls.add(List.copyOf(charges));
        if (failure != null) {
            throw failure;
        }
        charges.forEach(c -> spentNanos.merge(c.campaignId(), c.costNanos(), Long::sum));
        CountDownLatch r = release;
        if (r != null) {
            release = null;
            inside.countDown();
            await(r);
        }
    }

    /**
     * Makes the next charged() call wait until the returned latch is counted down; {@link
     * #awaitHeld()} returns once the writer is waiting there.
     */
    CountDownLatch holdNextCall() {
        inside = new CountDownLatch(1);
        CountDownLatch r = new CountDownLatch(1);
        release = r;
        return r;
    }

    void awaitHeld() {
        await(inside);
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
