package io.precis.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * One HTTP server on one event loop. The gateway deploys as many instances as it has event
 * loops, all on the same port: Vert.x binds the port once and hands each new connection to the
 * instances in turn, so every core parses, routes and answers (as Vert.x services and Prebid
 * Server do). The handlers are shared between instances and thread-safe.
 */
public final class HttpVerticle extends VerticleBase {
    private final HttpServerOptions options;
    private final Handler<HttpConnection> connections;
    private final Handler<HttpServerRequest> requests;
    private volatile HttpServer server;

    /**
     * @param options the server's options; a negative port is a random free port that all
     *     instances share (Vert.x's convention), where 0 would give each instance its own
     */
    public HttpVerticle(HttpServerOptions options, Handler<HttpConnection> connections,
                        Handler<HttpServerRequest> requests) {
        this.options = new HttpServerOptions(options);
        this.connections = connections;
        this.requests = requests;
    }

    @Override
    public Future<?> start() {
        return vertx.createHttpServer(options)
                .connectionHandler(connections)
                .invalidRequestHandler(ErrorHandler::invalidRequest)
                .exceptionHandler(ErrorHandler::connectionError)
                .requestHandler(requests)
                .listen()
                .onSuccess(s -> server = s);
    }

    /** The port listened on, once started. */
    public int actualPort() {
        return server.actualPort();
    }
}
