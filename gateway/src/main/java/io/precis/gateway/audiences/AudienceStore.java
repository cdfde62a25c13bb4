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
 * Customer lists and lookalikes in the gateway's SQL database (tables of migrations V6, V8, V10,
 * V12): each audience's row, and its members as fingerprints, never raw ids, each with the key
 * epoch it was pseudonymised under. Blocking: call from worker threads.
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
        // Adding a member twice leaves one row, with the epoch of the latest upload.
        this.addMember = db.upsert("audience_members", List.of("audience_id", "fingerprint"),
                List.of("audience_id", "fingerprint", "epoch"));
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

    /** The key epochs list {@code id}'s members were pseudonymised under. */
    public java.util.Set<Integer> epochs(String id) {
        java.util.Set<Integer> out = new java.util.TreeSet<>();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT DISTINCT epoch FROM audience_members WHERE audience_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getInt(1));
                }
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read audience members", e);
        }
        return out;
    }

    /** Every list's key epochs (see {@link #epochs(String)}), by audience id; read once at start. */
    public Map<String, java.util.Set<Integer>> epochs() {
        Map<String, java.util.Set<Integer>> out = new HashMap<>();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT DISTINCT audience_id, epoch FROM audience_members");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.computeIfAbsent(rs.getString(1), k -> new java.util.TreeSet<>()).add(rs.getInt(2));
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read audience members", e);
        }
        return out;
    }

    /** When each stale list lost members to a destroyed key (see {@link #expire}), by audience id. */
    public Map<String, Instant> staleSince() {
        Map<String, Instant> out = new HashMap<>();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, stale_at_ms FROM audiences WHERE stale_at_ms IS NOT NULL");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)));
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read audiences", e);
        }
        return out;
    }

    /**
     * Gives the members stored before key epochs were recorded (migration V12: epoch 0) the epoch
     * {@code epoch}; returns how many rows it changed.
     */
    public int adoptUnknownEpochs(int epoch) {
        int[] n = {0};
        update("cannot store audience members", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE audience_members SET epoch = ? WHERE epoch = 0")) {
                ps.setInt(1, epoch);
                n[0] = ps.executeUpdate();
            }
        });
        return n[0];
    }

    /**
     * Deletes list {@code id}'s members pseudonymised under any of the destroyed epochs
     * {@code dead} and marks the list stale since {@code at}, in one transaction that bumps its
     * version; returns that version, or -1 when the list no longer exists.
     */
    public long expire(String id, java.util.Collection<Integer> dead, Instant at) {
        long[] version = {-1};
        update("cannot expire audience members", c -> {
            version[0] = bump(c, id, true, at.toEpochMilli());
            if (version[0] < 0) {
                return;
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM audience_members WHERE audience_id = ? AND epoch = ?")) {
                for (int e : dead) {
                    ps.setString(1, id);
                    ps.setInt(2, e);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        });
        return version[0];
    }

    /**
     * Bumps list {@code id}'s version and, when {@code setStale}, sets its staleness to
     * {@code staleAtMs} (null: not stale); returns the new version, or -1 when there is no list.
     */
    private static long bump(Connection c, String id, boolean setStale, Long staleAtMs) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(setStale
                ? "UPDATE audiences SET version = version + 1, stale_at_ms = ? WHERE id = ?"
                : "UPDATE audiences SET version = version + 1 WHERE id = ?")) {
            int i = 1;
            if (setStale) {
                ps.setObject(i++, staleAtMs, java.sql.Types.BIGINT);
            }
            ps.setString(i, id);
            if (ps.executeUpdate() == 0) {
                return -1;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT version FROM audiences WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
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
     * Added members are stored with the key epoch {@code epoch} they were pseudonymised under; a
     * replace also ends the list's staleness (the whole list was uploaded again).
     */
    public long change(String id, long[] members, int epoch, AudienceService.Mode mode) {
        long[] version = {-1};
        update("cannot store audience members", c -> {
            version[0] = bump(c, id, mode == AudienceService.Mode.REPLACE, null);
            if (version[0] < 0) {
                return;
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
                    if (mode != AudienceService.Mode.REMOVE) {
                        ps.setInt(3, epoch);
                    }
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
