package io.precis.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.devservices.LocalPostgres;
import io.precis.gateway.GatewayConfig;
import io.precis.gateway.TestGateway;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * Two gateways behind one imaginary load balancer: A and B, each its own data dir under
 * {@code root}, both on one new database of the tests' PostgreSQL server and on one keys dir (the
 * operator gives every instance the same keys).
 */
final class GatewayPair implements AutoCloseable {
    final TestGateway a;
    final TestGateway b;
    /** The third gateway of {@link #startThree}, else null. */
    final TestGateway c;

    private GatewayPair(TestGateway a, TestGateway b, TestGateway c) {
        this.a = a;
        this.b = b;
        this.c = c;
    }

    static GatewayPair start(Path root) {
        return start(root, null, 2, c -> c);
    }

    /** As {@link #start(Path)}, each gateway's configuration changed by {@code tweak}. */
    static GatewayPair start(Path root, UnaryOperator<GatewayConfig> tweak) {
        return start(root, null, 2, tweak);
    }

    /**
     * Three gateways A, B and C on one new database and, when {@code redisUrl} is not null, one
     * Redis (caps, budgets and counters shared), with rate limits and the rest as configured.
     */
    static GatewayPair startThree(Path root, String redisUrl) {
        return start(root, redisUrl, 3, c -> c);
    }

    /** As {@link #startThree(Path, String)}, each gateway's configuration changed by {@code tweak}. */
    static GatewayPair startThree(Path root, String redisUrl, UnaryOperator<GatewayConfig> tweak) {
        return start(root, redisUrl, 3, tweak);
    }

    private static GatewayPair start(Path root, String redisUrl, int n, UnaryOperator<GatewayConfig> tweak) {
        GatewayConfig.Store pg = new GatewayConfig.Store(LocalPostgres.shared().createDatabase(), redisUrl);
        UnaryOperator<GatewayConfig> shared = c -> tweak.apply(c).withStore(pg).withKeysDir(root.resolve("keys"));
        List<TestGateway> started = new ArrayList<>();
        try {
            for (String name : List.of("a", "b", "c").subList(0, n)) {
                started.add(TestGateway.start(root.resolve(name), shared));
            }
        } catch (RuntimeException e) {
            started.reversed().forEach(TestGateway::close);
            throw e;
        }
        return new GatewayPair(started.get(0), started.get(1), n > 2 ? started.get(2) : null);
    }

    /** Every gateway, A first. */
    List<TestGateway> all() {
        return c == null ? List.of(a, b) : List.of(a, b, c);
    }

    /** Polls {@code done} for at most {@code seconds}; how long it took, in milliseconds. */
    static long within(int seconds, String what, BooleanSupplier done) {
        long start = System.nanoTime();
        long deadline = start + seconds * 1_000_000_000L;
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what + " within " + seconds + " s");
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Override
    public void close() {
        try {
            if (c != null) {
                c.close();
            }
            b.close();
        } finally {
            a.close();
        }
    }
}
