package io.precis.gateway.audiences;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.precis.consent.crypto.SealException;
import io.precis.consent.identity.Pseudonym;
import io.precis.consent.vault.UserVault;
import io.precis.gateway.http.JsonBodies;
import io.precis.gateway.storage.Database;
import io.precis.gateway.storage.StorageException;
import io.precis.reports.sql.GroupCommitQueue;
import io.precis.reports.sql.Transactions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The lookalikes' interest profiles at rest (table {@code profiles} of migration V11), in the
 * embedded database or the PostgreSQL every gateway shares: one row a person, keyed by the
 * vault's keyed-hash name of their current delivery pseudonym, the profile sealed under their
 * own vault key (as their behaviour is: {@link UserVault#seal}), and the pseudonym itself
 * sealed under a vault key ({@link UserVault#sealOwner}) so that a gateway starting with no
 * pseudonym in hand can open every record. Erasure deletes the row, and the vault's erasure of
 * the person's key has made any copy of it unreadable already.
 *
 * <p>Writes go through one writer thread that commits up to {@value #MAX_BATCH} of them in a
 * transaction (group commit, as behaviour's); a caller waits for its commit. On the embedded
 * file a commit reaches the file before it returns (it survives {@code kill -9}); unlike
 * behaviour no {@code fsync} follows, because a profile is derived from behaviour that is
 * durable: one lost to a power cut is made again by the person's next behaviour.
 *
 * <p>Thread-safe. Blocking: call from workers.
 */
public final class ProfileStore implements AutoCloseable {
    /** The vault kind the profiles are sealed as (bound into each record's AAD). */
    static final String KIND = "profile";
    /** Large enough to amortise a commit over many ingests, small enough for a short transaction. */
    static final int MAX_BATCH = 512;
    /** Some seconds of peak behaviour; beyond it callers get a fast rejection (503), not a memory blow-up. */
    static final int MAX_QUEUE = 16_384;
    private static final System.Logger LOG = System.getLogger(ProfileStore.class.getName());

    /**
     * One person's profile: delivery pseudonyms (current first), measurement pseudonyms (empty
     * without measurement consent), unit vector, segments. What {@code ProfileIndex.put} takes.
     */
    public record Profile(List<Pseudonym> aliases, List<Pseudonym> measurement, float[] vector, Set<String> segments) {
        public Profile {
            aliases = List.copyOf(aliases);
            measurement = List.copyOf(measurement);
            segments = Set.copyOf(segments);
        }
    }

    /** A stored profile and the sequence number of its write. */
    public record Stored(Profile profile, long seq) {
    }

    /**
     * Profiles of the rows after a sequence number, in its order.
     *
     * @param stored those that opened (a row sealed under an erased key does not)
     * @param lastSeq the highest sequence number read, or the one asked after when none was
     * @param rows rows read, opened or not: fewer than asked means the end was reached
     */
    public record Page(List<Stored> stored, long lastSeq, int rows) {
        /** The profiles of {@link #stored}, in order. */
        public List<Profile> profiles() {
            return stored.stream().map(Stored::profile).toList();
        }
    }

    /** A write; {@code done} completes with the sequence number the writer gave it. */
    private sealed interface Op extends GroupCommitQueue.Op {
        @Override
        CompletableFuture<Long> done();
    }

    private record Save(String user, byte[] owner, byte[] sealed, int day, List<String> older, CompletableFuture<Long> done)
            implements Op {
    }

    private record Delete(List<String> users, CompletableFuture<Long> done) implements Op {
    }

    private final Database db;
    private final UserVault vault;
    private final java.time.Clock clock;
    private final GroupCommitQueue<Op> writes;
    private final AtomicLong unreadable = new AtomicLong();

    public ProfileStore(Database db, UserVault vault, java.time.Clock clock) {
        this.db = db;
        this.vault = vault;
        this.clock = clock;
        writes = new GroupCommitQueue<>("precis-profile-writer", "profile", MAX_QUEUE, MAX_BATCH, this::write);
    }

    /**
     * Stores {@code p} in place of the person's previous profile (of any of their aliases);
     * durable on return. Returns the write's sequence number: the profile sequence of migration
     * V11, shared by every gateway on one database, so a higher number is a later write.
     */
    public long save(Profile p) {
        Pseudonym current = p.aliases().get(0);
        List<String> older = p.aliases().subList(1, p.aliases().size()).stream().map(vault::storageName).toList();
        return await(enqueue(new Save(vault.storageName(current), vault.sealOwner(current),
                vault.seal(current, KIND, encode(p)), day(clock.instant()), older, new CompletableFuture<>())));
    }

    /**
     * Deletes the profile stored under any of {@code aliases}; done on return. Returns the
     * deletion's sequence number, from the same sequence as {@link #save}'s: a row read with a
     * lower one was stored before the deletion.
     */
    public long delete(Collection<Pseudonym> aliases) {
        return await(enqueue(new Delete(aliases.stream().map(vault::storageName).toList(), new CompletableFuture<>())));
    }

    /** Up to {@code limit} profiles of the rows whose sequence number is above {@code seq}, in its order. */
    public Page after(long seq, int limit) {
        List<Stored> out = new ArrayList<>();
        long last = seq;
        int rows = 0;
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT owner, sealed, seq FROM profiles WHERE seq > ? ORDER BY seq LIMIT ?")) {
            ps.setLong(1, seq);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows++;
                    long at = rs.getLong(3);
                    last = at;
                    open(rs.getBytes(1), rs.getBytes(2)).ifPresent(p -> out.add(new Stored(p, at)));
                }
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read the interest profiles", e);
        }
        return new Page(out, last, rows);
    }

    /**
     * The current pseudonyms of the profiles last made before UTC day {@code day} (days since
     * 1970) whose sequence number is above {@code seq}, in its order, at most {@code limit} rows.
     *
     * @param owners those that opened
     * @param lastSeq the highest sequence number read, or {@code seq} when none was
     * @param rows rows read: fewer than asked means the end was reached
     */
    public record Expired(List<Pseudonym> owners, long lastSeq, int rows) {
    }

    /** See {@link Expired}. */
    public Expired madeBefore(int day, long seq, int limit) {
        List<Pseudonym> out = new ArrayList<>();
        long last = seq;
        int rows = 0;
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT owner, seq FROM profiles WHERE updated_day < ? AND seq > ? ORDER BY seq LIMIT ?")) {
            ps.setInt(1, day);
            ps.setLong(2, seq);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows++;
                    last = rs.getLong(2);
                    try {
                        out.add(vault.openOwner(rs.getBytes(1)));
                    } catch (SealException e) {
                        unreadable.incrementAndGet();
                        LOG.log(System.Logger.Level.WARNING, "an interest profile did not open; left out");
                    }
                }
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read the interest profiles", e);
        }
        return new Expired(out, last, rows);
    }

    /** Deletes every profile last made before UTC day {@code day}, opened or not; done on return. */
    public void deleteBefore(int day) {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM profiles WHERE updated_day < ?")) {
            ps.setInt(1, day);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException("cannot delete interest profiles", e);
        }
    }

    /** UTC days since 1970 of {@code t}. */
    static int day(java.time.Instant t) {
        return (int) Math.floorDiv(t.getEpochSecond(), 86_400L);
    }

    /** The highest sequence number given so far (0 when none). */
    public long highestSeq() {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM profiles");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new StorageException("cannot read the interest profiles", e);
        }
    }

    /** Rows that did not open because they were tampered with or sealed under other keys (each logged). */
    public long unreadable() {
        return unreadable.get();
    }

    /** Writes everything queued so far, then stops the writer. Idempotent. */
    @Override
    public void close() {
        writes.close();
    }

    /** The row's profile; empty when its person's key is gone (erased) or it does not open. */
    private Optional<Profile> open(byte[] owner, byte[] sealed) {
        try {
            Pseudonym p = vault.openOwner(owner);
            return vault.open(p, KIND, sealed).map(ProfileStore::decode);
        } catch (SealException e) {
            // A row from a database restored under other keys, or tampered with: left out, never guessed.
            unreadable.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "an interest profile did not open; left out");
            return Optional.empty();
        }
    }

    static byte[] encode(Profile p) {
        ObjectNode o = JsonBodies.MAPPER.createObjectNode();
        var aliases = o.putArray("a");
        p.aliases().forEach(a -> aliases.add(a.value()));
        var measurement = o.putArray("m");
        p.measurement().forEach(m -> measurement.add(m.value()));
        var segments = o.putArray("s");
        new TreeSet<>(p.segments()).forEach(segments::add);
        ByteBuffer v = ByteBuffer.allocate(p.vector().length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : p.vector()) {
            v.putFloat(x);
        }
        o.put("v", Base64.getEncoder().encodeToString(v.array()));
        try {
            return JsonBodies.MAPPER.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Profile decode(byte[] bytes) {
        try {
            JsonNode o = JsonBodies.MAPPER.readTree(bytes);
            List<Pseudonym> aliases = new ArrayList<>();
            o.get("a").forEach(n -> aliases.add(new Pseudonym(n.textValue())));
            List<Pseudonym> measurement = new ArrayList<>();
            o.get("m").forEach(n -> measurement.add(new Pseudonym(n.textValue())));
            Set<String> segments = new TreeSet<>();
            o.get("s").forEach(n -> segments.add(n.textValue()));
            ByteBuffer v = ByteBuffer.wrap(Base64.getDecoder().decode(o.get("v").textValue())).order(ByteOrder.LITTLE_ENDIAN);
            float[] vector = new float[v.remaining() / Float.BYTES];
            for (int i = 0; i < vector.length; i++) {
                vector[i] = v.getFloat();
            }
            return new Profile(aliases, measurement, vector, segments);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private CompletableFuture<Long> enqueue(Op op) {
        writes.enqueue(op);
        return op.done();
    }

    private static long await(CompletableFuture<Long> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /**
     * A row is changed only by a later write: a write takes its number when its batch starts
     * and reaches the row later, so two gateways writing one person at once reach it in either
     * order. On PostgreSQL the row keeps the higher number, the one every gateway's index keeps
     * too ({@code StoredProfiles}): a save replaces only a row with a lower number, and a
     * deletion ({@link #DELETE}) removes only such a row. The embedded file has one gateway, so
     * its saves need no such rule (H2's standard {@code MERGE} with the rule fails a second
     * writer's insert of the same person with a key violation instead of waiting).
     */
    private String upsert() {
        return db.postgres()
                ? "INSERT INTO profiles (user_name, owner, sealed, updated_day, seq)"
                        + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_name) DO UPDATE SET"
                        + " owner = EXCLUDED.owner, sealed = EXCLUDED.sealed, updated_day = EXCLUDED.updated_day,"
                        + " seq = EXCLUDED.seq WHERE profiles.seq < EXCLUDED.seq"
                : "MERGE INTO profiles (user_name, owner, sealed, updated_day, seq) KEY (user_name)"
                        + " VALUES (?, ?, ?, ?, ?)";
    }

    /** Deletes a person's row written before the deletion's number (see {@link #upsert}). */
    private static final String DELETE = "DELETE FROM profiles WHERE user_name = ? AND seq < ?";

    /** {@code n} new numbers of the profile sequence, ascending. */
    private long[] nextSeqs(Connection c, int n) throws SQLException {
        String sql = db.postgres()
                ? "SELECT nextval('profile_seq') FROM generate_series(1, ?)"
                : "SELECT NEXT VALUE FOR profile_seq FROM SYSTEM_RANGE(1, ?)";
        long[] out = new long[n];
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, n);
            try (ResultSet rs = ps.executeQuery()) {
                for (int i = 0; i < n && rs.next(); i++) {
                    out[i] = rs.getLong(1);
                }
            }
        }
        java.util.Arrays.sort(out);
        if (n > 0 && out[0] == 0) {
            throw new SQLException("the profile sequence gave fewer numbers than asked");
        }
        return out;
    }

    /** Attempts at a batch that loses to a concurrent writer (another gateway on the same database). */
    private static final int MAX_ATTEMPTS = 5;

    /**
     * The batch in one transaction, in queue order (a save and a later erasure of one person stay
     * in order), each write numbered from the profile sequence in that order. A batch that
     * deadlocks with another writer's (two gateways saving and erasing the same people in another
     * order) is rolled back whole and written again, with new numbers, as the event store does.
     */
    private void write(List<Op> batch) {
        Throwable failure = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            long[] seqs;
            try {
                seqs = writeOnce(batch);
            } catch (Throwable e) {
                failure = e;
                if (Transactions.retryable(e)) {
                    continue;
                }
                break;
            }
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).done().complete(seqs[i]);
            }
            return;
        }
        // The batch names no person in clear; the cause is a database error.
        LOG.log(System.Logger.Level.ERROR, "interest profile batch of " + batch.size() + " operations failed", failure);
        Throwable cause = failure;
        batch.forEach(op -> op.done().completeExceptionally(cause));
    }

    /** One attempt at the batch; returns the sequence numbers of its writes. */
    private long[] writeOnce(List<Op> batch) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement save = c.prepareStatement(upsert());
                 PreparedStatement delete = c.prepareStatement(DELETE)) {
                long[] seqs = nextSeqs(c, batch.size());
                for (int i = 0; i < batch.size(); i++) {
                    Op op = batch.get(i);
                    long seq = seqs[i];
                    switch (op) {
                        case Save s -> {
                            for (String old : s.older()) {
                                delete.setString(1, old);
                                delete.setLong(2, seq);
                                delete.executeUpdate();
                            }
                            save.setString(1, s.user());
                            save.setBytes(2, s.owner());
                            save.setBytes(3, s.sealed());
                            save.setInt(4, s.day());
                            save.setLong(5, seq);
                            save.executeUpdate();
                        }
                        case Delete d -> {
                            for (String user : d.users()) {
                                delete.setString(1, user);
                                delete.setLong(2, seq);
                                delete.executeUpdate();
                            }
                        }
                    }
                }
                c.commit();
                return seqs;
            } catch (SQLException | RuntimeException e) {
                Transactions.rollback(c, e);
                throw e;
            }
        }
    }
}
