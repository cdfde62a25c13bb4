package io.precis.consent.log;

import io.precis.consent.receipt.ReceiptKey;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Group commit for the consent log: callers on any thread hand in signed receipts; one writer
 * thread takes whatever has queued up (at most {@link #MAX_BATCH}), appends it to the
 * {@link ConsentLog} with one write and one fsync, indexes it ({@link LogIndex}) and releases
 * the callers. A second thread signs and writes the {@link LogHead} naming the latest committed
 * line, so the head's own fsync never holds up the next batch; when commits come faster than
 * heads, only the latest is written. The head thus lags the log by at most the batches of one
 * head write, and never names a line that is not on disk. On {@link #close} the head is brought
 * up to the last line. The log stays one linear hash chain: the order in which receipts reach
 * the writer decides each line's {@code prev_line}.
 *
 * <p>Thread-safe. {@link #append} blocks until the receipt is on disk (or the batch failed).
 */
public final class LogWriter implements AutoCloseable {
    /** Lines per fsync at most: bounds the latency one batch adds for its last caller. */
    static final int MAX_BATCH = 1024;
    private static final System.Logger LOG = System.getLogger(LogWriter.class.getName());

    private record Pending(String sub, String receipt, CompletableFuture<Void> done) {}

    /** Queued by {@link #close}: everything before it is committed, then the thread ends. */
    private static final Pending STOP = new Pending(null, null, new CompletableFuture<>());

    private final ConsentLog log;
    private final LogIndex index;
    private final Path dataDir;
    private final ReceiptKey key;
    private final Clock clock;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final BlockingQueue<Optional<LogHead>> heads = new LinkedBlockingQueue<>();
    private final Thread headThread;
    private final AtomicLong headFailures = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private volatile boolean closed;

    /** Starts the writer thread over an open log and its index. */
    public LogWriter(ConsentLog log, LogIndex index, Path dataDir, ReceiptKey key, Clock clock) {
        this.log = log;
        this.index = index;
        this.dataDir = dataDir;
        this.key = key;
        this.clock = clock;
        this.thread = Thread.ofPlatform().name("consent-log-writer").daemon().start(this::run);
        this.headThread = Thread.ofPlatform().name("consent-head-writer").daemon().start(this::writeHeads);
    }

    /**
     * Appends {@code receipt} (of pseudonym {@code sub}) and returns once it is on disk and
     * indexed. Throws {@link java.io.UncheckedIOException} when the batch could not be written
     * (nothing of it is in the log), {@link IllegalStateException} once closed.
     */
    public void append(String sub, String receipt) {
        if (closed) {
            throw new IllegalStateException("consent log is closed");
        }
        Pending p = new Pending(sub, receipt, new CompletableFuture<>());
        queue.add(p);
        if (closed) {
            // Raced with close: the writer may have drained already; fail rather than hang.
            p.done().completeExceptionally(new IllegalStateException("consent log is closed"));
        }
        try {
            p.done().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the consent log", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Head writes that failed (the log itself was written; the next batch writes the head again). */
    public long headFailures() {
        return headFailures.get();
    }

    /** Group commits so far (fsyncs of the log). */
    public long batches() {
        return batches.get();
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        boolean stop = false;
        while (!stop) {
            Pending first;
            try {
                first = queue.take();
            } catch (InterruptedException e) {
                // Nobody interrupts this thread but the JVM going down; close() queues STOP.
                return;
            }
            batch.add(first);
            queue.drainTo(batch, MAX_BATCH - 1);
            stop = batch.remove(STOP);
            if (!batch.isEmpty()) {
                commit(batch);
            }
            batch.clear();
        }
    }

    private void commit(List<Pending> batch) {
        List<ConsentLog.Appended> lines;
        try {
            lines = log.append(batch.stream().map(Pending::receipt).toList());
        } catch (RuntimeException | Error e) {
            // Nothing of the batch is in the log (append cuts a failed write back); its callers fail, the writer goes on.
            batch.forEach(p -> p.done().completeExceptionally(e));
            return;
        }
        batches.incrementAndGet();
        try {
            for (int i = 0; i < batch.size(); i++) {
                index.add(batch.get(i).sub(), lines.get(i).offset());
            }
            ConsentLog.Appended last = lines.get(lines.size() - 1);
            index.covered(last.offset(), last.hash());
        } catch (RuntimeException e) {
            // The lines are durable; an index that missed them is rebuilt from the log at the next open.
            LOG.log(System.Logger.Level.ERROR, "consent log index update failed; it is rebuilt at the next start", e);
        }
        batch.forEach(p -> p.done().complete(null));
        ConsentLog.Appended last = lines.get(lines.size() - 1);
        heads.add(Optional.of(new LogHead(last.number(), last.hash(), clock.instant().getEpochSecond())));
    }

    /** The head thread: writes the latest head queued, skipping older ones; an empty one stops it. */
    private void writeHeads() {
        List<Optional<LogHead>> queued = new ArrayList<>();
        while (true) {
            try {
                queued.add(heads.take());
            } catch (InterruptedException e) {
                return;
            }
            heads.drainTo(queued);
            boolean stop = queued.remove(Optional.<LogHead>empty());
            if (!queued.isEmpty()) {
                LogHead head = queued.get(queued.size() - 1).orElseThrow();
                try {
                    head.write(dataDir, key);
                } catch (RuntimeException e) {
                    headFailures.incrementAndGet();
                    LOG.log(System.Logger.Level.ERROR, "consent log head not written; retried at the next commit: "
                            + e.getMessage());
                }
            }
            queued.clear();
            if (stop) {
                return;
            }
        }
    }

    /** Commits what is queued, stops the writer thread; later appends throw. */
    @Override
    public void close() {
        closed = true;
        queue.add(STOP);
        try {
            thread.join();
            heads.add(Optional.empty());
            headThread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Pending p;
        while ((p = queue.poll()) != null) {
            p.done().completeExceptionally(new IllegalStateException("consent log is closed"));
        }
    }
}
