package io.precis.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Registers routes so that each request remembers its route template: metrics are labelled
 * with {@code /v1/campaigns/:id}, never with the concrete path (which holds ids).
 */
public final class Routes {
    /** Context key under which the matched route template is stored. */
    public static final String ROUTE_KEY = "precis.route";

    private final Router router;
    /** The templates with a {@code :param}, each with its pattern over raw paths: {@code :id} stands for one segment. */
    private final List<Map.Entry<String, Pattern>> known = new CopyOnWriteArrayList<>();
    /** The templates without one, looked up as they are (every request asks: no pattern per route). */
    private final Set<String> exact = ConcurrentHashMap.newKeySet();

    public Routes(Router router) {
        this.router = router;
    }

    public Route on(HttpMethod method, String path, Handler<RoutingContext> handler) {
        if (path.contains("/:")) {
            known.add(Map.entry(path, Pattern.compile(Arrays.stream(path.split("/", -1))
                    .map(s -> s.startsWith(":") ? "[^/]+" : Pattern.quote(s))
                    .collect(Collectors.joining("/")))));
        } else {
            exact.add(path);
        }
        return router.route(method, path)
                .handler(ctx -> {
                    ctx.put(ROUTE_KEY, path);
                    io.precis.gateway.observability.Tracing.route(method.name(), path);
                    ctx.next();
                })
                .handler(handler);
    }

    /** Whether {@code rawPath} (as sent, not decoded) has a route, whatever its method. */
    public boolean knows(String rawPath) {
        return template(rawPath) != null;
    }

    /**
     * The route template {@code rawPath} (as sent, not decoded) falls under, or null: a template
     * without parameters first (so {@code /v1/audiences/lookalike} is not {@code /v1/audiences/:id}).
     */
    public String template(String rawPath) {
        if (rawPath == null) {
            return null;
        }
        if (exact.contains(rawPath)) {
            return rawPath;
        }
        for (Map.Entry<String, Pattern> e : known) {
            if (e.getValue().matcher(rawPath).matches()) {
                return e.getKey();
            }
        }
        return null;
    }
}
