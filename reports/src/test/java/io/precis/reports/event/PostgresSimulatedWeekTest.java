package io.precis.reports.event;

import io.precis.reports.budget.SpendLimits;
import io.precis.reports.privacy.ReportPolicy;
import java.nio.file.Path;

/** {@link SimulatedWeekTest}'s week of traffic and its exact report, on PostgreSQL. */
class PostgresSimulatedWeekTest extends SimulatedWeekTest {
    @Override
    StoreFixture fixture(Path dir) {
        return StoreFixture.onPostgres(dir, AttributionPolicy.DEFAULTS, CLICKS, ReportPolicy.DEFAULTS, SpendLimits.NONE);
    }
}
