package io.precis.reports.event;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The two engines the event store runs on. The embedded H2 database has one writer (this
 * process's writer thread); PostgreSQL may be shared by several gateways writing at once, so
 * there inserts skip duplicates instead of failing ({@code ON CONFLICT DO NOTHING}) and roll-ups
 * add in the database ({@code ON CONFLICT ... DO UPDATE SET n = n + excluded.n}) under row locks.
 */
enum SqlDialect {
    H2, POSTGRES;

    static SqlDialect of(Connection c) throws SQLException {
        return "PostgreSQL".equals(c.getMetaData().getDatabaseProductName()) ? POSTGRES : H2;
    }

    /**
     * A batch met a concurrent writer: another gateway stored one of its events first, or the
     * two deadlocked. The batch is rolled back and written again, when its look-up sees the
     * other writer's rows.
     */
    static final class Conflict extends RuntimeException {
        Conflict(String message) {
            super(message, null, false, false);
        }
    }
}
