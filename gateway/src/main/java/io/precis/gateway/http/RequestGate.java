package io.precis.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;

/**
 * The first look at every request, before the router: a URI whose percent-escapes do not
 * decode ({@code %zz}, a lone {@code %}) is answered here with the error body, 400 on a known
 * route and 404 elsewhere. Left to the router, decoding it throws wherever the path or the
 * query is first read, in a handler or inside the body handler's end callback, where nothing
 * answers and Vert.x logs the exception with the whole URI in its message.
 */
public final class RequestGate implements Handler<HttpServerRequest> {
    private final Router router;
    private final Routes routes;
    private final ConnectionGuard connections;
    private final Answered answered;

    /** Told of each request answered here, before any router handler (access log, metrics). */
    @FunctionalInterface
    public interface Answered {
        void answered(HttpServerRequest request, int status, long nanos);
    }

    public RequestGate(Router router, Routes routes, ConnectionGuard connections, Answered answered) {
        this.router = router;
        this.routes = routes;
        this.connections = connections;
        this.answered = answered;
    }

    @Override
    public void handle(HttpServerRequest request) {
        long start = System.nanoTime();
        connections.headArrived(request);
        if (!wellFormedEscapes(request.uri())) {
            ApiError error = routes.knows(request.path())
                    ? ApiError.badRequest("malformed percent-escape in the URL (% must be followed by two hex digits)")
                    : ApiError.notFound("resource");
            ErrorHandler.clientError(error, "malformed URI");
            // The body, if any, is not read: end the connection with the answer.
            request.response().putHeader("Connection", "close");
            ErrorHandler.send(request.response(), error);
            answered.answered(request, error.status(), System.nanoTime() - start);
            return;
        }
        router.handle(request);
    }

    /** True when every {@code %} in {@code uri} is followed by two hex digits (RFC 3986 §2.1). */
    static boolean wellFormedEscapes(String uri) {
        if (uri == null) {
            return false;
        }
        for (int i = uri.indexOf('%'); i >= 0; i = uri.indexOf('%', i + 1)) {
            if (i + 2 >= uri.length() || Character.digit(uri.charAt(i + 1), 16) < 0
                    || Character.digit(uri.charAt(i + 2), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
