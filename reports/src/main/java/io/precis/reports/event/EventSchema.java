package io.precis.reports.event;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The events table, made by the migrations in {@code db/precis/reports} (H2 2.x and PostgreSQL 10+).
 *
 * <p>One row per recorded event. About the user only the measurement pseudonym (set only with
 * measurement consent) and the coarse region; never an IP or user agent. {@code cost_nanos} is in
 * 10^-9 currency units so a CPM impression's cost (price / 1000) is stored without rounding.
 */
final class EventSchema {
    static final String TABLE = "precis_events";

    private EventSchema() {
    }

    static void create(DataSource ds) {
        // Versioned migrations (db/precis/reports/V*.sql), the same for H2 and PostgreSQL.
        io.precis.reports.sql.SchemaMigrations.apply(ds, "reports");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            if ("H2".equals(c.getMetaData().getDatabaseProductName())) {
                // H2 otherwise writes commits to its file up to 500 ms later; a write
                // acknowledged in that gap would be lost to kill -9.
                s.execute("SET WRITE_DELAY 0");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set up the events database", e);
        }
    }
}
