package io.precis.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.List;
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
    /** The templates as patterns over raw paths: {@code :id} stands for one segment. */
    private final List<Pattern> known = new CopyOnWriteArrayList<>();

    public Routes(Router router) {
        this.router = router;
    }

    public Route on(HttpMethod method, String path, Handler<RoutingContext> handler) {
        known.add(Pattern.compile(Arrays.stream(path.split("/", -1))
                .map(s -> s.startsWith(":") ? "[^/]+" : Pattern.quote(s))
                .collect(Collectors.joining("/"))));
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
        return rawPath != null && known.stream().anyMatch(p -> p.matcher(rawPath).matches());
    }
}
