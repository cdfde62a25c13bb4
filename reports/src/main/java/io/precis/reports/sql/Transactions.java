package io.precis.reports.sql;

import java.sql.Connection;
import java.sql.SQLException;

/** What every JDBC transaction here does when it fails. */
public final class Transactions {
    private Transactions() {
    }

    /**
     * Whether {@code e} says the transaction lost to a concurrent one (a deadlock, a
     * serialization failure: SQL states {@code 40P01}, {@code 40001}; or the lock timeout,
     * {@code HYT00}, by which H2 ends a deadlock it did not detect: error 50200), so that, once rolled
     * back whole, it may simply be run again.
     */
    public static boolean retryable(Throwable e) {
        if (!(e instanceof SQLException s)) {
            return false;
        }
        String state = s.getSQLState();
        return "40P01".equals(state) || "40001".equals(state) || "HYT00".equals(state);
    }

    /**
     * Rolls {@code c} back after {@code failure}. When the rollback fails too (the connection
     * died with the database, which is often why the transaction failed), that failure is added
     * to {@code failure} as suppressed rather than thrown in its place: the original says what
     * happened (a lost connection is a 503, not a 500).
     */
    public static void rollback(Connection c, Throwable failure) {
        try {
            c.rollback();
        } catch (SQLException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }
}
