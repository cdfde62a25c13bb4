package io.precis.consent.receipt;

/** A receipt that is malformed or whose signature does not verify. */
public final class InvalidReceiptException extends IllegalArgumentException {
    public InvalidReceiptException(String message) {
        super(message);
    }
}
