package io.precis.gateway.auth;

import java.util.Locale;

/** Who holds an API key: an advertiser (campaigns, reports) or a publisher (behaviour, users). */
public enum AccountType {
    ADVERTISER, PUBLISHER;

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type named {@code s}, or null when it names none. */
    public static AccountType parse(String s) {
        for (AccountType t : values()) {
            if (t.jsonName().equals(s)) {
                return t;
            }
        }
        return null;
    }
}
