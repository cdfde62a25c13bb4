package io.precis.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Registers routes so that each request remembers its route template: metrics are labelled
 * with {@code /v1/campaigns/:id}, never with the concrete path (which holds ids).
 */
public final class Routes {
    /** Context key under which the matched route template is stored. */
    public static final String ROUTE_KEY = "precis.route";

    private final Router router;

    public Routes(Router router) {
        this.router = router;
    }

    public Route on(HttpMethod method, String path, Handler<RoutingContext> handler) {
        return router.route(method, path)
                .handler(ctx -> {
                    ctx.put(ROUTE_KEY, path);
                    ctx.next();
                })
                .handler(handler);
    }
}
