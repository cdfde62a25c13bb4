package io.precis.gateway.privacy;

import io.precis.consent.pseudonym.Pseudonymiser;
import io.precis.gateway.observability.GatewayMetrics;
import io.precis.gateway.observability.Health;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * Picks up key rotations made with {@code ./precis keys rotate} and destroys the keys of
 * expired epochs, once a minute. A failure (a broken rotation, a missing, truncated or
 * unreadable key file, malformed epoch metadata) keeps the keys already loaded in use, and is
 * logged, counted ({@code precis_key_refresh_failures_total}) and shown by {@code /health} as
 * degraded until a refresh succeeds again. Blocking (file I/O): run it on a worker.
 */
public final class KeyRefresh {
    /** The {@link Health} check this refresh reports to. */
    public static final String CHECK = "keys";

    private static final Logger LOG = Logger.getLogger(KeyRefresh.class.getName());

    private final Pseudonymiser pseudonyms;
    private final GatewayMetrics metrics;
    private final Health health;
    private final io.precis.gateway.observability.AuditLog audit;
    /** Run after each successful refresh: what must follow the keys (customer lists). */
    private volatile Runnable then = () -> { };

    public KeyRefresh(Pseudonymiser pseudonyms, GatewayMetrics metrics, Health health) {
        this(pseudonyms, metrics, health, null);
    }

    /** As above, recording each rotation it picks up in {@code audit} ({@code keys.rotated}, by admin). */
    public KeyRefresh(Pseudonymiser pseudonyms, GatewayMetrics metrics, Health health,
                      io.precis.gateway.observability.AuditLog audit) {
        this.audit = audit;
        this.pseudonyms = Objects.requireNonNull(pseudonyms, "pseudonyms");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.health = Objects.requireNonNull(health, "health");
    }

    /**
     * Runs {@code after} after each successful refresh (blocking, on the refresh's thread), e.g.
     * deleting what was pseudonymised under a key just destroyed; its failure fails the refresh
     * (counted, shown by {@code /health}, tried again at the next one).
     */
    public KeyRefresh then(Runnable after) {
        this.then = Objects.requireNonNull(after, "after");
        return this;
    }

    /** One refresh; returns whether it succeeded. Never throws. */
    public boolean refresh() {
        if (pseudonyms.keysFromEnvironment()) {
            return true; // one fixed epoch given by the environment: nothing to reload or destroy
        }
        try {
            int before = pseudonyms.currentEpoch();
            pseudonyms.reload();
            int now = pseudonyms.currentEpoch();
            if (now != before && audit != null) {
                audit.record("admin", io.precis.gateway.observability.AuditLog.KEYS_ROTATED, "epoch " + now);
            }
            pseudonyms.destroyExpired();
            then.run();
            health.ok(CHECK);
            return true;
        } catch (RuntimeException e) {
            metrics.keyRefreshFailed();
            health.problem(CHECK, "the last pseudonym key refresh failed; the keys loaded before stay in use");
            // Our messages name the file and what is wrong with it, never its bytes; no stack
            // trace, whose causes (a JSON parser's) may quote the file.
            LOG.severe("pseudonym key refresh failed, keeping the keys loaded before: "
                    + e.getClass().getSimpleName() + ": " + e.getMessage());
            return false;
        }
    }
}
