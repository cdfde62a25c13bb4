package io.precis.gateway.http;

import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One answer to a request that races a deadline: whichever of the work and the deadline comes
 * first answers ({@link #claim}), the other does nothing. The deadline's timer is cancelled as
 * soon as the work claims the answer: a timer left running would keep the request (its
 * routing context, headers and body) reachable until it fired, and a client's deadline is its
 * own choice (OpenRTB's {@code tmax} has no upper bound), so answered requests would pile up.
 */
public final class AnswerOnce {
    private final AtomicBoolean answered = new AtomicBoolean();
    private final Vertx vertx;
    private volatile long timer = -1;

    private AnswerOnce(Vertx vertx) {
        this.vertx = vertx;
    }

    /** An answer that {@code onDeadline} gives after {@code millis} unless the work claims it first. */
    public static AnswerOnce within(Vertx vertx, long millis, Runnable onDeadline) {
        AnswerOnce once = new AnswerOnce(vertx);
        once.timer = vertx.setTimer(millis, id -> {
            if (once.answered.compareAndSet(false, true)) {
                onDeadline.run();
            }
        });
        return once;
    }

    /** An answer without a deadline: only the work gives it. */
    public static AnswerOnce unbounded() {
        return new AnswerOnce(null);
    }

    /** Whether the caller is the one to answer; the deadline's timer is then cancelled. */
    public boolean claim() {
        if (!answered.compareAndSet(false, true)) {
            return false;
        }
        long id = timer;
        if (vertx != null && id >= 0) {
            vertx.cancelTimer(id);
        }
        return true;
    }
}
