package io.precis.gateway.http;

import io.precis.matcher.campaign.InvalidFieldException;
import io.precis.reports.InvalidRequestException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns every failure into API.md's error body: a stable code, a human message, never a stack
 * trace. Unexpected exceptions become 500 {@code internal} and are logged by class and stack
 * frames only: exception messages may quote client input (Jackson's do), so they stay out of
 * the log as well as the response.
 */
public final class ErrorHandler implements Handler<RoutingContext> {
    private static final Logger LOG = Logger.getLogger(ErrorHandler.class.getName());

    @Override
    public void handle(RoutingContext ctx) {
        if (ctx.response().headWritten()) {
            ctx.response().reset();
            return;
        }
        if (ctx.failure() instanceof HttpClosedException || ctx.response().closed()) {
            // The client went away (or a timeout closed it) mid-request: nobody to answer.
            connectionError(ctx.failure());
            return;
        }
        ApiError error = toApiError(ctx.failure(), ctx.statusCode());
        if (error.status() >= 500 && !"unavailable".equals(error.code())) {
            logSafely(ctx.failure());
        } else {
            String route = ctx.get(Routes.ROUTE_KEY);
            clientError(error, route == null ? "unmatched" : route);
        }
        send(ctx, error);
    }

    /**
     * Answers a request whose head Netty could not decode (request line or headers over the
     * limits, broken syntax) with the error body, then closes the connection as Vert.x's own
     * handler does: what follows on the wire cannot be trusted to be a request boundary.
     */
    public static void invalidRequest(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        ApiError error = toApiError(null, cause instanceof TooLongHttpLineException ? 414
                : cause instanceof TooLongHttpHeaderException ? 431 : 400);
        clientError(error, "invalid request head");
        request.response().putHeader("Connection", "close");
        send(request.response(), error).onComplete(v -> request.connection().close());
    }

    /**
     * A debug line per rejected request, by status, code and route template: never the URI,
     * query, headers or body, which may hold ids. Off at the default INFO level.
     */
    static void clientError(ApiError error, String route) {
        LOG.fine(() -> "client error " + error.status() + " " + error.code() + " on " + route);
    }

    /**
     * A connection-level failure (a client reset, a TLS or protocol error): routine on the open
     * internet, so a debug line by class only, never the message (it may quote the request).
     */
    public static void connectionError(Throwable t) {
        LOG.fine(() -> "connection failed: " + (t == null ? "closed" : t.getClass().getName()));
    }

    /** Sends {@code error} as the response. */
    public static void send(RoutingContext ctx, ApiError error) {
        send(ctx.response(), error);
    }

    /** Sends {@code error} as {@code response}; completes when it is written. */
    public static io.vertx.core.Future<Void> send(HttpServerResponse response, ApiError error) {
        JsonObject body = new JsonObject().put("error", error.code()).put("message", error.getMessage());
        if (error.field() != null) {
            body.put("field", error.field());
        }
        if (error.retryAfterSeconds() > 0) {
            response.putHeader("Retry-After", Long.toString(error.retryAfterSeconds()));
        }
        return response
                .setStatusCode(error.status())
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .end(body.encode());
    }

    static ApiError toApiError(Throwable failure, int status) {
        if (failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null) {
            failure = failure.getCause();
        }
        if (failure instanceof java.util.concurrent.RejectedExecutionException) {
            // The event writer's queue is full: back-pressure, not a bug. The client may retry.
            return ApiError.unavailable("too many events in flight, retry shortly");
        }
        if (failure instanceof ApiError e) {
            return e;
        }
        if (io.precis.gateway.storage.StoreOutage.is(failure)) {
            // The database is away (stopped, restarting): nothing was stored, the client may retry.
            return ApiError.unavailable("the store is unavailable, retry shortly");
        }
        if (failure instanceof InvalidFieldException e) {
            return ApiError.badField(e.field(), e.getMessage());
        }
        if (failure instanceof InvalidRequestException e) {
            return ApiError.badField(e.field(), e.getMessage());
        }
        return switch (status) {
            case 400 -> ApiError.badRequest("bad request");
            case 401 -> ApiError.unauthorized();
            case 403 -> ApiError.forbidden("forbidden");
            case 404 -> ApiError.notFound("resource");
            case 405 -> new ApiError(405, "method_not_allowed", "method not allowed on this path", null);
            case 413 -> new ApiError(413, "too_large", "request body too large", null);
            case 414 -> new ApiError(414, "too_large", "request line too long", null);
            case 431 -> new ApiError(431, "too_large", "request headers too large", null);
            case 415 -> new ApiError(415, "bad_request", "unsupported media type", null);
            case 503 -> ApiError.unavailable("service unavailable");
            default -> status >= 400 && status < 500
                    ? new ApiError(status, "bad_request", "bad request", null)
                    : new ApiError(500, "internal", "internal error", null);
        };
    }

    /**
     * Logs {@code t} by class and stack frames only. Also the handler of exceptions nothing else
     * caught (Vert.x's own would print their messages, which quote URIs).
     */
    public static void logSafely(Throwable t) {
        if (t == null) {
            LOG.warning("request failed without an exception");
            return;
        }
        StringBuilder sb = new StringBuilder("unexpected failure: ");
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getClass().getName());
            StackTraceElement[] frames = c.getStackTrace();
            for (int i = 0; i < Math.min(frames.length, 12); i++) {
                sb.append("\n    at ").append(frames[i]);
            }
            if (c.getCause() != null) {
                sb.append("\ncaused by ");
            }
        }
        LOG.log(Level.SEVERE, sb.toString());
    }
}
