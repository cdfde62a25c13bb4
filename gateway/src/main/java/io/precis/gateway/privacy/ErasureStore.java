package io.precis.gateway.privacy;

import io.precis.consent.identity.Pseudonym;
import io.precis.gateway.storage.Database;
import io.precis.gateway.storage.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * When a person's data was erased, by pseudonym: so that {@code GET /v1/me} can say so and
 * nothing else. Pseudonyms only; they become unlinkable when their key epoch is destroyed.
 */
public final class ErasureStore {
    private final DataSource ds;
    /** The dialect's insert-or-replace (Database.upsert). */
    private final String record;
    private final boolean shared;
    private final io.precis.gateway.storage.ChangeFeed changes;

    /** A store whose erasures {@code changes} tells the other gateways of (see {@link #tellOthers}). */
    public ErasureStore(Database db, io.precis.gateway.storage.ChangeFeed changes) {
        this.ds = db.dataSource();
        this.record = db.upsert("erasures", List.of("pseudonym"), List.of("pseudonym", "erased_at"));
        this.shared = db.postgres();
        this.changes = changes;
    }

    /**
     * Tells the other gateways on the same PostgreSQL that {@code user} was erased, so that they
     * forget what they hold of the person in memory ({@link #notice} gives them the pseudonyms).
     * Nothing to tell on the embedded store.
     */
    public void tellOthers(io.precis.gateway.privacy.UserKeys user, Instant at) {
        if (!shared) {
            return;
        }
        String id = io.precis.consent.crypto.Randoms.token(16);
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO erasure_notices (id, delivery, measurement, at_ms) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, join(user.delivery()));
            ps.setString(3, join(user.measurement()));
            ps.setLong(4, at.toEpochMilli());
            ps.executeUpdate();
            ps.getConnection().createStatement().execute("DELETE FROM erasure_notices WHERE at_ms < "
                    + (at.toEpochMilli() - 24 * 3600_000L));
        } catch (SQLException e) {
            throw new StorageException("cannot tell the other gateways of an erasure", e);
        }
        changes.publish(io.precis.gateway.storage.ChangeFeed.ERASURE, id);
    }

    /** The pseudonyms of erasure notice {@code id}, or empty when it is gone. */
    public Optional<io.precis.gateway.privacy.UserKeys> notice(String id) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT delivery, measurement FROM erasure_notices WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new io.precis.gateway.privacy.UserKeys(split(rs.getString(1)),
                        split(rs.getString(2)))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read an erasure notice", e);
        }
    }

    private static String join(List<Pseudonym> ps) {
        return String.join(" ", ps.stream().map(Pseudonym::value).toList());
    }

    private static List<Pseudonym> split(String s) {
        return java.util.Arrays.stream(s.split(" ")).filter(x -> !x.isEmpty()).map(Pseudonym::new).toList();
    }

    public void record(Pseudonym p, Instant at) {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     record)) {
            ps.setString(1, p.value());
            ps.setLong(2, at.toEpochMilli());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException("cannot record erasure", e);
        }
    }

    /** The latest erasure under any of {@code aliases}. */
    public Optional<Instant> latest(List<Pseudonym> aliases) {
        Instant latest = null;
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT erased_at FROM erasures WHERE pseudonym = ?")) {
            for (Pseudonym p : aliases) {
                ps.setString(1, p.value());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        Instant at = Instant.ofEpochMilli(rs.getLong(1));
                        latest = latest == null || at.isAfter(latest) ? at : latest;
                    }
                }
            }
            return Optional.ofNullable(latest);
        } catch (SQLException e) {
            throw new StorageException("cannot read erasures", e);
        }
    }
}
