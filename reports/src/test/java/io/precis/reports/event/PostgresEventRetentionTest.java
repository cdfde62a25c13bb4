package io.precis.reports.event;

import java.nio.file.Path;

/** {@link EventRetentionTest} on PostgreSQL. */
class PostgresEventRetentionTest extends EventRetentionTest {
    @Override
    StoreFixture fixture(Path dir) {
        return StoreFixture.onPostgres(dir);
    }
}
