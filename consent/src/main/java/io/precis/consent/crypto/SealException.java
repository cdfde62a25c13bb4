package io.precis.consent.crypto;

/**
 * Sealed data that does not open: tampered with, truncated, or sealed under another key or
 * another associated data. Carries no detail about the content on purpose.
 */
public final class SealException extends RuntimeException {
    public SealException(String message) {
        super(message);
    }
}
