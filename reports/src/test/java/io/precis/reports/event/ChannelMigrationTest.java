package io.precis.reports.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database summed before channels existed (schema version 6) reports by channel after the
 * upgrade: migration 8 adds the columns and gives every earlier day cell a web cell, so a
 * breakdown by channel adds up to the breakdown by campaign, and days without any channel
 * cell are not silently missing from it.
 */
class ChannelMigrationTest {
    @Test
    void theUpgradeReportsEveryEarlierAdAsWeb(@TempDir Path dir) throws SQLException {
        JdbcConnectionPool pool = JdbcConnectionPool.create("jdbc:h2:file:" + dir.resolve("precis"), "sa", "");
        try {
            Flyway.configure().dataSource(pool).locations("classpath:db/precis/reports").table("precis_schema_reports")
                    .target("6").load().migrate();
            long day = StoreFixture.DAY0.toEpochDay() * 86_400_000L;
            try (Connection c = pool.getConnection()) {
                Tally one = new Tally();
                one.impressions = 40;
                one.clicks = 3;
                one.costNanos = 200_000_000;
                Tally two = new Tally();
                two.impressions = 7;
                RollupSql.insert(c, Map.of(
                        new RollupCell(Grain.DAY, "adv", "c1", "cr1", day, Grain.ANY, Grain.ANY, Grain.ANY, Grain.ANY), one,
                        new RollupCell(Grain.DAY, "adv", "c1", "cr2", day, Grain.ANY, Grain.ANY, Grain.ANY, Grain.ANY), two));
            }
            try (JdbcEventStore store = new JdbcEventStore(pool, Clock.systemUTC())) {
                Report byChannel = store.report(new ReportQuery("adv", StoreFixture.DAY0, StoreFixture.DAY0,
                        List.of(Dimension.CHANNEL), null));
                assertEquals(1, byChannel.rows().size(), byChannel.rows().toString());
                assertEquals("web", byChannel.rows().get(0).keys().get(Dimension.CHANNEL));
                assertEquals(47, byChannel.rows().get(0).counts().impressions());
                assertEquals(3, byChannel.rows().get(0).counts().clicks());
                Report byCampaign = store.report(new ReportQuery("adv", StoreFixture.DAY0, StoreFixture.DAY0,
                        List.of(Dimension.CAMPAIGN), null));
                assertEquals(byCampaign.totals(), byChannel.totals());
            }
        } finally {
            pool.dispose();
        }
    }
}
