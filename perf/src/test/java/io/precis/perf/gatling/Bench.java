package io.precis.perf.gatling;

import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.http.HttpDsl.http;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.precis.perf.gateway.BenchGateway;
import io.precis.perf.gateway.BenchWorkload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * What every simulation shares: the target gateway, its settings and the ad request feeder.
 *
 * <p>The target is the gateway named by {@code PRECIS_BENCH_TARGET} (a file {@code ./precis bench
 * gatling} writes once its gateway is seeded; {@link BenchGateway.Target}); without it, a gateway
 * started here in-process with {@code precis.campaigns} (default 300) campaigns in a throwaway
 * data dir, closed by {@link #release()}. Settings are system properties or, upper-cased with
 * {@code .} as {@code _}, environment variables ({@code precis.rate} or {@code PRECIS_RATE}).
 */
final class Bench {
    private static BenchGateway local;
    private static Path localDir;
    private static final AtomicLong ORDERS = new AtomicLong();

    private Bench() {}

    static synchronized BenchGateway.Target target() {
        String file = setting("precis.bench.target", null);
        try {
            if (file != null) {
                return BenchGateway.Target.read(Path.of(file));
            }
            if (local == null) {
                localDir = Files.createTempDirectory("precis-gatling");
                local = BenchGateway.start(localDir, (int) number("precis.campaigns", 300));
            }
            return local.target();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes the in-process gateway, if this run started one, and deletes its data. */
    static synchronized void release() {
        if (local != null) {
            local.close();
            local = null;
            try (Stream<Path> files = Files.walk(localDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.err.println("could not delete " + localDir);
            }
        }
    }

    static String setting(String name, String fallback) {
        String v = System.getProperty(name);
        if (v == null) {
            v = System.getenv(name.toUpperCase(java.util.Locale.ROOT).replace('.', '_'));
        }
        return v == null || v.isBlank() ? fallback : v;
    }

    static double number(String name, double fallback) {
        return Double.parseDouble(setting(name, Double.toString(fallback)));
    }

    /** JSON over one shared connection pool, a browser's user agent, no warm-up request. */
    static HttpProtocolBuilder protocol() {
        return http.baseUrl(target().baseUrl())
                .contentTypeHeader("application/json")
                .acceptHeader("application/json")
                .userAgentHeader(BenchWorkload.browserUserAgent())
                .shareConnections()
                .disableWarmUp();
    }

    /** Zero failed requests, and p99 of all requests under {@code precis.p99Ms} (else {@code defaultMs}). */
    static Assertion[] assertions(double defaultMs) {
        int p99 = (int) number("precis.p99Ms", defaultMs);
        return new Assertion[] {
            global().failedRequests().count().is(0L),
            global().responseTime().percentile(99.0).lt(p99)
        };
    }

    /** Cycles through {@code precis.requests} (default 500) ad request bodies of the mix. */
    static Iterator<Map<String, Object>> adRequests() {
        List<String> bodies = BenchWorkload.adRequests((int) number("precis.requests", 500), 12);
        return Stream.iterate(0, i -> (i + 1) % bodies.size()).map(i -> {
            Map<String, Object> m = new HashMap<>();
            m.put("adBody", bodies.get(i));
            m.put("ip", clientAddress());
            return m;
        }).iterator();
    }

    /** An ad request of a reader with a user id and full consent (measurement linked), on a page with keywords. */
    static Iterator<Map<String, Object>> consentingReaders() {
        List<String> bodies = BenchWorkload.adRequests(2000, 13).stream()
                .filter(b -> b.contains("\"user\"") && b.contains("\"tcf\"") && !b.contains("今日新闻")
                        && !b.contains("Today's news"))
                .toList();
        return Stream.iterate(0, i -> (i + 1) % bodies.size()).map(i -> {
            Map<String, Object> m = new HashMap<>();
            m.put("adBody", bodies.get(i));
            m.put("ip", clientAddress());
            m.put("order", "order-" + ORDERS.incrementAndGet());
            return m;
        }).iterator();
    }

    /** A client address per virtual user (the gateway trusts X-Forwarded-For in benchmarks). */
    static String clientAddress() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }

    /** A fresh value per call, from {@code make}. */
    static <T> Iterator<Map<String, Object>> each(String key, Supplier<T> make) {
        return Stream.generate(() -> Map.<String, Object>of(key, make.get())).iterator();
    }
}
