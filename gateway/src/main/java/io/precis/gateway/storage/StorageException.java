package io.precis.gateway.storage;

/** A storage failure that is not the client's fault (maps to 500 {@code internal}). */
public final class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
