package io.precis.gateway.observability;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.precis.gateway.http.JsonBodies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * {@code <data-dir>/logs/audit.log}: one JSON line per administrative act, written off the event
 * loop ({@link AsyncLines}):
 * {@code {"ts":"…Z","actor":"admin","action":"key.revoked","target":"<account id>"}}. The actor
 * is {@code admin} or the acting account's id ({@code user} for a person acting for themselves);
 * the target is an account, campaign or segment id, or absent. Never personal data: an erasure
 * records that one happened and who asked, not whose data it was. Thread-safe.
 */
public final class AuditLog implements AutoCloseable {
    /** Actions recorded (API.md lists them). */
    public static final String ACCOUNT_CREATED = "account.created";
    public static final String KEY_REISSUED = "key.reissued";
    public static final String KEY_REVOKED = "key.revoked";
    public static final String CAMPAIGN_CREATED = "campaign.created";
    public static final String CAMPAIGN_CHANGED = "campaign.changed";
    public static final String CAMPAIGN_ARCHIVED = "campaign.archived";
    public static final String SEGMENT_RULE_CHANGED = "segment_rule.changed";
    public static final String KEYS_ROTATED = "keys.rotated";
    public static final String ERASURE = "erasure";
    /** Request context keys: who acted (set on authentication), and the id an act created. */
    public static final String ACTOR = "precis.audit.actor";
    public static final String CREATED = "precis.audit.created";
    /** The routes whose 2xx answer is an administrative act. */
    private static final java.util.Map<String, String> ACTS = java.util.Map.of(
            "POST /v1/admin/accounts", ACCOUNT_CREATED,
            "POST /v1/admin/accounts/:id/key", KEY_REISSUED,
            "DELETE /v1/admin/accounts/:id/key", KEY_REVOKED,
            "POST /v1/campaigns", CAMPAIGN_CREATED,
            "PUT /v1/campaigns/:id", CAMPAIGN_CHANGED,
            "DELETE /v1/campaigns/:id", CAMPAIGN_ARCHIVED,
            "POST /v1/segments", SEGMENT_RULE_CHANGED,
            "DELETE /v1/me", ERASURE);
    /** Administrative acts are few; a full queue means the disk is stuck. */
    private static final int QUEUE = 4_096;

    private final AsyncLines lines;

    private AuditLog(AsyncLines lines) {
        this.lines = lines;
    }

    /** Opens (appending) {@code logsDir/audit.log}. */
    public static AuditLog open(Path logsDir) {
        try {
            return new AuditLog(new AsyncLines(logsDir, "audit.log", QUEUE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the audit log under " + logsDir, e);
        }
    }

    /** Queues one act; {@code target} may be null. Never blocks. */
    public void record(String actor, String action, String target) {
        Instant at = Instant.now();
        lines.offer(() -> {
            ObjectNode o = JsonBodies.MAPPER.createObjectNode();
            o.put("ts", at.toString()).put("actor", actor).put("action", action);
            if (target != null) {
                o.put("target", target);
            }
            return o.toString();
        });
    }

    /**
     * Records the act a finished request was, if it was one: a 2xx on one of the routes above.
     * The target is the route's {@code :id}, or the id the act {@code created}; an erasure has
     * none. {@code actor} null means a person acting for themselves (by their cookie).
     */
    public void request(String method, String route, int status, String actor, String pathId, String created) {
        String action = status >= 200 && status < 300 ? ACTS.get(method + " " + route) : null;
        if (action == null) {
            return;
        }
        String target = ERASURE.equals(action) ? null : route.contains("/:id") ? pathId : created;
        record(actor == null ? "user" : actor, action, target);
    }

    /** Acts dropped because the writer fell behind (counted, and a warning at each scrape). */
    public long dropped() {
        return lines.dropped();
    }

    @Override
    public void close() {
        lines.close();
    }
}
