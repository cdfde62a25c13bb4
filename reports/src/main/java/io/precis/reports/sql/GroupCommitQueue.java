package io.precis.reports.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Group commit for a store's writes: callers enqueue operations and wait on each one's future;
 * one writer thread takes what is queued, up to {@code maxBatch} at a time in queue order, and
 * hands the batch to the store's {@code write}, which runs it in one transaction and completes
 * every operation's future (or fails them all). Many callers thus share one commit.
 *
 * <p>Bounded: beyond {@code maxQueue} waiting operations an enqueue fails at once with
 * {@link RejectedExecutionException} (a 503, not a memory blow-up). {@link #close} writes
 * everything queued before it, then stops the writer; an operation enqueued after it fails with
 * {@link IllegalStateException}. Interrupting the writer drops nothing.
 *
 * <p>A store may give the writer {@link Chores}: work it does between batches when due (the
 * event store's deletion of expired events and packing of closed periods), so that it never
 * runs at the same time as a batch.
 *
 * <p>Thread-safe. {@code write} and the chores run on the writer thread only.
 *
 * @param <O> the store's operations
 */
public final class GroupCommitQueue<O extends GroupCommitQueue.Op> implements AutoCloseable {
    /** One queued write: its future completes once its batch is committed (or has failed). */
    public interface Op {
        CompletableFuture<?> done();
    }

    /** Work the writer does between batches, when due; see the class comment. */
    public interface Chores {
        /** Nanoseconds until some chore is due; 0 or less when one is due now. */
        long dueInNanos();

        /** Does what is due. */
        void run();
    }

    /** No chores: the writer waits for operations only. */
    public static final Chores NO_CHORES = new Chores() {
        @Override
        public long dueInNanos() {
            return Long.MAX_VALUE;
        }

        @Override
        public void run() {
        }
    };

    /** Put behind every queued operation by {@link #close}: the writer stops at it. */
    private static final Object STOP = new Object();

    private final String what;
    private final int maxBatch;
    private final Consumer<List<O>> write;
    private final Chores chores;
    private final BlockingQueue<Object> queue;
    private final Thread writer;
    private final Object lifecycle = new Object();
    private boolean closed; // guarded by lifecycle

    /**
     * Starts the writer thread {@code threadName}; {@code what} names the store in the failures
     * of an enqueue ("behaviour queue is full").
     */
    public GroupCommitQueue(String threadName, String what, int maxQueue, int maxBatch, Consumer<List<O>> write) {
        this(threadName, what, maxQueue, maxBatch, write, NO_CHORES);
    }

    /** As the other constructor, with {@code chores} done between batches when due. */
    public GroupCommitQueue(String threadName, String what, int maxQueue, int maxBatch, Consumer<List<O>> write,
            Chores chores) {
        this.what = what;
        this.maxBatch = maxBatch;
        this.write = write;
        this.chores = chores;
        this.queue = new ArrayBlockingQueue<>(maxQueue);
        writer = new Thread(this::run, threadName);
        writer.setDaemon(true); // close() is the orderly way out
        writer.start();
    }

    /** Queues {@code op}; its future fails at once when the queue is full or closed. Never blocks. */
    public void enqueue(O op) {
        synchronized (lifecycle) {
            if (closed) {
                op.done().completeExceptionally(new IllegalStateException(what + " store is closed"));
            } else if (!queue.offer(op)) {
                op.done().completeExceptionally(new RejectedExecutionException(what + " queue is full"));
            }
        }
    }

    /** Writes everything queued so far, then stops the writer. Idempotent. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            queue.put(STOP); // no enqueue can follow it
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @SuppressWarnings("unchecked")
    private void run() {
        List<Object> taken = new ArrayList<>(maxBatch);
        List<O> batch = new ArrayList<>(maxBatch);
        boolean stop = false;
        while (!stop) {
            try {
                Object first = queue.poll(Math.max(0, chores.dueInNanos()), TimeUnit.NANOSECONDS);
                if (first == null) {
                    chores.run();
                    continue;
                }
                taken.add(first);
            } catch (InterruptedException e) {
                continue; // only close() stops the writer, so nothing queued is dropped
            }
            queue.drainTo(taken, maxBatch - 1);
            for (Object o : taken) {
                if (o == STOP) {
                    stop = true; // the last: nothing is enqueued after it
                } else {
                    batch.add((O) o);
                }
            }
            if (!batch.isEmpty()) {
                write.accept(batch);
            }
            taken.clear();
            batch.clear();
            if (!stop) {
                chores.run();
            }
        }
    }
}
