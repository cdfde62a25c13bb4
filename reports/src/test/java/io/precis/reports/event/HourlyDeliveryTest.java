package io.precis.reports.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.reports.token.AdServed;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The spend per campaign and hour the gateway rebuilds its budgets from at start
 * ({@link JdbcEventStore#hourlyDelivery}) is the same once the closed hours are packed
 * ({@link RollupPacker}: the hour grain's cells move into packs), and a late event written to a
 * packed hour (a cell beside its pack) is added to it; on H2 and on PostgreSQL.
 */
class HourlyDeliveryTest {
    @ParameterizedTest(name = "on PostgreSQL: {0}")
    @ValueSource(booleans = {false, true})
    void packedHoursGiveTheSameSpend(boolean postgres, @TempDir Path dir) throws SQLException {
        try (StoreFixture f = postgres ? StoreFixture.onPostgres(dir) : new StoreFixture(dir)) {
            Random r = new Random(5);
            Instant since = StoreFixture.T0.truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(1));
            AdServed first = null;
            for (int i = 0; i < 160; i++) {
                f.clock.set(StoreFixture.T0.plus(Duration.ofMinutes(17L * i)));
                String advertiser = "adv-" + i % 2;
                AdServed ad = StoreFixture.ad(advertiser, advertiser + "-c" + r.nextInt(3), "cr" + r.nextInt(2),
                        r.nextBoolean() ? "CPM" : "CPC", 2_000_000 + 500_000L * r.nextInt(3));
                first = first == null ? ad : first;
                assertTrue(f.impression(ad).counted());
                if (r.nextInt(4) == 0) {
                    f.click(ad);
                }
            }
            Map<String, DeliveryTotals> want = byHour(f.store.hourlyDelivery(since));
            assertTrue(want.size() > 40 && want.values().stream().anyMatch(t -> t.clicks() > 0 && t.costNanos() > 0),
                    want.size() + " campaign hours");
            assertTrue(hourCells(f) > 40, "hour cells before packing");

            f.clock.set(StoreFixture.T0.plus(Duration.ofDays(3)));
            assertTrue(f.store.packClosedPeriods() > 40, "periods packed");
            assertEquals(0, hourCells(f), "hour cells left in the cell table");
            assertEquals(want, byHour(f.store.hourlyDelivery(since)));

            // A late impression in the first, packed hour: a new cell, summed with its pack.
            f.clock.set(StoreFixture.T0.plus(Duration.ofMinutes(5)));
            AdServed late = StoreFixture.ad(first.advertiserId(), first.campaignId(), first.creativeId(), "CPM", 3_000_000);
            assertTrue(f.impression(late).counted());
            DeliveryTotals was = want.get(key(first.campaignId(), StoreFixture.T0.truncatedTo(ChronoUnit.HOURS)));
            want.put(key(was.campaignId(), was.period()), new DeliveryTotals(was.campaignId(), was.period(),
                    was.impressions() + 1, was.clicks(), was.conversions(), was.costNanos() + BatchWriter.impressionCost(late)));
            assertEquals(1, hourCells(f), "the late impression's cell");
            assertEquals(want, byHour(f.store.hourlyDelivery(since)));
        }
    }

    private static Map<String, DeliveryTotals> byHour(List<DeliveryTotals> totals) {
        Map<String, DeliveryTotals> out = new TreeMap<>();
        for (DeliveryTotals t : totals) {
            assertEquals(null, out.put(key(t.campaignId(), t.period()), t), "one row per campaign and hour");
        }
        return out;
    }

    private static String key(String campaignId, Instant hour) {
        return campaignId + " " + hour;
    }

    private static long hourCells(StoreFixture f) throws SQLException {
        try (Connection c = f.ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM precis_rollups WHERE grain = 'hc'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
