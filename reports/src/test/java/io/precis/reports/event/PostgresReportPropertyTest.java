package io.precis.reports.event;

import io.precis.reports.budget.SpendLimits;
import io.precis.reports.privacy.ReportPolicy;
import java.nio.file.Path;

/** {@link ReportPropertyTest}'s random events and queries against their exact computation, on PostgreSQL. */
class PostgresReportPropertyTest extends ReportPropertyTest {
    @Override
    StoreFixture fixture(Path dir) {
        return StoreFixture.onPostgres(dir, AttributionPolicy.DEFAULTS, CLICKS, ReportPolicy.DEFAULTS, SpendLimits.NONE);
    }
}
