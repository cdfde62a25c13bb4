package io.precis.consent.identity;

import java.util.Objects;

/**
 * A user id exactly as a client sent it: personal data that must never be stored, logged or
 * echoed. The only way forward is pseudonymisation; {@link #toString()} hides the value so that
 * an accidental log line or string concatenation cannot leak it.
 */
public final class RawUserId {
    private final String value;

    private RawUserId(String value) {
        this.value = value;
    }

    /** The id, or null when {@code value} is null or blank. */
    public static RawUserId ofNullable(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return new RawUserId(value);
    }

    /** The raw value, for the pseudonymiser alone. */
    public String revealForPseudonymisation() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawUserId other && value.equals(other.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(value);
    }

    @Override
    public String toString() {
        return "RawUserId[redacted]";
    }
}
