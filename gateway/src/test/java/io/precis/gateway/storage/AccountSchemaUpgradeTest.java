package io.precis.gateway.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.gateway.auth.Account;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A data dir from before keys could be revoked opens, and its accounts' keys can then be revoked. */
class AccountSchemaUpgradeTest {
    @TempDir
    Path dir;

    @Test
    void accountsStoredBeforeKeyRevocationKeepTheirKeyAndCanLoseIt() throws Exception {
        byte[] hash = new byte[32];
        hash[0] = 7;
        // The database as the first round left it: its own accounts table, no migration history.
        java.nio.file.Files.createDirectories(dir.resolve("db"));
        try (Connection c = java.sql.DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("db").resolve("precis")
                .toAbsolutePath(), "precis", "")) {
            c.createStatement().execute("""
                    CREATE TABLE accounts (
                      id VARCHAR(64) PRIMARY KEY,
                      type VARCHAR(16) NOT NULL,
                      name VARCHAR(200) NOT NULL,
                      key_hash VARBINARY(32) NOT NULL,
                      created_at BIGINT NOT NULL)""");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO accounts VALUES ('old1', 'advertiser', 'Old', ?, 1000)")) {
                ps.setBytes(1, hash);
                ps.executeUpdate();
            }
        }
        try (Database db = Database.open(dir)) {
            JdbcAccountStore store = new JdbcAccountStore(db);
            Account old = store.all().getFirst();
            assertArrayEquals(hash, old.keyHash());
            assertEquals(Instant.ofEpochMilli(1000), old.keyIssuedAt());
            assertNull(old.keyRevokedAt());
            assertTrue(store.updateKey(old.withoutKey(Instant.ofEpochMilli(5000))));
        }
        try (Database db = Database.open(dir)) {
            List<Account> all = new JdbcAccountStore(db).all();
            assertFalse(all.getFirst().hasKey());
            assertEquals(Instant.ofEpochMilli(5000), all.getFirst().keyRevokedAt());
        }
    }
}
