package io.precis.gateway.workers;

import io.precis.gateway.http.ApiError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A named Vert.x worker pool with a bounded queue: at most {@code threads} tasks run and
 * {@code queue} wait; a task beyond that fails at once with 503 {@code unavailable} (and
 * {@code Retry-After}) instead of joining a queue that grows without end, so an overloaded
 * gateway answers quickly and recovers as soon as the load drops. Vert.x's own worker
 * executors queue without a bound, hence the count kept here.
 *
 * <p>Thread-safe: tasks are submitted from every event loop. Results are delivered on the
 * submitting context, as with {@code Vertx.executeBlocking}. The threads end with Vert.x.
 */
public final class WorkerPool {
    /**
     * A task running longer than this is reported by Vert.x's blocked-thread checker: a report
     * over a year of events may take seconds, nothing should take a minute (Vert.x's default).
     */
    private static final long MAX_EXECUTE_SECONDS = 60;

    private final String name;
    private final int threads;
    private final int capacity;
    private final WorkerExecutor executor;
    /** Tasks accepted and not yet finished: running plus waiting. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final LongAdder rejected = new LongAdder();

    /**
     * @param name the threads' name prefix ({@code precis-match}), also the metrics' {@code pool} label
     * @param queue tasks that may wait for a thread; 0 means a task runs at once or is refused
     */
    public WorkerPool(Vertx vertx, String name, int threads, int queue) {
        this.name = name;
        this.threads = threads;
        this.capacity = threads + queue;
        this.executor = vertx.createSharedWorkerExecutor(name, threads, MAX_EXECUTE_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Runs {@code work} on a thread of this pool; the future fails with a 503 {@link ApiError}
     * when the pool's threads and queue are all taken.
     */
    public <T> Future<T> submit(Callable<T> work) {
        if (inFlight.incrementAndGet() > capacity) {
            inFlight.decrementAndGet();
            rejected.increment();
            return Future.failedFuture(ApiError.unavailable("the gateway is at capacity, retry shortly"));
        }
        return executor.executeBlocking(() -> {
            running.incrementAndGet();
            try {
                return work.call();
            } finally {
                running.decrementAndGet();
                inFlight.decrementAndGet();
            }
        }, false);
    }

    public String name() {
        return name;
    }

    /** Tasks waiting for a thread now. */
    public int queued() {
        return Math.max(0, inFlight.get() - running.get());
    }

    /** Threads running a task now. */
    public int active() {
        return running.get();
    }

    /** The pool's thread count. */
    public int threads() {
        return threads;
    }

    /** Tasks refused because the pool was full, since start. */
    public long rejected() {
        return rejected.sum();
    }
}
