package io.precis.gateway.observability;

import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Counts every warning and error logged in the process (java.util.logging, which also carries
 * {@code System.Logger} records), so that each handled failure that is logged is also counted
 * ({@code precis_logged_problems_total{level}}) without every module knowing the metrics.
 * Install once per gateway; {@link #close} removes it. Thread-safe.
 */
public final class ProblemCounter extends Handler implements AutoCloseable {
    private final LongAdder warnings = new LongAdder();
    private final LongAdder errors = new LongAdder();

    /** A counter listening on the root logger. */
    public static ProblemCounter install() {
        ProblemCounter c = new ProblemCounter();
        c.setLevel(Level.WARNING);
        Logger.getLogger("").addHandler(c);
        return c;
    }

    @Override
    public void publish(LogRecord r) {
        if (r.getLevel().intValue() >= Level.SEVERE.intValue()) {
            errors.increment();
        } else if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
            warnings.increment();
        }
    }

    public long warnings() {
        return warnings.sum();
    }

    public long errors() {
        return errors.sum();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
    }
}
