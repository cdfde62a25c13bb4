package io.precis.gateway.observability;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What {@code GET /health} answers: 200 {@code {"status":"up"}} while no check has a problem,
 * else 503 {@code {"status":"degraded","error":"degraded","message":...,"checks":{name: message}}}.
 * A check reports a problem when it fails and clears it when it succeeds again. Messages are
 * public (the route needs no key): they name what failed, never paths, ids or key material.
 * Thread-safe.
 */
public final class Health {
    private final Map<String, String> problems = new ConcurrentHashMap<>();

    /** Marks {@code check} as failing with a short public {@code message}. */
    public void problem(String check, String message) {
        problems.put(check, message);
    }

    /** Marks {@code check} as working again. */
    public void ok(String check) {
        problems.remove(check);
    }

    /** The failing checks and their messages, by name. */
    public Map<String, String> problems() {
        return new TreeMap<>(problems);
    }

    /** The route handler: answers from memory, so it never blocks the event loop. */
    public void handle(RoutingContext ctx) {
        Map<String, String> now = problems();
        if (now.isEmpty()) {
            ctx.json(new JsonObject().put("status", "up"));
            return;
        }
        JsonObject checks = new JsonObject();
        now.forEach(checks::put);
        JsonObject body = new JsonObject().put("status", "degraded").put("error", "degraded")
                .put("message", "degraded: " + String.join(", ", now.keySet())).put("checks", checks);
        ctx.response().setStatusCode(503).putHeader("Content-Type", "application/json").end(body.encode());
    }
}
