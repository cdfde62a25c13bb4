package io.precis.consent;

import java.time.Instant;
import java.util.Objects;

/**
 * A user's consent as stored.
 *
 * @param purposes what is allowed
 * @param source "user", "tcf" or "default"
 * @param updatedAt when it was last changed (whole seconds, as in the receipt); null for defaults
 * @param receipt the signed receipt of that change (compact JWS); null for defaults
 */
public record ConsentState(Purposes purposes, String source, Instant updatedAt, String receipt) {
    public ConsentState {
        Objects.requireNonNull(purposes, "purposes");
        Objects.requireNonNull(source, "source");
    }
}
