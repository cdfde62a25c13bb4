package io.precis.consent.identity;

import java.util.Objects;

/**
 * A keyed pseudonym of a user (HMAC-SHA256 under an epoch key, base64url): the only user key
 * anything is matched, counted or stored under. Not reversible without the key; once the key of
 * its epoch is destroyed, not linkable to anyone.
 */
public record Pseudonym(String value) {
    public Pseudonym {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty() || value.length() > 128) {
            throw new IllegalArgumentException("pseudonym must be 1 to 128 characters");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
