package io.precis.reports.event;

import io.precis.devservices.LocalPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * One private PostgreSQL server for this module's tests (started on first use, stopped when the
 * test JVM ends), and a fresh database on it for each test that asks.
 */
final class TestPostgres {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static LocalPostgres server;

    private TestPostgres() {
    }

    static synchronized LocalPostgres server() {
        if (server == null) {
            server = LocalPostgres.start("reports");
            LocalPostgres s = server;
            Runtime.getRuntime().addShutdownHook(new Thread(s::close, "stop-test-postgres"));
        }
        return server;
    }

    /** A new, empty database on the server. */
    static DataSource newDatabase() {
        LocalPostgres pg = server();
        String name = "t" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl()); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database", e);
        }
        // Pooled, as the gateway's is: a new PostgreSQL connection is a new server process.
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(pg.jdbcUrl().replace("/precis?", "/" + name + "?"));
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(0);
        config.setIdleTimeout(10_000);
        config.setPoolName("test-" + name);
        return new HikariDataSource(config);
    }
}
