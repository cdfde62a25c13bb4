package io.precis.reports.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.precis.reports.budget.Charge;
import io.precis.reports.budget.SpendLimits;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-batch guard alone, with limits that never change during the batch (as on the writer). */
class BatchBudgetTest {
    private static final Instant T = Instant.parse("2026-11-03T10:00:00Z");

    /** Limits with a fixed remainder for every campaign; charged() must not be called by the guard. */
    private static SpendLimits left(long nanos) {
        return new SpendLimits() {
            @Override
            public long remainingNanos(String campaignId, Instant at) {
                return nanos;
            }

            @Override
            public void charged(List<Charge> charges) {
                throw new AssertionError("the writer reports charges, not the guard");
            }
        };
    }

    @Test
    void unlimitedCampaignsAreChargedTheirFullPrice() {
        BatchBudget b = new BatchBudget(SpendLimits.NONE);
        assertEquals(700, b.charge("c", T, 700));
        assertEquals(700, b.charge("c", T, 700));
        assertEquals(List.of(new Charge("c", T, 700), new Charge("c", T, 700)), b.charges());
    }

    @Test
    void chargesStopAtWhatIsLeftLessWhatTheBatchAlreadyCharged() {
        BatchBudget b = new BatchBudget(left(1000));
        assertEquals(400, b.charge("c", T, 400));
        assertEquals(400, b.charge("c", T, 400));
        assertEquals(200, b.charge("c", T, 400));
        assertEquals(0, b.charge("c", T, 400));
        assertEquals(400, b.charge("other", T, 400), "each campaign has its own remainder");
        assertEquals(List.of(400L, 400L, 200L, 400L), b.charges().stream().map(Charge::costNanos).toList());
    }

    @Test
    void aNegativeRemainderMeansNothingIsLeft() {
        BatchBudget b = new BatchBudget(left(-5));
        assertEquals(0, b.charge("c", T, 400));
        assertEquals(List.of(), b.charges());
    }

    @Test
    void eventsWithoutCostNeverAskTheLimits() {
        BatchBudget b = new BatchBudget(new SpendLimits() {
            @Override
            public long remainingNanos(String campaignId, Instant at) {
                throw new AssertionError("asked for a free event");
            }

            @Override
            public void charged(List<Charge> charges) {
            }
        });
        assertEquals(0, b.charge("c", T, 0));
        assertEquals(List.of(), b.charges());
    }
}
