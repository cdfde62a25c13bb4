package io.precis.perf.behaviour;

import io.precis.consent.vault.UserVault;
import io.precis.gateway.behaviour.VaultBehaviourStore;
import io.precis.gateway.storage.Database;
import java.nio.file.Path;
import java.time.Clock;

/** The gateway's behaviour store over a fresh data dir, as the gateway wires it. */
final class BenchStores {
    private BenchStores() {}

    record Opened(VaultBehaviourStore store, Database db) implements AutoCloseable {
        @Override
        public void close() {
            store.close();
            db.close();
        }
    }

    static Opened open(Path dir) {
        Database db = Database.open(dir);
        UserVault vault = UserVault.open(dir, dir.resolve("keys"));
        return new Opened(new VaultBehaviourStore(vault, db, Clock.systemUTC()), db);
    }
}
