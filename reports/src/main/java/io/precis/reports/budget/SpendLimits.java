package io.precis.reports.budget;

import java.time.Instant;
import java.util.List;

/**
 * How much each campaign may still be charged, as the event store's writer thread asks it when
 * it prices an event.
 *
 * <p>Why the writer: the matcher stops serving a campaign whose budget has less than one bid
 * left, but ads served before that can still be clicked, converted or have their impression
 * pixel fire afterwards. Every charge is decided on the single writer thread, which already
 * orders every event, so capping each charge there at what is left keeps spend within the
 * budget exactly, however many served ads come back late. An event past the budget is still
 * stored and counted; it is only charged less, or nothing.
 *
 * <p>Both methods are called on the writer thread only, one batch at a time: implementations
 * must answer from memory (no I/O, no locks held for long) and must not throw. Amounts are in
 * nanos (10^-9 currency units), the unit the event store charges in.
 */
public interface SpendLimits {
    /** No limit: every event is charged its full price, and charges are not reported anywhere. */
    SpendLimits NONE = new SpendLimits() {
        @Override
        public long remainingNanos(String campaignId, Instant at) {
            return Long.MAX_VALUE;
        }

        @Override
        public void charged(List<Charge> charges) {
        }
    };

    /**
     * What {@code campaignId} may still be charged for an event at {@code at}: the smaller of
     * what is left of its total budget and of its daily budget (the day of {@code at} in the
     * campaign's own time zone), never negative; {@link Long#MAX_VALUE} when the campaign has no
     * budget or is unknown. It does not yet include the charges of the batch being written
     * (the writer subtracts those itself).
     */
    long remainingNanos(String campaignId, Instant at);

    /**
     * The positive charges of one batch, in event order, called after the batch committed and
     * before its events are acknowledged or the next batch is priced; never for a batch that
     * was rolled back.
     */
    void charged(List<Charge> charges);

    /**
     * What one event of {@code campaignId} at {@code at} priced {@code costNanos} is charged,
     * when this batch already charged the campaign {@code takenInBatch}: at most what is left.
     * By default that is {@link #remainingNanos} less {@code takenInBatch}, right for one writer,
     * which books its charges in {@link #charged} before it prices the next batch. Limits shared
     * by several writers (gateways on one database) take the charge in one atomic step with the
     * check instead, so two writers never both charge the last of a budget; they then book in
     * this call, and {@link #givenBack} returns what a rolled-back batch took.
     */
    default long take(String campaignId, Instant at, long costNanos, long takenInBatch) {
        long left = Math.max(0, remainingNanos(campaignId, at)) - takenInBatch; // both ≥ 0: no overflow
        return Math.max(0, Math.min(costNanos, left));
    }

    /**
     * The charges {@link #take} gave a batch that was then rolled back (its events are not
     * stored and will be priced again): limits that book in {@code take} book them back.
     */
    default void givenBack(List<Charge> charges) {
    }
}
