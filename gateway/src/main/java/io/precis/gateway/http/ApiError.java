package io.precis.gateway.http;

/**
 * An error with its HTTP status and the stable code of API.md. The message is shown to the
 * client, so it must never contain what the client sent (ids, IPs, free text): name the field.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String code;
    private final String field;

    public ApiError(int status, String code, String message, String field) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
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

    /** The offending field or parameter, or null. */
    public String field() {
        return field;
    }
}
