package io.precis.gateway.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;

/**
 * Keeps the embedded database file from growing without bound. H2 writes every commit as a new
 * chunk and reclaims the space of chunks whose data was overwritten only in its background
 * writer, which {@code WRITE_DELAY=0} (needed so an acknowledged write survives {@code kill -9})
 * turns off (h2database issue 442): with many small commits, as the event and behaviour writers
 * make, the file then grew by about 17 KB per user whose behaviour was appended (1.7 GB for
 * 100,000 users, 15 GB for a million, with 9% of the chunks' pages live). Every
 * {@link #PERIOD_S} seconds this task moves live chunks to the file's start and truncates the
 * rest ({@link MVStore#compactFile}) for at most {@link #MAX_COMPACT_MS}: the same 100,000 users
 * then leave a 401 MB file, and a file at rest shrinks to its live size over a few runs. One daemon thread of its
 * own, never an event loop; H2 serialises the move with writers, which wait meanwhile.
 */
final class FileCompaction implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(FileCompaction.class.getName());
    /** Often enough to keep a heavily written file within a few times its live size. */
    static final long PERIOD_S = 10;
    /**
     * Writers wait while chunks move, so each run moves chunks for at most this long: 2.5% of
     * the time at most. On this machine a 1.7 GB file with 9% live data shrank to 77 MB in 1.6 s.
     */
    private static final int MAX_COMPACT_MS = 250;

    private final DataSource ds;
    private final ScheduledExecutorService timer;
    private final AtomicLong failures = new AtomicLong();

    FileCompaction(DataSource ds) {
        this.ds = ds;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "precis-db-compaction");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::runOnce, PERIOD_S, PERIOD_S, TimeUnit.SECONDS);
    }

    /** One compaction run now; returns 1 when the file shrank, else 0. Blocking. */
    int runOnce() {
        try (Connection c = ds.getConnection()) {
            MVStore store = ((SessionLocal) c.unwrap(JdbcConnection.class).getSession())
                    .getDatabase().getStore().getMvStore();
            long before = store.getFileStore().size();
            // compactFile sets the store's retention time to 0 and leaves it there: from then on
            // a chunk freed by a commit could be overwritten at once, while the header on disk
            // still led to it, and kill -9 lost the last acknowledged commits (CrashRecoveryTest
            // under load). Restore it, so freed space waits out the retention time again.
            int retention = store.getRetentionTime();
            try {
                store.compactFile(MAX_COMPACT_MS);
            } finally {
                store.setRetentionTime(retention);
            }
            long after = store.getFileStore().size();
            return after < before ? 1 : 0;
        } catch (SQLException | RuntimeException e) {
            // Retried next period; only space is at stake, never data.
            failures.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "database file compaction failed: " + e.getClass().getSimpleName());
            return 0;
        }
    }

    /** Compaction runs that failed, for the metrics. */
    long failures() {
        return failures.get();
    }

    /**
     * Lets a run under way finish (it is bounded by {@link #MAX_COMPACT_MS}) and stops the timer.
     * Never interrupts it: an interrupt inside H2's file I/O closes the file for every thread.
     */
    @Override
    public void close() {
        timer.shutdown();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
