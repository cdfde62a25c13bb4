package io.precis.gateway.behaviour;

import io.precis.gateway.storage.Database;
import io.precis.gateway.storage.StorageException;
import io.precis.reports.sql.GroupCommitQueue;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sealed behaviour records in the embedded database, one row per user per day of events, written
 * with group commit: callers enqueue, one writer thread drains up to {@value #MAX_BATCH}
 * operations, runs them in one transaction, commits, forces the database file to the device
 * ({@code CHECKPOINT SYNC}: one {@code fsync}), and only then completes their futures, so many
 * users' appends share one commit and one {@code fsync}, and an acknowledgement follows
 * durability, power loss included (H2 alone writes a commit without {@code fsync}, which
 * survives {@code kill -9} only). Rows hold only the vault's HMAC name of the user, the UTC day of the
 * events (for retention without opening anything) and the sealed bytes.
 *
 * <p>Thread-safe. Futures complete on the writer thread: callbacks must not block. Reads use
 * their own connections and see committed rows only.
 */
final class BehaviourLog implements AutoCloseable {
    /** Large enough to amortise a commit over many appends, small enough for a short transaction. */
    static final int MAX_BATCH = 512;
    /** Some seconds of peak load; beyond it callers get a fast rejection (503), not a memory blow-up. */
    static final int MAX_QUEUE = 16_384;

    private static final System.Logger LOG = System.getLogger(BehaviourLog.class.getName());

    /** One row to insert. */
    record Row(String user, int day, byte[] sealed) {
    }

    /** What the writer does, in queue order. */
    private sealed interface Op extends GroupCommitQueue.Op {
        @Override
        CompletableFuture<Void> done();
    }

    private record Insert(List<Row> rows, CompletableFuture<Void> done) implements Op {
    }

    private record DeleteUser(String user, CompletableFuture<Void> done) implements Op {
    }

    private record DeleteBefore(int day, CompletableFuture<Void> done) implements Op {
    }

    private final Database db;
    private final GroupCommitQueue<Op> writes;
    private final AtomicLong commits = new AtomicLong();

    BehaviourLog(Database db) {
        this.db = db;
        writes = new GroupCommitQueue<>("precis-behaviour-writer", "behaviour", MAX_QUEUE, MAX_BATCH, this::write);
    }

    /** Appends {@code rows}; the future completes once they are committed. */
    CompletableFuture<Void> insert(List<Row> rows) {
        return enqueue(new Insert(List.copyOf(rows), new CompletableFuture<>()));
    }

    /** Deletes every row of {@code user}; completes once committed. */
    CompletableFuture<Void> deleteUser(String user) {
        return enqueue(new DeleteUser(user, new CompletableFuture<>()));
    }

    /** Deletes every row of a day before {@code day} (days since 1970-01-01, UTC); completes once committed. */
    CompletableFuture<Void> deleteBefore(int day) {
        return enqueue(new DeleteBefore(day, new CompletableFuture<>()));
    }

    /** The sealed records of {@code user} on {@code fromDay} or later, in the order appended. */
    List<byte[]> read(String user, int fromDay) {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT sealed FROM behaviour_records WHERE user_name = ? AND utc_day >= ? ORDER BY id")) {
            ps.setString(1, user);
            ps.setInt(2, fromDay);
            List<byte[]> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getBytes(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StorageException("cannot read behaviour", e);
        }
    }

    /** Transactions committed so far (each may carry many operations). */
    long commits() {
        return commits.get();
    }

    /** Writes everything queued so far, then stops the writer. Idempotent. */
    @Override
    public void close() {
        writes.close();
    }

    private CompletableFuture<Void> enqueue(Op op) {
        writes.enqueue(op);
        return op.done();
    }

    private void write(List<Op> batch) {
        boolean committed = false;
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement(
                         "INSERT INTO behaviour_records (user_name, utc_day, sealed) VALUES (?, ?, ?)");
                 PreparedStatement deleteUser = c.prepareStatement("DELETE FROM behaviour_records WHERE user_name = ?");
                 PreparedStatement deleteBefore = c.prepareStatement("DELETE FROM behaviour_records WHERE utc_day < ?")) {
                for (Op op : batch) {
                    switch (op) {
                        case Insert i -> {
                            for (Row r : i.rows()) {
                                insert.setString(1, r.user());
                                insert.setInt(2, r.day());
                                insert.setBytes(3, r.sealed());
                                insert.addBatch();
                            }
                        }
                        case DeleteUser d -> {
                            insert.executeBatch(); // keep queue order: this user's earlier rows go too
                            deleteUser.setString(1, d.user());
                            deleteUser.executeUpdate();
                        }
                        case DeleteBefore d -> {
                            insert.executeBatch();
                            deleteBefore.setInt(1, d.day());
                            deleteBefore.executeUpdate();
                        }
                    }
                }
                insert.executeBatch();
                c.commit();
                committed = true;
                if (!db.postgres()) { // PostgreSQL's commit is durable already (synchronous_commit)
                    try (var sync = c.createStatement()) {
                        sync.execute("CHECKPOINT SYNC"); // H2's: the batch's one fsync
                    }
                }
            } catch (SQLException | RuntimeException e) {
                io.precis.reports.sql.Transactions.rollback(c, e);
                throw e;
            }
        } catch (Throwable e) {
            if (committed) { // durable: only closing the connection failed
                LOG.log(System.Logger.Level.WARNING, "closing the connection of a committed behaviour batch failed", e);
            } else {
                // The batch names no user in clear; the cause is a database error.
                LOG.log(System.Logger.Level.ERROR, "behaviour batch of " + batch.size() + " operations failed", e);
                batch.forEach(op -> op.done().completeExceptionally(e));
                return;
            }
        }
        commits.incrementAndGet();
        batch.forEach(op -> op.done().complete(null));
    }
}
