package io.precis.reports.event;

import java.nio.file.Path;

/** {@link LiftStoreTest} on PostgreSQL: the insert-if-absent and in-database additions several gateways share. */
class PostgresLiftStoreTest extends LiftStoreTest {
    @Override
    StoreFixture fixture(Path dir) {
        return StoreFixture.onPostgres(dir);
    }
}
