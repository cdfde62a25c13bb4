package io.precis.reports.token;

/** A tracking token that must count nothing: malformed, forged, altered, expired or misused. */
public class InvalidTokenException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String reason;

    public InvalidTokenException(String reason) {
        super("invalid token: " + reason, null, false, false); // no stack: a routine rejection
        this.reason = reason;
    }

    /** Short machine-friendly reason: {@code malformed}, {@code bad_signature}, {@code expired}, {@code wrong_kind}. */
    public String reason() {
        return reason;
    }
}
