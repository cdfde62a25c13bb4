package io.precis.reports.event;

import io.precis.reports.invalid.ClickContext;
import io.precis.reports.sql.GroupCommitQueue;
import io.precis.reports.token.TrackingToken;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/** An event waiting in the writer's queue with the future its caller waits on. */
sealed interface PendingEvent extends GroupCommitQueue.Op {
    /** When the event was received; it decides the event's UTC day and the click window. */
    Instant at();

    @Override
    CompletableFuture<?> done();

    record Impression(TrackingToken token, Viewability viewability, Instant at,
                      CompletableFuture<ImpressionOutcome> done)
            implements PendingEvent {
    }

    record Click(TrackingToken token, String clickId, ClickContext context, Instant at,
                 CompletableFuture<ClickOutcome> done)
            implements PendingEvent {
    }

    record Conversion(ConversionRequest request, Instant at, CompletableFuture<ConversionOutcome> done)
            implements PendingEvent {
    }

    /** A ghost impression ({@link StoredEvent#GHOST}); completes true when recorded, false for a repeat. */
    record Ghost(io.precis.reports.token.AdServed ad, Instant at, CompletableFuture<Boolean> done)
            implements PendingEvent {
    }

    /**
     * A lift test's campaign served to a person with a measurement pseudonym: they enter its
     * exposed group (no event row: the impression, if it comes, is recorded as ever).
     */
    record Exposure(io.precis.reports.token.AdServed ad, Instant at, CompletableFuture<Boolean> done)
            implements PendingEvent {
    }
}
