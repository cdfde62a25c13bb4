package io.precis.gateway.storage;

import io.precis.gateway.auth.Account;
import io.precis.gateway.auth.AccountType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Accounts in a SQL table (H2 embedded; the SQL is portable to PostgreSQL). */
public final class JdbcAccountStore implements AccountStore {
    private final DataSource ds;

    public JdbcAccountStore(Database db) {
        this.ds = db.dataSource();
        db.migrate("""
                CREATE TABLE IF NOT EXISTS accounts (
                  id VARCHAR(64) PRIMARY KEY,
                  type VARCHAR(16) NOT NULL,
                  name VARCHAR(200) NOT NULL,
                  key_hash VARBINARY(32) NOT NULL,
                  created_at BIGINT NOT NULL)""");
    }

    @Override
    public void insert(Account a) {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO accounts (id, type, name, key_hash, created_at) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, a.id());
            ps.setString(2, a.type().jsonName());
            ps.setString(3, a.name());
            ps.setBytes(4, a.keyHash());
            ps.setLong(5, a.createdAt().toEpochMilli());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException("cannot store account", e);
        }
    }

    @Override
    public List<Account> all() {
        List<Account> out = new ArrayList<>();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT id, type, name, key_hash, created_at FROM accounts ORDER BY created_at");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Account(rs.getString(1), AccountType.parse(rs.getString(2)), rs.getString(3),
                        rs.getBytes(4), Instant.ofEpochMilli(rs.getLong(5))));
            }
            return out;
        } catch (SQLException e) {
            throw new StorageException("cannot read accounts", e);
        }
    }
}
