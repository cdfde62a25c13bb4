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
import io.precis.matcher.segment.Place;
import io.precis.matcher.segment.PlaceDirectory;
import io.precis.matcher.segment.PlaceVisits;
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
    private final PlaceDirectory places;
    private final ProfileSink profiles;
    private final SharedTriggers triggers;
    private static final System.Logger LOG = System.getLogger(BehaviourRoutes.class.getName());

    /**
     * @param places the registered places an event's location is matched against
     * @param profiles told of each person's behaviour after it is stored
     * @param triggers where the triggers that fired go for the other instances, before the answer
     */
    public BehaviourRoutes(WorkerPool pool, Authenticator auth, PrivacyCore privacy, SegmentService segments,
                           SegmentRuleStore rules, PlaceDirectory places, ProfileSink profiles, SharedTriggers triggers,
                           Clock clock) {
        this.triggers = triggers;
        this.places = places;
        this.profiles = profiles;
        this.pool = pool;
        this.auth = auth;
        this.privacy = privacy;
        this.segments = segments;
        this.rules = rules;
        this.clock = clock;
        rules.all().forEach(segments::define);
    }

    /**
     * Records the triggers that fired for the person (with profiling: their behaviour was just
     * accepted) where every instance reads them, before the behaviour is acknowledged, so the
     * very next ad request fires them whichever instance answers it; kept until the last lapses.
     */
    private void share(UserKeys keys) {
        if (!triggers.shared() || !segments.hasTriggers()) {
            return;
        }
        java.util.Map<String, java.time.Instant> fired = segments.firedTriggers(keys.delivery());
        if (fired.isEmpty()) {
            return;
        }
        long now = clock.millis();
        long last = fired.values().stream().mapToLong(java.time.Instant::toEpochMilli).max().orElse(now);
        try {
            triggers.fired(keys.current(), fired, java.time.Duration.ofMillis(Math.max(1, last - now)));
        } catch (io.precis.gateway.storage.StoreUnavailableException e) {
            // The behaviour is stored (a 503 would have it sent and stored twice): the other
            // instances see the trigger when their cache of the person next refreshes.
            LOG.log(System.Logger.Level.WARNING, "a fired trigger was not shared: " + e.getClass().getSimpleName());
        }
    }

    /** The visits the located events of {@code batch} made to registered places. */
    private List<BehaviourEvent> visits(BehaviourEvent.Batch batch) {
        List<BehaviourEvent> out = new java.util.ArrayList<>();
        for (int i = 0; i < batch.events().size(); i++) {
            BehaviourEvent.Location at = batch.locations().get(i);
            if (at != null) {
                for (Place p : places.containing(at.lat(), at.lon())) {
                    out.add(PlaceVisits.visit(p, batch.events().get(i).ts()));
                }
            }
        }
        return out;
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
                        int accepted = 0;
                        if (purposes.profiling()) {
                            // A location becomes a visit-day to each place it is in, then is gone:
                            // only the places' ids, by day, are kept (never the trajectory). The
                            // events and their visits are stored in one append.
                            List<BehaviourEvent> visits = purposes.preciseGeo() ? visits(batch) : List.of();
                            List<BehaviourEvent> all = visits.isEmpty() ? events
                                    : java.util.stream.Stream.concat(events.stream(), visits.stream()).toList();
                            List<BehaviourEvent> stored = segments.ingestAccepted(keys.delivery(), all,
                                    profiles.of(keys, purposes));
                            accepted = (int) stored.stream().filter(e -> e.type() != BehaviourEvent.Type.VISIT).count();
                            if (!stored.isEmpty()) {
                                share(keys);
                            }
                        }
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
