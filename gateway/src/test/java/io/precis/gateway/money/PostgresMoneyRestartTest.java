package io.precis.gateway.money;

import io.precis.devservices.LocalPostgres;
import io.precis.gateway.GatewayConfig;
import org.junit.jupiter.api.BeforeEach;

/**
 * {@link MoneyRestartTest} with the gateway on PostgreSQL (a fresh database on a private server
 * per test): budgets, pacing and ranking rates are rebuilt from the shared store's events after
 * every restart exactly as from the embedded one.
 */
class PostgresMoneyRestartTest extends MoneyRestartTest {
    @BeforeEach
    void onPostgres() {
        GatewayConfig.Store db = new GatewayConfig.Store(LocalPostgres.shared().createDatabase());
        store = c -> c.withStore(db);
    }
}
