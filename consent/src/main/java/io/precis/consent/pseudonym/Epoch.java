package io.precis.consent.pseudonym;

import java.time.Instant;

/**
 * One pseudonym key epoch as recorded in the key directory.
 *
 * @param number 1, 2, ...; named in every pseudonym of the epoch
 * @param started when the epoch became current
 * @param expires end of its overlap once a newer epoch took over (null while current): until
 *     then its pseudonyms stay resolvable as aliases, after it its key may be destroyed
 * @param destroyed whether its key has been destroyed
 */
public record Epoch(int number, Instant started, Instant expires, boolean destroyed) {
    /** Whether pseudonyms of this epoch may still be resolved at {@code now}. */
    public boolean resolvableAt(Instant now) {
        return !destroyed && (expires == null || now.isBefore(expires));
    }
}
