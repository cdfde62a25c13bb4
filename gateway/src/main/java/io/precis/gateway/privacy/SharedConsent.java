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

    /**
     * Makes {@code state}, just recorded for {@code p}, the one every gateway reads next, and
     * appends its receipt to the database's consent chain, both in one transaction.
     */
    void publish(Pseudonym p, ConsentState state) {
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
                    ps.setString(1, p.value());
                    ps.setString(2, state.receipt());
                    ps.setLong(3, state.updatedAt().getEpochSecond());
                    ps.executeUpdate();
                }
                append(c, p, state.receipt());
                c.commit();
            } catch (SQLException | RuntimeException e) {
                io.precis.reports.sql.Transactions.rollback(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new StorageException("cannot share the consent", e);
        }
    }

    /** The lock every gateway takes to append to the chain: one writer at a time, never a fork. */
    private static final long CHAIN_LOCK = 0x70726563697343L; // "precisC"
    private static final String GENESIS = "0".repeat(64);

    private static void append(Connection c, Pseudonym p, String receipt) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            lock.setLong(1, CHAIN_LOCK);
            lock.execute();
        }
        long seq = 0;
        String prev = GENESIS;
        try (PreparedStatement last = c.prepareStatement(
                "SELECT seq, hash FROM consent_receipts ORDER BY seq DESC LIMIT 1");
             ResultSet rs = last.executeQuery()) {
            if (rs.next()) {
                seq = rs.getLong(1);
                prev = rs.getString(2);
            }
        }
        try (PreparedStatement ins = c.prepareStatement(
                "INSERT INTO consent_receipts (seq, pseudonym, receipt, prev_hash, hash) VALUES (?, ?, ?, ?, ?)")) {
            ins.setLong(1, seq + 1);
            ins.setString(2, p.value());
            ins.setString(3, receipt);
            ins.setString(4, prev);
            ins.setString(5, link(prev, receipt));
            ins.executeUpdate();
        }
    }

    /** A row's hash: SHA-256 (hex) of the previous hash and the receipt. */
    static String link(String prevHash, String receipt) {
        return java.util.HexFormat.of().formatHex(io.precis.consent.crypto.Digests.sha256(prevHash + "\n" + receipt));
    }

    /**
     * Every receipt of {@code aliases} recorded through any gateway, oldest first, each
     * verified with the receipt key (a row that does not verify is left out and logged).
     */
    List<ConsentState> history(List<Pseudonym> aliases) {
        String sql = "SELECT receipt FROM consent_receipts WHERE pseudonym IN ("
                + "?,".repeat(aliases.size() - 1) + "?) ORDER BY seq";
        List<ConsentState> out = new java.util.ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < aliases.size(); i++) {
                ps.setString(i + 1, aliases.get(i).value());
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    try {
                        out.add(consent.verified(rs.getString(1)));
                    } catch (InvalidReceiptException e) {
                        LOG.log(System.Logger.Level.WARNING, "a shared consent receipt did not verify; left out");
                    }
                }
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read the shared consent history", e);
        }
        return out;
    }

    /**
     * Checks the whole chain: each row's {@code prev_hash} is the previous row's hash (the
     * genesis for the first), its hash links them, and the sequence has no gap. Returns the
     * number of rows; throws {@link IllegalStateException} at the first broken link.
     */
    long verifyChain() {
        long n = 0;
        String prev = GENESIS;
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT seq, receipt, prev_hash, hash FROM consent_receipts ORDER BY seq");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                n++;
                if (rs.getLong(1) != n || !prev.equals(rs.getString(3))
                        || !link(prev, rs.getString(2)).equals(rs.getString(4))) {
                    throw new IllegalStateException("the consent chain breaks at row " + rs.getLong(1));
                }
                prev = rs.getString(4);
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read the consent chain", e);
        }
        return n;
    }

    /** The newer of two states (by the receipt's time); the shared one when they tie. */
    static ConsentState newer(ConsentState local, ConsentState shared) {
        if (local.updatedAt() == null) {
            return shared;
        }
        return shared.updatedAt().isBefore(local.updatedAt()) ? local : shared;
    }
}
