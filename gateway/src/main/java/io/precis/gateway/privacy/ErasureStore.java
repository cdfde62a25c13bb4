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

    public ErasureStore(Database db) {
        this.ds = db.dataSource();
        this.record = db.upsert("erasures", List.of("pseudonym"), List.of("pseudonym", "erased_at"));
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
