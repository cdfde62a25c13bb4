package io.precis.gateway.audiences;

import io.precis.gateway.storage.Database;
import io.precis.gateway.storage.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * What each lookalike is built from (table {@code lookalikes} of migration V8): its seed, the
 * size asked for and when it was last built. Its members are an audience's, in
 * {@link AudienceStore}. Blocking: call from worker threads.
 */
public final class LookalikeStore {
    private final DataSource ds;

    /** A lookalike's recipe; {@code builtAt} is null before its first build. */
    public record Spec(String audienceId, Seed seed, int size, Instant builtAt) {
        Spec built(Instant at) {
            return new Spec(audienceId, seed, size, at);
        }
    }

    /**
     * Who a lookalike should look like: the people of a segment, the members of one of the
     * advertiser's audiences, or the converters of one of its campaigns.
     *
     * @param kind {@link #SEGMENT}, {@link #AUDIENCE} or {@link #CAMPAIGN}
     * @param ref the segment's name, or the audience's or campaign's id
     */
    public record Seed(String kind, String ref) {
        public static final String SEGMENT = "segment";
        public static final String AUDIENCE = "audience";
        public static final String CAMPAIGN = "campaign";
    }

    public LookalikeStore(Database db) {
        this.ds = db.dataSource();
    }

    public void save(Spec s) {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO lookalikes (audience_id, seed_kind, seed_ref,"
                     + " target_size, built_at_ms) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, s.audienceId());
            ps.setString(2, s.seed().kind());
            ps.setString(3, s.seed().ref());
            ps.setInt(4, s.size());
            if (s.builtAt() == null) {
                ps.setNull(5, java.sql.Types.BIGINT);
            } else {
                ps.setLong(5, s.builtAt().toEpochMilli());
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException("cannot store a lookalike", e);
        }
    }

    /** Records that lookalike {@code id} was built at {@code at}. */
    public void built(String id, Instant at) {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE lookalikes SET built_at_ms = ? WHERE audience_id = ?")) {
            ps.setLong(1, at.toEpochMilli());
            ps.setString(2, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException("cannot store a lookalike", e);
        }
    }

    public List<Spec> all() {
        return query("SELECT audience_id, seed_kind, seed_ref, target_size, built_at_ms FROM lookalikes", null);
    }

    public Optional<Spec> find(String id) {
        return query("SELECT audience_id, seed_kind, seed_ref, target_size, built_at_ms FROM lookalikes"
                + " WHERE audience_id = ?", id).stream().findFirst();
    }

    private List<Spec> query(String sql, String id) {
        List<Spec> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (id != null) {
                ps.setString(1, id);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long built = rs.getLong(5);
                    out.add(new Spec(rs.getString(1), new Seed(rs.getString(2), rs.getString(3)), rs.getInt(4),
                            rs.wasNull() ? null : Instant.ofEpochMilli(built)));
                }
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read lookalikes", e);
        }
        return out;
    }
}
