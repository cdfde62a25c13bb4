package io.precis.matcher.segment;

import io.precis.consent.identity.Pseudonym;
import java.util.List;

/**
 * Where a user's behaviour is kept, keyed by pseudonym only. The gateway implements it with
 * encrypted storage that keeps {@link SegmentService#HISTORY_DAYS} days. Implementations are
 * thread-safe.
 */
public interface BehaviourStore {
    /** Adds {@code events} to {@code p}'s history. */
    void append(Pseudonym p, List<BehaviourEvent> events);

    /**
     * {@code p}'s history (any order); empty when none. Events older than
     * {@link SegmentService#HISTORY_DAYS} days may be left out (and then deleted).
     */
    List<BehaviourEvent> read(Pseudonym p);

    /** Deletes {@code p}'s history. */
    void erase(Pseudonym p);
}
