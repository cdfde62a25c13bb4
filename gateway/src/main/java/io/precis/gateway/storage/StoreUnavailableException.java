package io.precis.gateway.storage;

/**
 * A shared store other than the SQL database (the Redis of caps, budgets and counters) cannot
 * be reached or did not answer in time: the request is answered 503 {@code unavailable} with
 * {@code Retry-After} ({@link StoreOutage}), never 500. The message names no user or key.
 */
public final class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
