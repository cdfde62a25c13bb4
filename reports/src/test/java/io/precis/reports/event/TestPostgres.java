package io.precis.reports.event;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.precis.devservices.LocalPostgres;
import javax.sql.DataSource;

/** A fresh database for a test on the test JVM's private PostgreSQL server ({@link LocalPostgres#shared}). */
final class TestPostgres {
    private TestPostgres() {
    }

    static LocalPostgres server() {
        return LocalPostgres.shared();
    }

    /** A new, empty database on the server, pooled as the gateway's is (a connection is a server process). */
    static DataSource newDatabase() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(server().createDatabase());
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(0);
        config.setIdleTimeout(10_000);
        return new HikariDataSource(config);
    }
}
