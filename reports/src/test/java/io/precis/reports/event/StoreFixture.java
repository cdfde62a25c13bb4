package io.precis.reports.event;

import io.precis.consent.MutableClock;
import io.precis.consent.crypto.Randoms;
import io.precis.reports.budget.SpendLimits;
import io.precis.reports.invalid.ClickContext;
import io.precis.reports.invalid.InvalidClickPolicy;
import io.precis.reports.privacy.ReportPolicy;
import io.precis.reports.token.AdServed;
import io.precis.reports.token.TokenKind;
import io.precis.reports.token.TokenSigner;
import io.precis.reports.token.TrackingToken;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * A database (an H2 file in a temp dir, or with {@link #onPostgres} a fresh database on a private
 * PostgreSQL server), a JdbcEventStore over it, and helpers to feed it events.
 */
final class StoreFixture implements AutoCloseable {
    static final Instant T0 = Instant.parse("2026-11-03T10:00:00Z");
    static final LocalDate DAY0 = LocalDate.parse("2026-11-03");

    final Path dir;
    final MutableClock clock;
    final TokenSigner signer;
    final AttributionPolicy attribution;
    final InvalidClickPolicy clicks;
    final ReportPolicy reports;
    final SpendLimits limits;
    /** Opens the database again after a close; null for the embedded H2 file. */
    private final java.util.function.Supplier<DataSource> engine;
    DataSource ds;
    private JdbcConnectionPool pool;
    JdbcEventStore store;

    StoreFixture(Path dir) {
        this(dir, AttributionPolicy.DEFAULTS, InvalidClickPolicy.DEFAULTS, ReportPolicy.DEFAULTS);
    }

    StoreFixture(Path dir, AttributionPolicy attribution, InvalidClickPolicy clicks, ReportPolicy reports) {
        this(dir, attribution, clicks, reports, SpendLimits.NONE);
    }

    /** Every default, charging no campaign more than {@code limits} say it has left. */
    StoreFixture(Path dir, SpendLimits limits) {
        this(dir, AttributionPolicy.DEFAULTS, InvalidClickPolicy.DEFAULTS, ReportPolicy.DEFAULTS, limits);
    }

    StoreFixture(Path dir, AttributionPolicy attribution, InvalidClickPolicy clicks, ReportPolicy reports,
                 SpendLimits limits) {
        this(dir, attribution, clicks, reports, limits, null);
    }

    private StoreFixture(Path dir, AttributionPolicy attribution, InvalidClickPolicy clicks, ReportPolicy reports,
                         SpendLimits limits, java.util.function.Supplier<DataSource> engine) {
        this.engine = engine;
        this.dir = dir;
        this.limits = limits;
        this.clock = new MutableClock(T0);
        this.signer = new TokenSigner("fixture-key-0123456789abcdef0123".getBytes(StandardCharsets.US_ASCII), clock);
        this.attribution = attribution;
        this.clicks = clicks;
        this.reports = reports;
        open();
    }

    /** Every default, on a new database of the tests' private PostgreSQL server. */
    static StoreFixture onPostgres(Path dir) {
        return onPostgres(dir, AttributionPolicy.DEFAULTS, InvalidClickPolicy.DEFAULTS, ReportPolicy.DEFAULTS,
                SpendLimits.NONE);
    }

    static StoreFixture onPostgres(Path dir, AttributionPolicy attribution, InvalidClickPolicy clicks,
                                   ReportPolicy reports, SpendLimits limits) {
        DataSource db = TestPostgres.newDatabase();
        return new StoreFixture(dir, attribution, clicks, reports, limits, () -> db);
    }

    void open() {
        if (engine == null) {
            pool = JdbcConnectionPool.create("jdbc:h2:file:" + dir.resolve("precis"), "sa", "");
            ds = pool;
        } else {
            ds = engine.get();
        }
        store = new JdbcEventStore(ds, clock, attribution, clicks, reports, limits, new Random(7));
    }

    boolean onPostgres() {
        return engine != null;
    }

    /** An ad with a user link (or none), a region, a site and targeting kinds. */
    static AdServed ad(String advertiser, String campaign, String creative, String model, long priceMicros,
                       String pseudonym, String region, String site, List<String> matchedBy) {
        return new AdServed(Randoms.token(16), advertiser, campaign, creative, "slot-1", site, matchedBy, model,
                priceMicros, pseudonym, region);
    }

    ClickOutcome click(AdServed ad, ClickContext context) {
        clock.advance(HUMAN_DELAY);
        return await(store.recordClick(token(TokenKind.CLICK, ad), signer.clickId(ad), context));
    }

    ConversionOutcome conversion(ConversionRequest r) {
        return await(store.recordConversion(r));
    }

    Report report(ReportQuery q) {
        return store.report(q);
    }

    Report report(String advertiser, String campaign, Dimension... groupBy) {
        return store.report(new ReportQuery(advertiser, DAY0.minusDays(30), DAY0.plusDays(30), List.of(groupBy), campaign));
    }

    /** Closes the store (draining its queue) and the database, then opens both again. */
    void reopen() {
        close();
        open();
    }

    static AdServed ad(String advertiser, String campaign, String creative, String model, long priceMicros) {
        return new AdServed(Randoms.token(16), advertiser, campaign, creative, "slot-1", "news.example.cn",
                List.of("contextual"), model, priceMicros);
    }

    TrackingToken token(TokenKind kind, AdServed ad) {
        return new TrackingToken(kind, ad, clock.instant(), clock.instant().plus(Duration.ofHours(1)));
    }

    ImpressionOutcome impression(AdServed ad) {
        return await(store.recordImpression(token(TokenKind.IMPRESSION, ad)));
    }

    /** Seconds a person takes to click: past the default too-fast threshold of 1 s. */
    static final Duration HUMAN_DELAY = Duration.ofSeconds(2);

    /** Clicks {@link #HUMAN_DELAY} later than now (the clock moves). */
    ClickOutcome click(AdServed ad) {
        clock.advance(HUMAN_DELAY);
        return await(store.recordClick(token(TokenKind.CLICK, ad), signer.clickId(ad)));
    }

    ConversionOutcome conversion(AdServed ad, double value, String orderId) {
        return conversion(signer.clickId(ad), value, orderId);
    }

    ConversionOutcome conversion(String clickId, double value, String orderId) {
        long micros = Math.round(value * 1_000_000);
        return await(store.recordConversion(new ConversionRequest(clickId, "purchase", micros, "CNY", orderId)));
    }

    Report report(String advertiser, Dimension... groupBy) {
        return store.report(new ReportQuery(advertiser, DAY0.minusDays(30), DAY0.plusDays(30), List.of(groupBy), null));
    }

    static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("event not acknowledged", e);
        }
    }

    @Override
    public void close() {
        store.close();
        if (pool != null) {
            pool.dispose();
            pool = null;
        }
    }
}
