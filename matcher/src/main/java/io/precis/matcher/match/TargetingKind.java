package io.precis.matcher.match;

import java.util.Locale;

/** The kinds of targeting an ad can match on, as listed in the response's {@code matchedBy}. */
public enum TargetingKind {
    CONTEXTUAL, DEMOGRAPHIC, BEHAVIOURAL, GEO,
    /** A customer list the campaign includes (never an exclude or caution list). */
    AUDIENCE;

    private final String jsonName = name().toLowerCase(Locale.ROOT);

    /** The JSON spelling: lower case ({@code "contextual"}). */
    public String jsonName() {
        return jsonName;
    }
}
