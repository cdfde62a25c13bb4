package io.precis.gateway;

/**
 * The gateway cannot start for a reason the operator can fix (a busy port, a data dir in use):
 * {@code Main} prints the message alone, without a stack trace, and exits with status 1.
 */
public final class StartupException extends IllegalStateException {
    public StartupException(String message) {
        super(message);
    }
}
