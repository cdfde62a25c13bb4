package io.precis.gateway.observability;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * A line file written off the event loop: {@link #offer} puts a line (made later, on the writer
 * thread) on a bounded queue and returns at once; one daemon thread drains it into a
 * {@link LogFile} (rotated as {@code precis.log} is). When the queue is full the line is
 * dropped and counted ({@link #dropped}): a slow disk never holds a request. {@link #close}
 * writes what is queued. Thread-safe.
 */
final class AsyncLines implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AsyncLines.class.getName());
    private static final Supplier<String> STOP = () -> null;

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

    private void drain() {
        while (true) {
            Supplier<String> next;
            try {
                next = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (next == STOP) {
                return;
            }
            try {
                file.publish(new LogRecord(Level.INFO, next.get()));
            } catch (RuntimeException e) {
                // A line that cannot be made is skipped; its content is never logged.
                dropped.incrementAndGet();
                LOG.warning("a line of " + writer.getName() + " could not be written: " + e.getClass().getSimpleName());
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
            writer.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        file.close();
    }
}
