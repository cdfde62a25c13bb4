package io.precis.gateway.observability;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The gateway's OpenTelemetry metrics, read out in Prometheus text format at {@code /metrics}.
 * Labels are route templates, methods, status codes and event kinds: never ids, IPs or tokens.
 */
public final class GatewayMetrics implements AutoCloseable {
    private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("route");
    private static final AttributeKey<String> METHOD = AttributeKey.stringKey("method");
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("status");
    private static final AttributeKey<String> RESULT = AttributeKey.stringKey("result");
    private static final AttributeKey<String> KIND = AttributeKey.stringKey("kind");
    private static final AttributeKey<String> REASON = AttributeKey.stringKey("reason");
    private static final AttributeKey<String> LEVEL = AttributeKey.stringKey("level");
    private static final AttributeKey<String> POOL = AttributeKey.stringKey("pool");
    private static final AttributeKey<String> RULE = AttributeKey.stringKey("rule");
    private static final AttributeKey<String> DETAIL = AttributeKey.stringKey("detail");
    private static final Attributes FOUND = Attributes.of(AttributeKey.stringKey("stage"), "found");
    private static final Attributes CHECKED = Attributes.of(AttributeKey.stringKey("stage"), "checked");

    private final PrometheusMetricReader reader = PrometheusMetricReader.builder()
            .setOtelScopeLabelsEnabled(false)
            .build();
    private final SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build();
    private final LongCounter requests;
    private final DoubleHistogram duration;
    private final LongCounter adRequests;
    private final LongCounter events;
    private final LongCounter rejected;
    private final LongCounter overBudget;
    private final LongCounter keyRefreshFailures;
    private final LongCounter invalidClicks;
    private final LongHistogram candidates;

    public GatewayMetrics() {
        Meter meter = provider.get("io.precis.gateway");
        requests = meter.counterBuilder("precis.http.requests").setDescription("HTTP requests by route and status").build();
        // Buckets from 0.25 ms to 5 s: ad requests should sit in the low milliseconds, and
        // the default OpenTelemetry buckets (0 to 10000) suit milliseconds, not seconds.
        duration = meter.histogramBuilder("precis.http.duration").setUnit("s")
                .setDescription("HTTP request latency by route")
                .setExplicitBucketBoundariesAdvice(java.util.List.of(0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                        0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0))
                .build();
        adRequests = meter.counterBuilder("precis.ad.requests").setDescription("ad requests, filled or empty").build();
        events = meter.counterBuilder("precis.events.recorded")
                .setDescription("measurement events by kind; result=repeat for tokens seen before").build();
        rejected = meter.counterBuilder("precis.events.rejected")
                .setDescription("measurement requests rejected, by reason").build();
        overBudget = meter.counterBuilder("precis.events.over_budget")
                .setDescription("billable events counted but charged less than their price, or nothing, because"
                        + " their campaign's budget was spent, by kind").build();
        keyRefreshFailures = meter.counterBuilder("precis.key_refresh.failures")
                .setDescription("pseudonym key refreshes that failed (broken rotation or key file)").build();
        invalidClicks = meter.counterBuilder("precis.clicks.invalid")
                .setDescription("clicks judged invalid (kept, never billed), by the rule that judged them").build();
        // Buckets around what issue 12 measured: ~330 found per request of 10k campaigns.
        candidates = meter.histogramBuilder("precis.match.candidates").ofLongs()
                .setDescription("campaigns per ad request found by the contextual index query and pre-check"
                        + " (stage=found) and fully checked for the auction (stage=checked)")
                .setExplicitBucketBoundariesAdvice(java.util.List.of(0L, 1L, 5L, 10L, 25L, 50L, 100L, 250L, 500L,
                        1000L, 2500L, 5000L, 10000L))
                .build();
        JvmMetrics.register(meter);
    }

    /** A click judged invalid by {@code rule} (a rule's reason, e.g. {@code robot}). */
    public void invalidClick(String rule) {
        invalidClicks.add(1, Attributes.of(RULE, rule == null ? "unknown" : rule));
    }

    /** A tracking token that did not verify: {@code invalid_token}, with the token's {@code detail}. */
    public void rejectedToken(String detail) {
        rejected.add(1, Attributes.of(REASON, "invalid_token", DETAIL, detail));
    }

    /**
     * Reports the campaign index (read at each scrape): how many campaigns serve, and how long
     * the last campaign change took from stored to matchable (the index's refresh lag).
     */
    public void index(java.util.function.IntSupplier campaigns, java.util.function.DoubleSupplier refreshLagSeconds) {
        Meter meter = provider.get("io.precis.gateway");
        meter.upDownCounterBuilder("precis.index.campaigns").setDescription("serving (active) campaigns in the index")
                .buildWithCallback(m -> m.record(campaigns.getAsInt()));
        meter.gaugeBuilder("precis.index.refresh_lag").setUnit("s")
                .setDescription("how long the last campaign change took from stored to matchable")
                .buildWithCallback(m -> m.record(refreshLagSeconds.getAsDouble()));
    }

    /** One ad request's candidates: {@code found} by the index, {@code checked} fully of those. */
    public void matchCandidates(int found, int checked) {
        candidates.record(found, FOUND);
        candidates.record(checked, CHECKED);
    }

    /** A key refresh failed (exported as {@code precis_key_refresh_failures_total}). */
    public void keyRefreshFailed() {
        keyRefreshFailures.add(1);
    }

    public void request(String route, String method, int status, double seconds) {
        Attributes a = Attributes.of(ROUTE, route, METHOD, method, STATUS, (long) status);
        requests.add(1, a);
        duration.record(seconds, Attributes.of(ROUTE, route, METHOD, method));
    }

    public void adRequest(boolean filled) {
        adRequests.add(1, Attributes.of(RESULT, filled ? "filled" : "empty"));
    }

    public void event(String kind, boolean counted) {
        events.add(1, Attributes.of(KIND, kind, RESULT, counted ? "counted" : "repeat"));
    }

    public void rejected(String reason) {
        rejected.add(1, Attributes.of(REASON, reason));
    }

    /** A counted event of {@code kind} that its campaign's budget left (partly) unpaid. */
    public void overBudget(String kind) {
        overBudget.add(1, Attributes.of(KIND, kind));
    }

    /**
     * Reports {@code dropped} (read at each scrape): impressions of capped campaigns that could
     * not be queued for the frequency-cap history (its writer fell behind), so a restart would
     * not count them.
     */
    public void capHistoryDropped(java.util.function.LongSupplier dropped) {
        provider.get("io.precis.gateway").counterBuilder("precis.cap_history.dropped")
                .setDescription("impressions not stored in the frequency-cap history (writer queue full)")
                .buildWithCallback(m -> m.record(dropped.getAsLong()));
    }

    /**
     * Reports the impressions stored whose frequency-cap count was lost because the shared
     * ledger (Redis) was away when they were booked: those people may see a capped ad again.
     */
    public void capsLost(java.util.function.LongSupplier lost) {
        provider.get("io.precis.gateway").counterBuilder("precis.caps.lost")
                .setDescription("impressions whose frequency-cap count was lost while the shared ledger was away")
                .buildWithCallback(m -> m.record(lost.getAsLong()));
    }

    /**
     * Reports the ads stop after conversion did not show, the ads the contact policy suppressed,
     * and the contacts not written to disk (their writer fell behind), since start.
     */
    public void contactPolicy(java.util.function.LongSupplier notShown, java.util.function.LongSupplier suppressed,
                              java.util.function.LongSupplier dropped) {
        var meter = provider.get("io.precis.gateway");
        meter.counterBuilder("precis.contact.not_shown")
                .setDescription("ads not shown because the person converted in the campaign's group")
                .buildWithCallback(m -> m.record(notShown.getAsLong()));
        meter.counterBuilder("precis.contact.suppressed")
                .setDescription("ads suppressed by the contact policy")
                .buildWithCallback(m -> m.record(suppressed.getAsLong()));
        meter.counterBuilder("precis.contact_history.dropped")
                .setDescription("contacts not stored in the contact history (writer queue full, or the write failed)")
                .buildWithCallback(m -> m.record(dropped.getAsLong()));
    }

    /** Reports the warnings and errors {@code problems} counted (read at each scrape), by level. */
    public void loggedProblems(ProblemCounter problems) {
        provider.get("io.precis.gateway").counterBuilder("precis.logged_problems")
                .setDescription("warnings and errors logged: handled failures, by level")
                .buildWithCallback(m -> {
                    m.record(problems.warnings(), Attributes.of(LEVEL, "warning"));
                    m.record(problems.errors(), Attributes.of(LEVEL, "error"));
                });
    }

    /** Reports the failed retention sweeps of behaviour that {@code failures} counted. */
    public void behaviourSweepFailures(java.util.function.LongSupplier failures) {
        provider.get("io.precis.gateway").counterBuilder("precis.behaviour.sweep_failures")
                .setDescription("sweeps deleting behaviour past its retention that failed (retried hourly)")
                .buildWithCallback(m -> m.record(failures.getAsLong()));
    }

    /**
     * Reports the behaviour store's committed transactions: each carries the appends and
     * deletions of every request waiting at the time (group commit), so against requests it
     * shows how well commits are shared.
     */
    public void behaviourCommits(java.util.function.LongSupplier commits) {
        provider.get("io.precis.gateway").counterBuilder("precis.behaviour.commits")
                .setDescription("behaviour store transactions committed (each shared by the requests waiting for it)")
                .buildWithCallback(m -> m.record(commits.getAsLong()));
    }

    /**
     * Reports the lookalikes' stored interest profiles: whether the start-up load is done (1) or
     * under way (0), the loads that failed and were tried again, rows that did not open, and
     * profiles remade from behaviour that could not be stored.
     */
    public void storedProfiles(java.util.function.BooleanSupplier loaded, java.util.function.LongSupplier loadFailures,
                               java.util.function.LongSupplier unreadable, java.util.function.LongSupplier writeFailures) {
        var meter = provider.get("io.precis.gateway");
        meter.gaugeBuilder("precis.profiles.loaded").ofLongs()
                .setDescription("1 once the stored interest profiles are loaded after a start (lookalike builds answer 503 before)")
                .buildWithCallback(m -> m.record(loaded.getAsBoolean() ? 1 : 0));
        meter.counterBuilder("precis.profiles.load_failures")
                .setDescription("start-up loads of the stored interest profiles that failed (retried every 5 s)")
                .buildWithCallback(m -> m.record(loadFailures.getAsLong()));
        meter.counterBuilder("precis.profiles.unreadable")
                .setDescription("stored interest profiles that did not open (tampered with, or sealed under other keys)")
                .buildWithCallback(m -> m.record(unreadable.getAsLong()));
        meter.counterBuilder("precis.profiles.write_failures")
                .setDescription("interest profiles remade from accepted behaviour that could not be stored (kept as they were)")
                .buildWithCallback(m -> m.record(writeFailures.getAsLong()));
    }

    /** Reports the failed compactions of the embedded database file that {@code failures} counted. */
    public void databaseCompactionFailures(java.util.function.LongSupplier failures) {
        provider.get("io.precis.gateway").counterBuilder("precis.db.compaction_failures")
                .setDescription("compactions of the embedded database file that failed (retried every 10 s)")
                .buildWithCallback(m -> m.record(failures.getAsLong()));
    }

    /** Reports each pool's waiting tasks, busy threads and refused tasks (read at each scrape), by name. */
    public void workerPools(java.util.List<io.precis.gateway.workers.WorkerPool> pools) {
        Meter meter = provider.get("io.precis.gateway");
        meter.gaugeBuilder("precis.worker.queued").ofLongs()
                .setDescription("tasks waiting for a worker thread, by pool")
                .buildWithCallback(m -> pools.forEach(p -> m.record(p.queued(), Attributes.of(POOL, p.name()))));
        meter.gaugeBuilder("precis.worker.active").ofLongs()
                .setDescription("worker threads running a task, by pool")
                .buildWithCallback(m -> pools.forEach(p -> m.record(p.active(), Attributes.of(POOL, p.name()))));
        meter.counterBuilder("precis.worker.rejected")
                .setDescription("tasks refused with 503 because the pool's threads and queue were full, by pool")
                .buildWithCallback(m -> pools.forEach(p -> m.record(p.rejected(), Attributes.of(POOL, p.name()))));
    }

    /** Reports the access and audit log lines dropped because their writer fell behind (read at each scrape). */
    public void logDropped(java.util.function.LongSupplier access, java.util.function.LongSupplier audit) {
        AttributeKey<String> log = AttributeKey.stringKey("log");
        provider.get("io.precis.gateway").counterBuilder("precis.log.dropped")
                .setDescription("access and audit log lines dropped because the writer's queue was full")
                .buildWithCallback(m -> {
                    m.record(access.getAsLong(), Attributes.of(log, "access"));
                    m.record(audit.getAsLong(), Attributes.of(log, "audit"));
                });
    }

    /** Everything recorded so far, in the Prometheus text exposition format 0.0.4. */
    public String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, reader.collect(), EscapingScheme.UNDERSCORE_ESCAPING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    public String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }

    @Override
    public void close() {
        provider.close();
    }
}
