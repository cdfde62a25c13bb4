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
 * response) and the request's body within the same time after its head, and connections beyond
 * the limit are closed as they arrive, so the process never runs out of file descriptors and a
 * fresh client can reach {@code /health} once others go. Silent connections are closed by the
 * server's idle timeout (Vert.x) as well.
 *
 * <p>Each waiting connection has a deadline in a map, and one periodic sweep (every quarter of
 * the timeout, at most every 250 ms) closes those past it: a connection is closed between the
 * timeout and a quarter of it later. A timer per wait (set and cancelled twice per request, on
 * the event loop's scheduled-task queue) cost about a tenth of the event loops' time under load.
 *
 * <p>Thread-safe: connections arrive on any event loop. HTTP/1.x only (one request at a time per
 * connection), which is what the gateway serves.
 */
public final class ConnectionGuard implements Handler<HttpConnection> {
    private static final Logger LOG = Logger.getLogger(ConnectionGuard.class.getName());
    private static final long WARN_EVERY_NS = 60_000_000_000L;

    /**
     * What a connection waits for, and until when ({@link System#nanoTime}): a request head when
     * {@code body} is null, else the rest of that request's body.
     */
    private record Wait(long deadline, HttpServerRequest body) {
    }

    private final long headerNs;
    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    /** When the limit was last reported: at most one warning a minute however hard it is hit. */
    private final AtomicLong lastWarned = new AtomicLong(System.nanoTime() - WARN_EVERY_NS);
    /** Connections waiting for a request head or the rest of its body. */
    private final Map<HttpConnection, Wait> waiting = new ConcurrentHashMap<>();

    public ConnectionGuard(Vertx vertx, Duration headerTimeout, int maxConnections) {
        long headerMs = Math.max(1, headerTimeout.toMillis());
        this.headerNs = headerMs * 1_000_000L;
        this.max = maxConnections;
        vertx.setPeriodic(Math.max(1, Math.min(250, headerMs / 4)), id -> sweep());
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
            waiting.remove(connection);
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
        if (request.isEnded()) {
            waiting.remove(connection);
        } else {
            // Replaced when the response ends (awaitHead) and dropped when the connection closes,
            // so the answered request, with its routing context and body, is not held after.
            waiting.put(connection, new Wait(System.nanoTime() + headerNs, request));
        }
    }

    /** Router handler: when the response ends, the connection waits for its next head again. */
    public void watch(RoutingContext ctx) {
        HttpConnection connection = ctx.request().connection();
        ctx.addEndHandler(v -> awaitHead(connection));
        ctx.next();
    }

    private void awaitHead(HttpConnection connection) {
        waiting.put(connection, new Wait(System.nanoTime() + headerNs, null));
    }

    /** Closes the connections past their deadline (a body that has all arrived meanwhile is not). */
    private void sweep() {
        long now = System.nanoTime();
        waiting.forEach((connection, wait) -> {
            if (now - wait.deadline() >= 0 && waiting.remove(connection, wait)
                    && (wait.body() == null || !wait.body().isEnded())) {
                connection.close();
            }
        });
    }
}
