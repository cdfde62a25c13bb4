package io.precis.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.devservices.LocalPostgres;
import io.precis.gateway.GatewayConfig;
import io.precis.gateway.TestGateway;
import java.nio.file.Path;
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

    private GatewayPair(TestGateway a, TestGateway b) {
        this.a = a;
        this.b = b;
    }

    static GatewayPair start(Path root) {
        GatewayConfig.Store pg = new GatewayConfig.Store(LocalPostgres.shared().createDatabase());
        UnaryOperator<GatewayConfig> shared = c -> c.withStore(pg).withKeysDir(root.resolve("keys"));
        TestGateway a = TestGateway.start(root.resolve("a"), shared);
        try {
            return new GatewayPair(a, TestGateway.start(root.resolve("b"), shared));
        } catch (RuntimeException e) {
            a.close();
            throw e;
        }
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
            b.close();
        } finally {
            a.close();
        }
    }
}
