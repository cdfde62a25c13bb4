package io.precis.gateway.behaviour;

import io.precis.consent.identity.Pseudonym;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The real-time triggers that fired for each person, shared by every instance, so that
 * {@code targeting.trigger} takes effect on the very next ad request whichever instance answers
 * it: the instance that accepted the behaviour writes what fired before it acknowledges it, and
 * an ad request reads it when a trigger campaign serves and the person's consent allows
 * triggers. Only trigger segments ({@code trigger:<campaignId>}) and when each lapses are kept,
 * under the person's delivery pseudonym, never the behaviour itself. Blocking: workers only.
 */
public interface SharedTriggers {
    /** One instance: its own segment service already knows everything it accepted. */
    SharedTriggers NONE = new SharedTriggers() {
        @Override
        public void fired(Pseudonym p, Map<String, Instant> until, Duration keep) {
        }

        @Override
        public Map<String, Instant> read(List<Pseudonym> aliases) {
            return Map.of();
        }

        @Override
        public void erase(List<Pseudonym> aliases) {
        }

        @Override
        public boolean shared() {
            return false;
        }
    };

    /**
     * Records that the triggers {@code until} (segment → when it lapses) fired for {@code p}
     * (later ends win over earlier ones), kept at least {@code keep}.
     */
    void fired(Pseudonym p, Map<String, Instant> until, Duration keep);

    /** The triggers recorded for any of {@code aliases}, with when each lapses (lapsed ones too). */
    Map<String, Instant> read(List<Pseudonym> aliases);

    /** Forgets what fired for {@code aliases} (erasure). */
    void erase(List<Pseudonym> aliases);

    /** Whether other instances read what this one records (else nothing need be written or read). */
    boolean shared();
}
