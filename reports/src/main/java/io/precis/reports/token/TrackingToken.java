package io.precis.reports.token;

import java.time.Instant;
import java.util.Objects;

/** The verified content of a tracking token: which ad, for what, and when it stops being valid. */
public record TrackingToken(TokenKind kind, AdServed ad, Instant issuedAt, Instant expiresAt) {
    public TrackingToken {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(ad, "ad");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
