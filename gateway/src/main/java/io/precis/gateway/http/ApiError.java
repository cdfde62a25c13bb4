package io.precis.gateway.http;

/**
 * An error with its HTTP status and the stable code of API.md. The message is shown to the
 * client, so it must never contain what the client sent (ids, IPs, free text): name the field.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String code;
    private final String field;
    private final long retryAfterSeconds;

    public ApiError(int status, String code, String message, String field) {
        this(status, code, message, field, 0);
    }

    private ApiError(int status, String code, String message, String field, long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /**
     * 503: the gateway is at capacity (a full queue), and a retry after a second is likely to
     * succeed: work is measured in milliseconds, so a second drains any queue it keeps.
     */
    public static ApiError unavailable(String message) {
        return new ApiError(503, "unavailable", message, null, 1);
    }

    /** 429: the client's network spent its share; a request can pass again after {@code seconds}. */
    public static ApiError rateLimited(long seconds) {
        return new ApiError(429, "rate_limited", "too many requests from your network, retry later", null,
                Math.max(1, seconds));
    }

    public static ApiError badRequest(String message) {
        return new ApiError(400, "bad_request", message, null);
    }

    public static ApiError badField(String field, String message) {
        return new ApiError(400, "bad_request", message, field);
    }

    public static ApiError unauthorized() {
        return new ApiError(401, "unauthorized", "missing or invalid credentials", null);
    }

    public static ApiError forbidden(String message) {
        return new ApiError(403, "forbidden", message, null);
    }

    public static ApiError notFound(String what) {
        return new ApiError(404, "not_found", what + " not found", null);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** Seconds the client should wait before retrying ({@code Retry-After}), or 0 for no header. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The offending field or parameter, or null. */
    public String field() {
        return field;
    }
}
