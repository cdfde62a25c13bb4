package io.precis.gateway.storage;

import io.precis.gateway.auth.Account;
import io.precis.gateway.auth.AccountType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Accounts in a SQL table (H2 embedded; the SQL is portable to PostgreSQL). */
public final class JdbcAccountStore implements AccountStore {
    private final DataSource ds;

    public JdbcAccountStore(Database db) {
        this.ds = db.dataSource();
    }

    @Override
    public void insert(Account a) {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO accounts (id, type, name, key_hash, created_at, "
                     + "key_issued_at, key_revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, a.id());
            ps.setString(2, a.type().jsonName());
            ps.setString(3, a.name());
            ps.setBytes(4, a.keyHash());
            ps.setLong(5, a.createdAt().toEpochMilli());
            ps.setLong(6, a.keyIssuedAt().toEpochMilli());
            setInstant(ps, 7, a.keyRevokedAt());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException("cannot store account", e);
        }
    }

    @Override
    public boolean updateKey(Account a) {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE accounts SET key_hash = ?, key_issued_at = ?, key_revoked_at = ? WHERE id = ?")) {
            ps.setBytes(1, a.keyHash());
            ps.setLong(2, a.keyIssuedAt().toEpochMilli());
            setInstant(ps, 3, a.keyRevokedAt());
            ps.setString(4, a.id());
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StorageException("cannot change an account's key", e);
        }
    }

    @Override
    public List<Account> all() {
        List<Account> out = new ArrayList<>();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, type, name, key_hash, created_at, key_issued_at, "
                     + "key_revoked_at FROM accounts ORDER BY created_at, id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long revoked = rs.getLong(7);
                Instant revokedAt = rs.wasNull() ? null : Instant.ofEpochMilli(revoked);
                out.add(new Account(rs.getString(1), AccountType.parse(rs.getString(2)), rs.getString(3),
                        rs.getBytes(4), Instant.ofEpochMilli(rs.getLong(5)), Instant.ofEpochMilli(rs.getLong(6)),
                        revokedAt));
            }
            return out;
        } catch (SQLException e) {
            throw new StorageException("cannot read accounts", e);
        }
    }

    private static void setInstant(PreparedStatement ps, int i, Instant at) throws SQLException {
        if (at == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, at.toEpochMilli());
        }
    }
}
