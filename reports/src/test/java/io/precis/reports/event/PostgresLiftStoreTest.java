package io.precis.reports.event;

import io.precis.reports.budget.SpendLimits;
import io.precis.reports.invalid.InvalidClickPolicy;
import io.precis.reports.privacy.ReportPolicy;
import java.nio.file.Path;

/** {@link LiftStoreTest} on PostgreSQL: the insert-if-absent and in-database additions several gateways share. */
class PostgresLiftStoreTest extends LiftStoreTest {
    @Override
    StoreFixture fixture(Path dir) {
        return StoreFixture.onPostgres(dir, AttributionPolicy.DEFAULTS.withLiftTests("lift"::equals),
                InvalidClickPolicy.DEFAULTS, ReportPolicy.DEFAULTS, SpendLimits.NONE);
    }
}
