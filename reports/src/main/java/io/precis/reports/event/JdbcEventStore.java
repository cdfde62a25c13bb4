package io.precis.reports.event;

import io.precis.reports.budget.Charge;
import io.precis.reports.budget.SpendLimits;
import io.precis.reports.invalid.ClickContext;
import io.precis.reports.invalid.ClickJudge;
import io.precis.reports.invalid.InvalidClickPolicy;
import io.precis.reports.privacy.DiscreteLaplace;
import io.precis.reports.privacy.ReportPolicy;
import io.precis.reports.sql.GroupCommitQueue;
import io.precis.reports.token.TrackingToken;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import javax.sql.DataSource;

/**
 * {@link EventStore} over JDBC (H2 2.x embedded now, PostgreSQL later) with group commit.
 *
 * <p>Callers enqueue; one writer thread ({@link GroupCommitQueue}, as the gateway's behaviour and
 * profile stores) takes up to {@value #MAX_BATCH} events, applies the
 * counting rules ({@link BatchWriter}) in one transaction, commits, and only then completes
 * the futures, so an acknowledgement follows durability. The hourly and daily roll-ups that
 * reports read are updated in that same transaction. Futures complete on the writer
 * thread: callbacks must not block. Reports read through their own connections.
 *
 * <p>Budgets: the writer caps each charge at what the campaign's {@link SpendLimits} have left,
 * and tells them the batch's charges after the commit and before the acknowledgements, so the
 * next batch (and the matcher, once a caller sees its 2xx) already sees that spend.
 */
public final class JdbcEventStore implements EventStore {
    /** API.md: a conversion is attributed within 7 days of its click by default. */
    public static final Duration DEFAULT_CLICK_WINDOW = AttributionPolicy.DEFAULT_CLICK_WINDOW;
    /** API.md: raw events are kept 400 days, then deleted; roll-ups are kept. */
    public static final Duration DEFAULT_EVENT_RETENTION = EventRetention.DEFAULT;
    /** Large enough to amortise a commit over many events, small enough for a short transaction. */
    static final int MAX_BATCH = 512;
    /** About two seconds of peak load; beyond it callers get a fast rejection, not a memory blow-up. */
    public static final int MAX_QUEUE = 65_536;

    private static final System.Logger LOG = System.getLogger(JdbcEventStore.class.getName());

    private final DataSource ds;
    private final Clock clock;
    private final BatchWriter rules;
    private final SpendLimits limits;
    private final ReportPolicy reportPolicy;
    private final Random noiseRandom;
    private final GroupCommitQueue<PendingEvent> queue;
    private volatile Duration retention = EventRetention.DEFAULT;
    /** When the writer next deletes expired events ({@link System#nanoTime()}); writer thread only. */
    private long nextPurge = System.nanoTime();
    /**
     * When the writer next packs closed roll-up periods ({@link #packClosedPeriods}): an hour after
     * start, then hourly (sooner while more are closed); writer thread only.
     */
    private long nextPack = System.nanoTime() + PURGE_EVERY_NANOS;

    /**
     * Creates the events and roll-up tables if absent and starts the writer thread.
     *
     * @param attribution click and view windows, with the per-campaign click window hook
     * @param clicks      thresholds of the invalid-click rules
     * @param reports     the privacy policy of reports whose query has none
     */
    public JdbcEventStore(DataSource ds, Clock clock, AttributionPolicy attribution, InvalidClickPolicy clicks,
                          ReportPolicy reports) {
        this(ds, clock, attribution, clicks, reports, SpendLimits.NONE);
    }

    /**
     * As {@link #JdbcEventStore(DataSource, Clock, AttributionPolicy, InvalidClickPolicy, ReportPolicy)},
     * charging no campaign more than {@code limits} say it has left.
     *
     * @param limits asked and told on the writer thread only (see {@link SpendLimits})
     */
    public JdbcEventStore(DataSource ds, Clock clock, AttributionPolicy attribution, InvalidClickPolicy clicks,
                          ReportPolicy reports, SpendLimits limits) {
        this(ds, clock, attribution, clicks, reports, limits, MAX_QUEUE);
    }

    /**
     * As {@link #JdbcEventStore(DataSource, Clock, AttributionPolicy, InvalidClickPolicy, ReportPolicy, SpendLimits)},
     * holding at most {@code maxQueue} events waiting for the writer; beyond that a record fails
     * at once with {@link RejectedExecutionException}.
     */
    public JdbcEventStore(DataSource ds, Clock clock, AttributionPolicy attribution, InvalidClickPolicy clicks,
                          ReportPolicy reports, SpendLimits limits, int maxQueue) {
        this(ds, clock, attribution, clicks, reports, limits, new SecureRandom(), maxQueue);
    }

    /** As the public constructors, with the noise drawn from {@code noiseRandom} (tests seed it). */
    JdbcEventStore(DataSource ds, Clock clock, AttributionPolicy attribution, InvalidClickPolicy clicks,
                   ReportPolicy reports, SpendLimits limits, Random noiseRandom) {
        this(ds, clock, attribution, clicks, reports, limits, noiseRandom, MAX_QUEUE);
    }

    private JdbcEventStore(DataSource ds, Clock clock, AttributionPolicy attribution, InvalidClickPolicy clicks,
                           ReportPolicy reports, SpendLimits limits, Random noiseRandom, int maxQueue) {
        this.ds = Objects.requireNonNull(ds, "ds");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.rules = new BatchWriter(Objects.requireNonNull(attribution, "attribution"),
                new ClickJudge(Objects.requireNonNull(clicks, "clicks")), limits);
        this.reportPolicy = Objects.requireNonNull(reports, "reports");
        this.noiseRandom = Objects.requireNonNull(noiseRandom, "noiseRandom");
        EventSchema.create(ds);
        this.queue = new GroupCommitQueue<>("precis-event-writer", "event", maxQueue, MAX_BATCH, this::writeBatch,
                new GroupCommitQueue.Chores() {
                    @Override
                    public long dueInNanos() {
                        return Math.min(nextPurge, nextPack) - System.nanoTime();
                    }

                    @Override
                    public void run() {
                        purgeIfDue();
                    }
                });
    }

    /** A store with the given click window and every other default. */
    public JdbcEventStore(DataSource ds, Clock clock, Duration clickWindow) {
        this(ds, clock, AttributionPolicy.withClickWindow(clickWindow), InvalidClickPolicy.DEFAULTS,
                ReportPolicy.DEFAULTS);
    }

    /** A store with every default: 7-day click window, 1-day view window, k = 10, no noise. */
    public JdbcEventStore(DataSource ds, Clock clock) {
        this(ds, clock, DEFAULT_CLICK_WINDOW);
    }

    @Override
    public CompletableFuture<ImpressionOutcome> recordImpression(TrackingToken t, Viewability viewability) {
        Objects.requireNonNull(t, "token");
        Objects.requireNonNull(viewability, "viewability");
        CompletableFuture<ImpressionOutcome> f = new CompletableFuture<>();
        return enqueue(new PendingEvent.Impression(t, viewability, clock.instant(), f), f);
    }

    @Override
    public CompletableFuture<ClickOutcome> recordClick(TrackingToken t, String clickId, ClickContext context) {
        Objects.requireNonNull(t, "token");
        Objects.requireNonNull(clickId, "clickId");
        Objects.requireNonNull(context, "context");
        CompletableFuture<ClickOutcome> f = new CompletableFuture<>();
        return enqueue(new PendingEvent.Click(t, clickId, context, clock.instant(), f), f);
    }

    @Override
    public CompletableFuture<ConversionOutcome> recordConversion(ConversionRequest c) {
        Objects.requireNonNull(c, "conversion");
        CompletableFuture<ConversionOutcome> f = new CompletableFuture<>();
        return enqueue(new PendingEvent.Conversion(c, clock.instant(), f), f);
    }

    @Override
    public CompletableFuture<Boolean> recordGhost(io.precis.reports.token.AdServed ad) {
        Objects.requireNonNull(ad, "ad");
        CompletableFuture<Boolean> f = new CompletableFuture<>();
        return enqueue(new PendingEvent.Ghost(ad, clock.instant(), f), f);
    }

    @Override
    public CompletableFuture<Boolean> recordExposure(io.precis.reports.token.AdServed ad) {
        Objects.requireNonNull(ad, "ad");
        if (ad.pseudonym() == null) {
            throw new IllegalArgumentException("an exposure needs the person's measurement pseudonym");
        }
        CompletableFuture<Boolean> f = new CompletableFuture<>();
        return enqueue(new PendingEvent.Exposure(ad, clock.instant(), f), f);
    }

    @Override
    public List<InvalidClickReasons.Row> invalidClickReasons(String advertiserId, java.time.LocalDate from,
                                                             java.time.LocalDate to) {
        return InvalidClickReasons.read(ds, advertiserId, from, to);
    }

    @Override
    public List<DeliveryTotals> deliveryTotals() {
        return DeliverySql.totals(ds);
    }

    @Override
    public List<DeliveryTotals> hourlyDelivery(Instant since) {
        return DeliverySql.hourly(ds, since);
    }

    @Override
    public Report report(ReportQuery q) {
        ReportPolicy p = q.policy() == null ? reportPolicy : q.policy();
        DiscreteLaplace noise = p.noisy() ? new DiscreteLaplace(p.epsilon(), noiseRandom) : null;
        return ReportReader.read(ds, q.withPolicy(p), noise)
                .withLift(LiftReport.read(ds, q.advertiserId(), q.campaignId(), p.minUsers(), noise));
    }

    /**
     * Keeps raw events for {@code horizon} (default 400 days, at least one day): the writer
     * deletes older ones at start and hourly; roll-ups are kept. See {@link #purgeExpiredEvents}.
     */
    public void retainEventsFor(Duration horizon) {
        if (horizon == null || horizon.compareTo(EventRetention.MIN) < 0) {
            throw new IllegalArgumentException("event retention must be at least " + EventRetention.MIN);
        }
        retention = horizon;
    }

    /**
     * Deletes every raw event recorded before now minus the retention horizon, as the writer
     * does by itself hourly; blocking. Reports, read from the roll-ups, keep every figure; the
     * deleted events leave the invalid-click reasons and personal exports. The people who
     * entered a lift test before the horizon lose their link too (the test's counts stay).
     *
     * @return how many events were deleted
     */
    public long purgeExpiredEvents() {
        long total = 0;
        long n;
        do {
            n = EventRetention.purge(ds, clock.instant().minus(retention), PURGE_CHUNKS);
            total += n;
        } while (n >= (long) PURGE_CHUNKS * EventRetention.CHUNK);
        while (EventRetention.forgetLiftPeople(ds, clock.instant().minus(retention), PURGE_CHUNKS)) {
            // each round unlinks a few chunks of lift tests' people who entered before the horizon
        }
        return total;
    }

    /**
     * Packs the roll-up cells of every period that has ended ({@link RollupPacker}), as the writer
     * does by itself at start and hourly, a few periods at a time; blocking. Reports read the
     * same figures before and after, from fewer rows.
     *
     * @return how many periods (of one advertiser and grain) were packed
     */
    public long packClosedPeriods() {
        return pack(Integer.MAX_VALUE);
    }

    /** Periods of roll-up cells the writer packs between two batches. */
    private static final int PACK_PERIODS = 8;

    private int pack(int max) {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                return RollupPacker.packClosed(c, clock.millis(), max);
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("packing roll-ups failed", e);
        }
    }

    /** Writes everything queued so far, then stops the writer. Idempotent. */
    @Override
    public void close() {
        queue.close();
    }

    private <T> CompletableFuture<T> enqueue(PendingEvent e, CompletableFuture<T> f) {
        queue.enqueue(e);
        return f;
    }

    /** Chunks of expired events the writer deletes between two batches, so writes never wait long. */
    private static final int PURGE_CHUNKS = 4;
    private static final long PURGE_EVERY_NANOS = Duration.ofHours(1).toNanos();

    /**
     * On the writer thread, each when due: deletes a few chunks of expired events, and packs a few
     * closed roll-up periods; each again soon while there is more, else in an hour.
     */
    private void purgeIfDue() {
        if (System.nanoTime() - nextPurge >= 0) {
            boolean more = false;
            try {
                Instant cutoff = clock.instant().minus(retention);
                more = EventRetention.purge(ds, cutoff, PURGE_CHUNKS) >= (long) PURGE_CHUNKS * EventRetention.CHUNK;
                more |= EventRetention.forgetLiftPeople(ds, cutoff, PURGE_CHUNKS);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "deleting expired events failed; retried in an hour", e);
            }
            nextPurge = System.nanoTime() + (more ? 0 : PURGE_EVERY_NANOS);
        }
        if (System.nanoTime() - nextPack >= 0) {
            boolean more = false;
            try {
                more = pack(PACK_PERIODS) >= PACK_PERIODS;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "packing closed roll-up periods failed; retried in an hour", e);
            }
            nextPack = System.nanoTime() + (more ? 0 : PURGE_EVERY_NANOS);
        }
    }

    /** Attempts at a batch that meets concurrent writers (other gateways on the same PostgreSQL). */
    private static final int MAX_ATTEMPTS = 5;

    @SuppressWarnings("unchecked")
    private void writeBatch(List<PendingEvent> batch) {
        BatchWriter.Written written = null;
        Throwable failure = null;
        for (int attempt = 1; written == null && attempt <= MAX_ATTEMPTS; attempt++) {
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                BatchWriter.Written w = null;
                try {
                    w = rules.write(c, batch);
                    c.commit();
                    written = w;
                } catch (SQLException | RuntimeException e) {
                    io.precis.reports.sql.Transactions.rollback(c, e);
                    if (w != null) {
                        limits.givenBack(w.charges()); // the commit failed: the charges were never made
                    }
                    throw e;
                }
            } catch (Throwable e) {
                if (written != null) {
                    // Committed, so durable and charged: only closing the connection failed.
                    LOG.log(System.Logger.Level.WARNING, "closing the connection of a committed event batch failed", e);
                    break;
                }
                failure = e;
                if (!concurrent(e)) {
                    break;
                }
                // Another gateway stored one of these events first, or the two deadlocked: the
                // batch was rolled back whole, and its look-up now sees the other's rows.
            }
        }
        if (written == null) {
            LOG.log(System.Logger.Level.ERROR, "event batch of " + batch.size() + " failed", failure);
            Throwable cause = failure;
            batch.forEach(p -> p.done().completeExceptionally(cause));
            return;
        }
        reportCharges(written.charges());
        for (int i = 0; i < batch.size(); i++) {
            ((CompletableFuture<Object>) batch.get(i).done()).complete(written.outcomes().get(i));
        }
    }

    private static boolean concurrent(Throwable e) {
        return e instanceof SqlDialect.Conflict || io.precis.reports.sql.Transactions.retryable(e);
    }

    /**
     * Tells the limits what a committed batch charged. A failure there is logged and goes no
     * further: the events are durable, so their callers still get their acknowledgement.
     */
    private void reportCharges(List<Charge> charges) {
        if (charges.isEmpty()) {
            return;
        }
        try {
            limits.charged(charges);
        } catch (RuntimeException e) {
            // Charges name campaigns and amounts only, never a user: safe to log with the cause.
            LOG.log(System.Logger.Level.ERROR, "recording " + charges.size() + " charges of a committed batch failed", e);
        }
    }

    @Override
    public java.util.List<LinkedEvent> linkedTo(java.util.Collection<io.precis.consent.identity.Pseudonym> pseudonyms) {
        return UserLinks.linkedTo(ds, pseudonyms);
    }

    @Override
    public java.util.Set<io.precis.consent.identity.Pseudonym> converters(String campaignId) {
        return UserLinks.converters(ds, campaignId);
    }

    @Override
    public int unlink(java.util.Collection<io.precis.consent.identity.Pseudonym> pseudonyms) {
        return UserLinks.unlink(ds, pseudonyms);
    }
}
