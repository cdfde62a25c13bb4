package io.precis.reports.event;

import io.precis.reports.invalid.ClickContext;
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
    /** Records a verified impression token, not measured for viewability; an ad's impression counts once. */
    default CompletableFuture<ImpressionOutcome> recordImpression(TrackingToken t) {
        return recordImpression(t, Viewability.NOT_MEASURED);
    }

    /**
     * Records a verified impression token with what the ad tag measured ({@link Viewability}):
     * {@code RENDERED} only marks the ad measured (the outcome never says counted: no impression
     * is counted or billed); {@code VIEWABLE} also marks it viewable and counts its impression,
     * once per ad whichever signal came first. Each mark counts once per ad too.
     */
    CompletableFuture<ImpressionOutcome> recordImpression(TrackingToken t, Viewability viewability);

    /** {@link #recordClick(TrackingToken, String, ClickContext)} with nothing known of the request. */
    default CompletableFuture<ClickOutcome> recordClick(TrackingToken t, String clickId) {
        return recordClick(t, clickId, ClickContext.NONE);
    }

    /**
     * Records a verified click token whose click id is {@code clickId}; counts once per ad (a
     * prefetch of the click URL counts apart, as invalid, and does not use up the ad's click).
     * {@code context} feeds the invalid-click rules; the outcome names the rule that rejected it.
     */
    CompletableFuture<ClickOutcome> recordClick(TrackingToken t, String clickId, ClickContext context);

    /**
     * Records a conversion, attributed to its click when valid and within the campaign's click
     * window, else (view-through) to the latest impression of its measurement pseudonym within
     * the view window; otherwise kept unattributed, never credited.
     */
    CompletableFuture<ConversionOutcome> recordConversion(ConversionRequest c);

    /**
     * Records a ghost impression: the ad {@code ad} (with the person's measurement pseudonym, when
     * they gave measurement consent) that the auction would have served but for the campaign's
     * lift test holding the person out. Never billed, never counted as an impression; with a
     * pseudonym, it enters the person in the campaign's held-out group. Completes true when
     * recorded, false when the ad's ghost was recorded before.
     */
    CompletableFuture<Boolean> recordGhost(io.precis.reports.token.AdServed ad);

    /**
     * Records that the auction served {@code ad} of a campaign with a lift test to the person of
     * its measurement pseudonym (required): they enter the test's exposed group, chosen at the
     * same point as the held-out group's ghosts. No event is stored and nothing is counted or
     * billed (the ad's impression is, when it comes). Completes true once recorded.
     */
    CompletableFuture<Boolean> recordExposure(io.precis.reports.token.AdServed ad);

    /**
     * The advertiser's own report, read from the roll-ups under the query's privacy policy (or
     * the store's when the query has none); blocking, so call it off any event loop.
     */
    Report report(ReportQuery q);

    /**
     * Every campaign's delivery over its whole history, exactly as recorded (no threshold, no
     * noise), for rebuilding rates and total spend at start. Blocking.
     */
    java.util.List<DeliveryTotals> deliveryTotals();

    /**
     * Every campaign's delivery per UTC hour, for the hours starting at or after {@code since},
     * exactly as recorded: for rebuilding each campaign's spend on its own local day. Blocking.
     */
    java.util.List<DeliveryTotals> hourlyDelivery(java.time.Instant since);

    /**
     * Why the advertiser's clicks on UTC days {@code from..to} were judged invalid, per campaign
     * and reason. Blocking.
     */
    java.util.List<InvalidClickReasons.Row> invalidClickReasons(String advertiserId, java.time.LocalDate from,
                                                                java.time.LocalDate to);

    /** Makes every accepted event durable, then stops; later records fail. */
    @Override
    void close();

    /** Measurement events linked to any of {@code pseudonyms}, oldest first. Blocking. */
    java.util.List<LinkedEvent> linkedTo(java.util.Collection<io.precis.consent.identity.Pseudonym> pseudonyms);

    /**
     * The measurement pseudonyms of the people whose conversions were credited to campaign
     * {@code campaignId} and are still linked to them (measurement consent; not erased): a
     * lookalike's seed. Blocking.
     */
    java.util.Set<io.precis.consent.identity.Pseudonym> converters(String campaignId);

    /**
     * Removes the link of every event to {@code pseudonyms} (erasure); counts, spend and
     * roll-ups stay, so reports still add up. Returns how many events were unlinked. Blocking.
     */
    int unlink(java.util.Collection<io.precis.consent.identity.Pseudonym> pseudonyms);
}
