package io.precis.gateway.delivery;

import io.precis.consent.identity.Pseudonym;
import io.precis.gateway.storage.Database;
import io.precis.gateway.storage.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The frequency-cap history on disk: each recorded impression of a capped campaign, by delivery
 * pseudonym, so caps hold across a restart. Pseudonyms only (they become unlinkable when their
 * key epoch is destroyed); rows older than the longest cap window are deleted.
 *
 * <p>Writes come from the impression pixel's path, on an event loop, so {@link #append} only
 * queues and answers a future; one writer thread inserts what is queued in a batch per
 * transaction and completes each row's future once its batch is committed. The pixel is
 * acknowledged only then, so an acknowledged impression still counts towards its cap after a
 * crash, or after a shared ledger found empty is seeded again from this table. Erasure goes
 * through the same thread, after every row queued before it.
 */
public final class CapHistoryStore implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CapHistoryStore.class.getName());
    /** Rows queued at most; past it new impressions are dropped (and counted), never blocking. */
    private static final int QUEUE = 65_536;
    private static final int BATCH = 1_000;
    /** Batches between deletions of rows older than the history. */
    private static final int PRUNE_EVERY = 256;

    private final DataSource ds;
    private final Clock clock;
    private final Duration history;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private volatile boolean closing;

    /** @param history how long rows are kept (by {@code clock}): the longest frequency-cap window */
    public CapHistoryStore(Database db, Clock clock, Duration history) {
        this.ds = db.dataSource();
        this.clock = clock;
        this.history = history;
        writer = new Thread(this::run, "precis-cap-history-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** One impression that counts towards a cap. */
    public record Row(Pseudonym user, String campaignId, Instant at) {
    }

    /**
     * Queues {@code row} for the writer; never blocks. The future completes once the row is
     * committed, or exceptionally when it was dropped (queue full, store closing) or its batch
     * failed.
     */
    public CompletableFuture<Void> append(Row row) {
        Append a = new Append(row, new CompletableFuture<>());
        if (closing || !queue.offer(a)) {
            dropped.incrementAndGet();
            a.done().completeExceptionally(new StorageException("the frequency-cap history is full or closing", null));
        }
        return a.done();
    }

    private record Append(Row row, CompletableFuture<Void> done) {
    }

    /** Impressions not stored because the queue was full or the store closing. */
    public long dropped() {
        return dropped.get();
    }

    /** Every stored impression at or after {@code since} (start-up: what the caps need). Blocking. */
    public List<Row> since(Instant since) {
        List<Row> out = new ArrayList<>();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT pseudonym, campaign_id, at_ms FROM frequency_cap_impressions WHERE at_ms >= ?")) {
            ps.setLong(1, since.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Row(new Pseudonym(rs.getString(1)), rs.getString(2),
                            Instant.ofEpochMilli(rs.getLong(3))));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StorageException("cannot read the frequency-cap history", e);
        }
    }

    /**
     * Deletes every row of {@code users}, including rows queued before this call. Blocking: it
     * returns once the deletion is committed.
     */
    public void erase(Collection<Pseudonym> users) {
        Erase e = new Erase(List.copyOf(users), new CompletableFuture<>());
        try {
            queue.put(e);
            e.done().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while erasing the frequency-cap history", ex);
        } catch (Exception ex) {
            throw new StorageException("cannot erase the frequency-cap history", ex);
        }
    }

    private record Erase(List<Pseudonym> users, CompletableFuture<Void> done) {
    }

    private void run() {
        List<Object> batch = new ArrayList<>(BATCH);
        long batches = 0;
        while (true) {
            try {
                Object first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                write(batch);
                if (++batches % PRUNE_EVERY == 0) {
                    prune();
                }
            } catch (InterruptedException e) {
                if (closing) {
                    return;
                }
            } catch (RuntimeException | SQLException e) {
                // Cap history is best effort beside billing: keep serving, say what failed.
                LOG.warning("frequency-cap history write failed: " + e.getClass().getSimpleName());
                fail(batch, e);
            } finally {
                batch.clear();
            }
        }
    }

    /** Completes the futures of {@code items} not completed yet exceptionally. */
    private static void fail(List<Object> items, Exception cause) {
        for (Object o : items) {
            if (o instanceof Append a) {
                a.done().completeExceptionally(cause);
            } else if (o instanceof Erase e) {
                e.done().completeExceptionally(cause);
            }
        }
    }

    /** Inserts the rows and runs the erasures of {@code batch}, in order, in one transaction. */
    private void write(List<Object> batch) throws SQLException {
        List<CompletableFuture<Void>> done = new ArrayList<>(batch.size());
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO frequency_cap_impressions (pseudonym, campaign_id, at_ms) VALUES (?, ?, ?)");
                 PreparedStatement delete = c.prepareStatement(
                         "DELETE FROM frequency_cap_impressions WHERE pseudonym = ?")) {
                for (Object o : batch) {
                    if (o instanceof Append a) {
                        Row r = a.row();
                        insert.setString(1, r.user().value());
                        insert.setString(2, r.campaignId());
                        insert.setLong(3, r.at().toEpochMilli());
                        insert.addBatch();
                        done.add(a.done());
                    } else if (o instanceof Erase e) {
                        insert.executeBatch(); // rows queued before the erasure go first
                        for (Pseudonym p : e.users()) {
                            delete.setString(1, p.value());
                            delete.executeUpdate();
                        }
                        done.add(e.done());
                    }
                }
                insert.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                io.precis.reports.sql.Transactions.rollback(c, e);
                throw e; // the writer fails every future of the batch
            }
        }
        done.forEach(f -> f.complete(null));
    }

    private void prune() throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM frequency_cap_impressions WHERE at_ms < ?")) {
            ps.setLong(1, clock.instant().minus(history).toEpochMilli());
            ps.executeUpdate();
        }
    }

    /** Writes what is queued, then stops the writer. */
    @Override
    public void close() {
        closing = true;
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // What raced past the closing flag into the queue after the writer stopped: never left waiting.
        List<Object> left = new ArrayList<>();
        queue.drainTo(left);
        fail(left, new StorageException("the frequency-cap history is closed", null));
    }
}
