package io.precis.reports.event;

import java.nio.file.Path;

/** {@link ReportNumbersTest}'s known sequence and its numbers, on PostgreSQL. */
class PostgresReportNumbersTest extends ReportNumbersTest {
    @Override
    StoreFixture fixture(Path dir) {
        return StoreFixture.onPostgres(dir);
    }
}
