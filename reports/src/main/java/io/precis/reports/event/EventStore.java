package io.precis.reports.event;

import io.precis.reports.token.TrackingToken;
import java.util.concurrent.CompletableFuture;

/**
 * Where measurement events are recorded and reports are read: the storage seam (embedded H2
 * through {@link JdbcEventStore} now, PostgreSQL later).
 *
 * <p>A {@code record*} future completes only once the event is durable (or known to be a
 * repeat), so an HTTP 2xx may follow it. It fails with {@link IllegalStateException} after
 * {@link #close()}, and with {@link java.util.concurrent.RejectedExecutionException} when the
 * store is overloaded. Implementations are thread-safe.
 */
public interface EventStore extends AutoCloseable {
    /** Records a verified impression token; an ad's impression counts once. */
    CompletableFuture<ImpressionOutcome> recordImpression(TrackingToken t);

    /** Records a verified click token whose click id is {@code clickId}; counts once per ad. */
    CompletableFuture<ClickOutcome> recordClick(TrackingToken t, String clickId);

    /** Records a conversion, attributed to its click when valid and within the click window. */
    CompletableFuture<ConversionOutcome> recordConversion(ConversionRequest c);

    /** The advertiser's own report; blocking, so call it off any event loop. */
    Report report(ReportQuery q);

    /** Makes every accepted event durable, then stops; later records fail. */
    @Override
    void close();
}
