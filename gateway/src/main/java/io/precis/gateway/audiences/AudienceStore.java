package io.precis.gateway.audiences;

import io.precis.gateway.storage.Database;
import io.precis.gateway.storage.StorageException;
import io.precis.reports.sql.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Customer lists and lookalikes in the gateway's SQL database (tables of migrations V6, V8): each
 * audience's row, and its members as fingerprints, never raw ids. Blocking: call from worker
 * threads.
 */
public final class AudienceStore {
    /** Rows per JDBC batch: a 100k-id upload is a few round trips, in one transaction. */
    private static final int BATCH = 5_000;
    private final DataSource ds;
    private final String addMember;

    /** An uploaded customer list. */
    public static final String LIST = "list";
    /** A lookalike, built from a seed ({@link LookalikeService}). */
    public static final String LOOKALIKE = "lookalike";

    /** An audience as stored; {@code kind} is {@link #LIST} or {@link #LOOKALIKE}. */
    public record Audience(String id, String advertiserId, String name, Instant createdAt, String kind) {
        /** A customer list. */
        public Audience(String id, String advertiserId, String name, Instant createdAt) {
            this(id, advertiserId, name, createdAt, LIST);
        }

        public boolean lookalike() {
            return LOOKALIKE.equals(kind);
        }
    }

    public AudienceStore(Database db) {
        this.ds = db.dataSource();
        // Every column is the key: adding a member twice leaves one row (DO NOTHING / MERGE KEY).
        this.addMember = db.upsert("audience_members", List.of("audience_id", "fingerprint"),
                List.of("audience_id", "fingerprint"));
    }

    public void create(Audience a) {
        update("cannot store an audience", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO audiences (id, advertiser_id, name, created_at_ms, kind) VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, a.id());
                ps.setString(2, a.advertiserId());
                ps.setString(3, a.name());
                ps.setLong(4, a.createdAt().toEpochMilli());
                ps.setString(5, a.kind());
                ps.executeUpdate();
            }
        });
    }

    public List<Audience> all() {
        List<Audience> out = new ArrayList<>();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT id, advertiser_id, name, created_at_ms, kind FROM audiences ORDER BY created_at_ms, id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(audience(rs));
            }
            return out;
        } catch (SQLException e) {
            throw new StorageException("cannot read audiences", e);
        }
    }

    /** List {@code id}, when it exists. */
    public java.util.Optional<Audience> find(String id) {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT id, advertiser_id, name, created_at_ms, kind FROM audiences WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? java.util.Optional.of(audience(rs)) : java.util.Optional.empty();
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read an audience", e);
        }
    }

    private static Audience audience(ResultSet rs) throws SQLException {
        return new Audience(rs.getString(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)),
                rs.getString(5));
    }

    /** The members of list {@code id}. */
    public long[] members(String id) {
        List<Long> out = new ArrayList<>();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT fingerprint FROM audience_members WHERE audience_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read audience members", e);
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /** Every list's members, by audience id. */
    public Map<String, long[]> members() {
        Map<String, List<Long>> grouped = new HashMap<>();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT audience_id, fingerprint FROM audience_members");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                grouped.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getLong(2));
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read audience members", e);
        }
        Map<String, long[]> out = new HashMap<>();
        grouped.forEach((id, l) -> out.put(id, l.stream().mapToLong(Long::longValue).toArray()));
        return out;
    }

    /** Every list's version: how many member changes it committed (see {@link #change}). */
    public Map<String, Long> versions() {
        Map<String, Long> out = new HashMap<>();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, version FROM audiences");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read audiences", e);
        }
        return out;
    }

    /** List {@code id}'s version, or -1 when it does not exist. */
    public long version(String id) {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT version FROM audiences WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read an audience", e);
        }
    }

    /**
     * Adds, removes or (replace) sets the members of list {@code id}, in one transaction that
     * first bumps the list's version (its row lock orders the changes of one list); returns the
     * version this change committed as, or -1 when the list no longer exists (nothing written).
     */
    public long change(String id, long[] members, AudienceService.Mode mode) {
        long[] version = {-1};
        update("cannot store audience members", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE audiences SET version = version + 1 WHERE id = ?")) {
                ps.setString(1, id);
                if (ps.executeUpdate() == 0) {
                    return;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT version FROM audiences WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    version[0] = rs.getLong(1);
                }
            }
            if (mode == AudienceService.Mode.REPLACE) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM audience_members WHERE audience_id = ?")) {
                    ps.setString(1, id);
                    ps.executeUpdate();
                }
            }
            String sql = mode == AudienceService.Mode.REMOVE
                    ? "DELETE FROM audience_members WHERE audience_id = ? AND fingerprint = ?" : addMember;
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < members.length; i++) {
                    ps.setString(1, id);
                    ps.setLong(2, members[i]);
                    ps.addBatch();
                    if ((i + 1) % BATCH == 0) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
        });
        return version[0];
    }

    public void delete(String id) {
        update("cannot delete an audience", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM audience_members WHERE audience_id = ?")) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM lookalikes WHERE audience_id = ?")) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM audiences WHERE id = ?")) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
        });
    }

    private interface Work {
        void run(Connection c) throws SQLException;
    }

    private void update(String what, Work work) {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                work.run(c);
                c.commit();
            } catch (SQLException e) {
                Transactions.rollback(c, e);
                throw e;
            } finally {
                try {
                    c.setAutoCommit(true);
                } catch (SQLException dead) {
                    // the pool drops a dead connection; the first failure says what happened
                }
            }
        } catch (SQLException e) {
            throw new StorageException(what, e);
        }
    }
}
