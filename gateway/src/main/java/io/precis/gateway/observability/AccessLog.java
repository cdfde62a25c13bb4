package io.precis.gateway.observability;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.precis.gateway.http.JsonBodies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * {@code <data-dir>/logs/access.log}: one JSON line per request, written off the event loop
 * ({@link AsyncLines}):
 * {@code {"ts":"…Z","method":"POST","route":"/v1/ad","status":200,"ms":1.84,"requestId":"…"}}.
 * The route is the template ({@code /v1/campaigns/:id}, or {@code unmatched}), never the path;
 * nothing else of the request is kept: no user id, IP, query string, cookie or header. Lines
 * that find the queue full are dropped and counted, so a slow disk never holds a request.
 * Thread-safe.
 */
public final class AccessLog implements AutoCloseable {
    /** The request id header: honoured when {@link #SAFE_ID safe}, else one is made; always answered. */
    public static final String REQUEST_ID = "X-Request-Id";
    /**
     * The request ids taken from a client: a UUID, or 16 to 64 hex digits (what nginx's
     * {@code $request_id} and Envoy make). Anything else, which could be a user id, is replaced.
     */
    static final Pattern SAFE_ID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{16,64}");
    /** About 8 s of requests at the rate measured on 2 cores; beyond that lines are dropped. */
    private static final int QUEUE = 32_768;
    private static final HexFormat HEX = HexFormat.of();

    private final AsyncLines lines;

    private AccessLog(AsyncLines lines) {
        this.lines = lines;
    }

    /** Opens (appending) {@code logsDir/access.log}. */
    public static AccessLog open(Path logsDir) {
        try {
            return new AccessLog(new AsyncLines(logsDir, "access.log", QUEUE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the access log under " + logsDir, e);
        }
    }

    /**
     * The client's {@code X-Request-Id} when it is safe to keep, else 32 fresh random hex digits
     * (from ThreadLocalRandom: an id to find a line by, not a secret; SecureRandom, as
     * {@code UUID.randomUUID} uses, would serialise the event loops on one lock).
     */
    public static String requestId(String header) {
        if (header != null && SAFE_ID.matcher(header).matches()) {
            return header;
        }
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return HEX.toHexDigits(r.nextLong()) + HEX.toHexDigits(r.nextLong());
    }

    /** Queues one request's line; never blocks. */
    public void record(String method, String route, int status, double millis, String requestId) {
        Instant at = Instant.now();
        lines.offer(() -> {
            ObjectNode o = JsonBodies.MAPPER.createObjectNode();
            o.put("ts", at.toString()).put("method", method).put("route", route).put("status", status)
                    .put("ms", Math.round(millis * 1000) / 1000.0).put("requestId", requestId);
            return o.toString();
        });
    }

    /** Lines dropped because the writer fell behind. */
    public long dropped() {
        return lines.dropped();
    }

    @Override
    public void close() {
        lines.close();
    }
}
