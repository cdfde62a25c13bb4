package io.precis.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * Keeps slow and idle clients from holding the gateway's sockets: a connection must deliver each
 * request head within the header timeout (from its opening, or from the end of the previous
 * response) and the request's body within the same time after its head, and connections beyond the limit are closed as they arrive, so the process never
 * runs out of file descriptors and a fresh client can reach {@code /health} once others go.
 * Silent connections are closed by the server's idle timeout (Vert.x) as well.
 *
 * <p>Thread-safe: connections arrive on any event loop. HTTP/1.x only (one request at a time per
 * connection), which is what the gateway serves.
 */
public final class ConnectionGuard implements Handler<HttpConnection> {
    private static final Logger LOG = Logger.getLogger(ConnectionGuard.class.getName());
    private static final long WARN_EVERY_NS = 60_000_000_000L;

    private final Vertx vertx;
    private final long headerMs;
    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    /** When the limit was last reported: at most one warning a minute however hard it is hit. */
    private final AtomicLong lastWarned = new AtomicLong(System.nanoTime() - WARN_EVERY_NS);
    /** Connections waiting for a request head or the rest of its body, with the timer that closes them. */
    private final Map<HttpConnection, Long> waiting = new ConcurrentHashMap<>();

    public ConnectionGuard(Vertx vertx, Duration headerTimeout, int maxConnections) {
        this.vertx = vertx;
        this.headerMs = Math.max(1, headerTimeout.toMillis());
        this.max = maxConnections;
    }

    @Override
    public void handle(HttpConnection connection) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            long last = lastWarned.get();
            if (System.nanoTime() - last >= WARN_EVERY_NS && lastWarned.compareAndSet(last, System.nanoTime())) {
                LOG.warning("connection limit of " + max + " reached: closing new connections until some end");
            }
            connection.close();
            return;
        }
        connection.closeHandler(v -> {
            open.decrementAndGet();
            cancel(connection);
        });
        awaitHead(connection);
    }

    /**
     * A request head arrived: its connection's clock stops until the response ends, and the
     * body, if any, must follow within the same time. A body trickled a byte at a time would
     * otherwise hold the connection as long as it keeps resetting the idle timeout.
     */
    public void headArrived(HttpServerRequest request) {
        HttpConnection connection = request.connection();
        cancel(connection);
        if (!request.isEnded()) {
            // Kept like the head timer, so the response's end (awaitHead) or the connection's
            // close cancels it: a timer left running would hold the answered request, with its
            // routing context and body, for the whole header timeout.
            arm(connection, vertx.setTimer(headerMs, id -> {
                if (waiting.remove(connection, id) && !request.isEnded()) {
                    connection.close();
                }
            }));
        }
    }

    /** Router handler: when the response ends, the connection waits for its next head again. */
    public void watch(RoutingContext ctx) {
        HttpConnection connection = ctx.request().connection();
        ctx.addEndHandler(v -> awaitHead(connection));
        ctx.next();
    }

    private void awaitHead(HttpConnection connection) {
        arm(connection, vertx.setTimer(headerMs, id -> {
            if (waiting.remove(connection, id)) {
                connection.close();
            }
        }));
    }

    /** {@code timer} is now the one that closes {@code connection}; the one before it is cancelled. */
    private void arm(HttpConnection connection, long timer) {
        Long previous = waiting.put(connection, timer);
        if (previous != null) {
            vertx.cancelTimer(previous);
        }
    }

    private void cancel(HttpConnection connection) {
        Long timer = waiting.remove(connection);
        if (timer != null) {
            vertx.cancelTimer(timer);
        }
    }
}
