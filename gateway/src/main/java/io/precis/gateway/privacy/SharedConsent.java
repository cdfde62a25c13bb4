package io.precis.gateway.privacy;

import io.precis.consent.ConsentService;
import io.precis.consent.ConsentState;
import io.precis.consent.identity.Pseudonym;
import io.precis.consent.receipt.InvalidReceiptException;
import io.precis.gateway.storage.Database;
import io.precis.gateway.storage.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Consent shared by every gateway on one PostgreSQL: each person's latest signed receipt in
 * {@code consent_latest}, written by the gateway that recorded the change (after its own
 * consent log has it durably) and read with every request that names the person, so a
 * withdrawal through one gateway is honoured by the very next request to any other, without
 * waiting for a notification. Receipts are verified with the shared receipt key before use: a
 * row written by anyone else is ignored.
 *
 * <p>The table holds what the consent log holds (a pseudonym and a signed receipt), never a raw
 * id. The embedded store has one gateway and uses none of this.
 */
final class SharedConsent {
    private static final System.Logger LOG = System.getLogger(SharedConsent.class.getName());
    private static final String UPSERT = "INSERT INTO consent_latest (pseudonym, receipt, iat) VALUES (?, ?, ?) "
            + "ON CONFLICT (pseudonym) DO UPDATE SET receipt = EXCLUDED.receipt, iat = EXCLUDED.iat "
            + "WHERE consent_latest.iat <= EXCLUDED.iat";

    private final Database db;
    private final ConsentService consent;

    SharedConsent(Database db, ConsentService consent) {
        this.db = db;
        this.consent = consent;
    }

    /** The latest shared state of the first of {@code aliases} that has one (current pseudonym first). */
    Optional<ConsentState> latest(List<Pseudonym> aliases) {
        Map<String, String> receipts = new HashMap<>();
        String sql = "SELECT pseudonym, receipt FROM consent_latest WHERE pseudonym IN ("
                + "?,".repeat(aliases.size() - 1) + "?)";
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < aliases.size(); i++) {
                ps.setString(i + 1, aliases.get(i).value());
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    receipts.put(rs.getString(1), rs.getString(2));
                }
            }
        } catch (SQLException e) {
            // Without the shared state a withdrawal elsewhere could be missed: fail (503), never guess.
            throw new StorageException("cannot read the shared consent", e);
        }
        for (Pseudonym p : aliases) {
            String compact = receipts.get(p.value());
            if (compact != null) {
                try {
                    ConsentState s = consent.verified(compact);
                    return Optional.of(s);
                } catch (InvalidReceiptException e) {
                    LOG.log(System.Logger.Level.WARNING, "a shared consent receipt did not verify; ignored");
                }
            }
        }
        return Optional.empty();
    }

    /** Makes {@code state}, just recorded for {@code p}, the one every gateway reads next. */
    void publish(Pseudonym p, ConsentState state) {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(UPSERT)) {
            ps.setString(1, p.value());
            ps.setString(2, state.receipt());
            ps.setLong(3, state.updatedAt().getEpochSecond());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException("cannot share the consent", e);
        }
    }

    /** The newer of two states (by the receipt's time); the shared one when they tie. */
    static ConsentState newer(ConsentState local, ConsentState shared) {
        if (local.updatedAt() == null) {
            return shared;
        }
        return shared.updatedAt().isBefore(local.updatedAt()) ? local : shared;
    }
}
