package io.precis.reports.event;

import java.nio.file.Path;

/** {@link ReachReportTest} on PostgreSQL: the upsert path that several gateways share. */
class PostgresReachReportTest extends ReachReportTest {
    @Override
    StoreFixture fixture(Path dir) {
        return StoreFixture.onPostgres(dir);
    }
}
