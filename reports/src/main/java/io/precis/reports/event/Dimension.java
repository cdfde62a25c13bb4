package io.precis.reports.event;

import java.util.Locale;

/** A report breakdown dimension; its JSON and query name is the lower-case constant name. */
public enum Dimension {
    CAMPAIGN,
    CREATIVE,
    DAY;

    /** The name in API.md's {@code groupBy} and in report rows, e.g. {@code "campaign"}. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
