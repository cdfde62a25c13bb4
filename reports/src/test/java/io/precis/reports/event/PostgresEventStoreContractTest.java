package io.precis.reports.event;

import java.nio.file.Path;

/** The event store's contract on PostgreSQL: every test of {@link JdbcEventStoreTest}, on a private server. */
class PostgresEventStoreContractTest extends JdbcEventStoreTest {
    @Override
    StoreFixture fixture(Path dir) {
        return StoreFixture.onPostgres(dir);
    }
}
