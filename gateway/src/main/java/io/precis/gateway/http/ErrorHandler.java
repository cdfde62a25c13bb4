package io.precis.gateway.http;

import io.precis.matcher.campaign.InvalidFieldException;
import io.precis.reports.InvalidRequestException;
import io.vertx.core.Handler;
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
        ApiError error = toApiError(ctx.failure(), ctx.statusCode());
        if (error.status() >= 500) {
            logSafely(ctx.failure());
        }
        send(ctx, error);
    }

    /** Sends {@code error} as the response. */
    public static void send(RoutingContext ctx, ApiError error) {
        JsonObject body = new JsonObject().put("error", error.code()).put("message", error.getMessage());
        if (error.field() != null) {
            body.put("field", error.field());
        }
        ctx.response()
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
            return new ApiError(503, "unavailable", "too many events in flight, retry shortly", null);
        }
        if (failure instanceof ApiError e) {
            return e;
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
            case 415 -> new ApiError(415, "bad_request", "unsupported media type", null);
            case 503 -> new ApiError(503, "unavailable", "service unavailable", null);
            default -> status >= 400 && status < 500
                    ? new ApiError(status, "bad_request", "bad request", null)
                    : new ApiError(500, "internal", "internal error", null);
        };
    }

    private static void logSafely(Throwable t) {
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
