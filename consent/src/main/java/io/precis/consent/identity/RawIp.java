package io.precis.consent.identity;

/**
 * A client IP address as received: personal data. Like {@link RawUserId} it hides its value
 * from {@link #toString()}; it may only be truncated before any use (that comes with the consent
 * work), never stored as it is.
 */
public final class RawIp {
    private final String value;

    private RawIp(String value) {
        this.value = value;
    }

    /** The address, or null when {@code value} is null or blank. */
    public static RawIp ofNullable(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return new RawIp(value);
    }

    /** The raw value, for truncation alone. */
    public String revealForTruncation() {
        return value;
    }

    @Override
    public String toString() {
        return "RawIp[redacted]";
    }
}
