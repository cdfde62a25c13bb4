package io.precis.reports.event;

import io.precis.reports.budget.SpendLimits;
import io.precis.reports.privacy.ReportPolicy;
import java.nio.file.Path;

/** {@link ReportWhilePackingTest}'s reports read while periods are packed, on PostgreSQL. */
class PostgresReportWhilePackingTest extends ReportWhilePackingTest {
    @Override
    StoreFixture fixture(Path dir) {
        return StoreFixture.onPostgres(dir, AttributionPolicy.DEFAULTS, ReportPropertyTest.CLICKS,
                new ReportPolicy(3, 0), SpendLimits.NONE);
    }
}
