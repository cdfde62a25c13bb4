package io.precis.gateway.behaviour;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.precis.consent.Purposes;
import io.precis.consent.identity.RawUserId;
import io.precis.gateway.auth.AccountType;
import io.precis.gateway.auth.Authenticator;
import io.precis.gateway.http.ApiError;
import io.precis.gateway.http.JsonBodies;
import io.precis.gateway.http.Routes;
import io.precis.gateway.privacy.PrivacyCore;
import io.precis.gateway.privacy.UserKeys;
import io.precis.matcher.segment.BehaviourEvent;
import io.precis.matcher.segment.SegmentRule;
import io.precis.matcher.segment.SegmentService;
import io.precis.gateway.workers.WorkerPool;
import io.vertx.core.http.HttpMethod;
import java.time.Clock;
import java.util.List;

/**
 * {@code POST /v1/behaviour} (publisher) stores what users did, only with profiling consent, and
 * {@code POST /v1/segments} (admin) defines keyword-driven interest segments.
 */
public final class BehaviourRoutes {
    private final WorkerPool pool;
    private final Authenticator auth;
    private final PrivacyCore privacy;
    private final SegmentService segments;
    private final SegmentRuleStore rules;
    private final Clock clock;

    public BehaviourRoutes(WorkerPool pool, Authenticator auth, PrivacyCore privacy, SegmentService segments,
                           SegmentRuleStore rules, Clock clock) {
        this.pool = pool;
        this.auth = auth;
        this.privacy = privacy;
        this.segments = segments;
        this.rules = rules;
        this.clock = clock;
        rules.all().forEach(segments::define);
    }

    public void register(Routes routes) {
        routes.on(HttpMethod.POST, "/v1/behaviour", ctx -> {
            auth.require(ctx, AccountType.PUBLISHER);
            ObjectNode body = JsonBodies.object(ctx);
            JsonNode user = body.get("user");
            if (user == null || !user.isTextual() || user.textValue().isBlank() || user.textValue().length() > 256) {
                throw ApiError.badField("user", "user is required (a string of at most 256 characters)");
            }
            BehaviourEvent.Batch batch = BehaviourEvent.parseEvents(body.get("events"), clock.instant());
            List<BehaviourEvent> events = batch.events();
            RawUserId id = RawUserId.ofNullable(user.textValue());
            boolean gpc = "1".equals(ctx.request().getHeader("Sec-GPC"));
            boolean dnt = "1".equals(ctx.request().getHeader("DNT"));
            pool.submit(() -> {
                        UserKeys keys = privacy.keysOf(id);
                        Purposes purposes = privacy.effective(keys, null, gpc, dnt);
                        // Without profiling consent, behaviour is dropped before it is stored anywhere.
                        int accepted = purposes.profiling() ? segments.ingest(keys.delivery(), events) : 0;
                        ObjectNode out = JsonBodies.MAPPER.createObjectNode()
                                .put("accepted", accepted).put("dropped", events.size() - accepted);
                        ArrayNode rejected = out.putArray("rejected");
                        batch.rejected().forEach(r -> rejected.addObject()
                                .put("index", r.index()).put("field", r.field()).put("message", r.message()));
                        return out;
                    })
                    .onSuccess(out -> JsonBodies.send(ctx, 202, out))
                    .onFailure(ctx::fail);
        });
        routes.on(HttpMethod.POST, "/v1/segments", ctx -> {
            auth.requireAdmin(ctx);
            SegmentRule rule = SegmentRule.parse(JsonBodies.object(ctx));
            pool.submit(() -> {
                        rules.save(rule);
                        segments.define(rule);
                        return SegmentRuleStore.toJson(rule);
                    })
                    .onSuccess(out -> {
                        ctx.put(io.precis.gateway.observability.AuditLog.CREATED, rule.id());
                        JsonBodies.send(ctx, 201, out);
                    })
                    .onFailure(ctx::fail);
        });
    }
}
