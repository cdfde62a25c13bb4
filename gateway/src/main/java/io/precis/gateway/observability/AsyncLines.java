package io.precis.gateway.observability;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * A line file written off the event loop: {@link #offer} puts a line (made later, on the writer
 * thread) on a bounded queue and returns at once; one daemon thread drains it into a
 * {@link LogFile} (rotated as {@code precis.log} is) every {@link #PAUSE_MILLIS} ms. When the
 * queue is full the line is dropped and counted ({@link #dropped}): a slow disk never holds a
 * request. {@link #close} writes what is queued. Thread-safe.
 *
 * <p>The writer wakes on its own time, not on each line: woken by every request's line (a
 * blocking {@code take}), the access log's thread was switched in 3,400 times a second at half
 * the gateway's peak on two cores, each time taking a core from an event loop or a match thread
 * (perf/README.md).
 */
final class AsyncLines implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AsyncLines.class.getName());
    private static final Supplier<String> STOP = () -> null;
    /** Lines written with one flush at most: bounds the memory of a batch, not the rate. */
    private static final int BATCH = 512;
    /** How long the writer rests once the queue is empty: a line reaches the file this late at most. */
    static final long PAUSE_MILLIS = 50;

    final LogFile file; // package-private: a test holds its lock to stall the writer
    private final BlockingQueue<Supplier<String>> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private volatile boolean closed;

    AsyncLines(Path dir, String name, int capacity) throws IOException {
        this.file = LogFile.lines(dir, name);
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.writer = Thread.ofPlatform().daemon().name("precis-" + name).start(this::drain);
    }

    /** Queues a line; false (and counted) when the queue is full or closed. Never blocks. */
    boolean offer(Supplier<String> line) {
        if (closed || !queue.offer(line)) {
            dropped.incrementAndGet();
            return false;
        }
        return true;
    }

    /** Lines dropped because the queue was full. */
    long dropped() {
        return dropped.get();
    }

    /** Takes what is queued, up to {@link #BATCH} lines at a time, and writes it with one flush. */
    private void drain() {
        List<Supplier<String>> batch = new ArrayList<>(BATCH);
        List<String> lines = new ArrayList<>(BATCH);
        while (true) {
            if (queue.drainTo(batch, BATCH) == 0) {
                // Nothing queued: rest, unless close() wakes it to stop.
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(PAUSE_MILLIS));
                if (Thread.interrupted()) {
                    return;
                }
                continue;
            }
            boolean stop = false;
            for (Supplier<String> next : batch) {
                if (next == STOP) {
                    stop = true;
                    break;
                }
                try {
                    lines.add(next.get());
                } catch (RuntimeException e) {
                    // A line that cannot be made is skipped; its content is never logged.
                    dropped.incrementAndGet();
                    LOG.warning("a line of " + writer.getName() + " could not be made: " + e.getClass().getSimpleName());
                }
            }
            file.publishAll(lines);
            batch.clear();
            lines.clear();
            if (stop) {
                return;
            }
        }
    }

    /** Writes what is queued (5 s at most), then closes the file. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            queue.put(STOP);
            LockSupport.unpark(writer);
            writer.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        file.close();
    }
}
