package io.precis.reports.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database made before the invalid-click sums (schema version 1, reasons only in the raw
 * clicks) keeps its invalid-click reasons after the upgrade: migration 2 sums the stored clicks.
 */
class ClickReasonsMigrationTest {
    @Test
    void theUpgradeSumsTheInvalidClicksAlreadyStored(@TempDir Path dir) throws SQLException {
        JdbcConnectionPool pool = JdbcConnectionPool.create("jdbc:h2:file:" + dir.resolve("precis"), "sa", "");
        try {
            Flyway.configure().dataSource(pool).locations("classpath:db/precis/reports").table("precis_schema_reports")
                    .target("1").load().migrate();
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                String cols = "INSERT INTO precis_events (kind, at_ms, utc_day, advertiser_id, campaign_id, cost_nanos, "
                        + "value_micros, is_valid, reason) VALUES ";
                s.execute(cols + "('click', 0, DATE '2026-11-03', 'adv', 'c1', 0, 0, FALSE, 'robot')");
                s.execute(cols + "('click', 0, DATE '2026-11-03', 'adv', 'c1', 0, 0, FALSE, 'robot')");
                s.execute(cols + "('click', 0, DATE '2026-11-04', 'adv', 'c2', 0, 0, FALSE, NULL)");
                s.execute(cols + "('click', 0, DATE '2026-11-03', 'adv', 'c1', 0, 0, TRUE, NULL)");
                s.execute(cols + "('imp', 0, DATE '2026-11-03', 'adv', 'c1', 0, 0, TRUE, NULL)");
                s.execute(cols + "('click', 0, DATE '2026-11-03', 'other', 'c1', 0, 0, FALSE, 'too_fast')");
            }
            try (JdbcEventStore store = new JdbcEventStore(pool, Clock.systemUTC())) {
                assertEquals(List.of(new InvalidClickReasons.Row("c1", "robot", 2),
                                new InvalidClickReasons.Row("c2", "unknown", 1)),
                        store.invalidClickReasons("adv", StoreFixture.DAY0, StoreFixture.DAY0.plusDays(1)));
                assertEquals(List.of(new InvalidClickReasons.Row("c1", "robot", 2)),
                        store.invalidClickReasons("adv", StoreFixture.DAY0, StoreFixture.DAY0));
            }
        } finally {
            pool.dispose();
        }
    }
}
