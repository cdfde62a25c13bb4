package io.precis.matcher.campaign;

/** A campaign body that breaks a rule; {@link #field()} names where, for a 400 naming the field. */
public final class InvalidFieldException extends RuntimeException {
    private final String field;

    /**
     * @param field dotted path such as {@code bid.amount} or {@code targeting.regions[1]};
     *     empty for the body itself
     * @param problem what is wrong, without the field name (it is prefixed)
     */
    public InvalidFieldException(String field, String problem) {
        super((field.isEmpty() ? "body" : field) + ": " + problem);
        this.field = field;
    }

    /** Dotted path of the offending field, e.g. {@code creatives[0].format}; empty for the body. */
    public String field() {
        return field;
    }
}
