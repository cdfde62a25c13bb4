package io.precis.reports;

/** A client's request to the reports module is invalid; {@link #field()} names the culprit. */
public class InvalidRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String field;

    public InvalidRequestException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The body field or query parameter at fault, e.g. {@code "click"} or {@code "groupBy"}. */
    public String field() {
        return field;
    }
}
