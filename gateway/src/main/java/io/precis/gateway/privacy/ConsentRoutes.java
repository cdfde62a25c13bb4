package io.precis.gateway.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.precis.consent.ConsentState;
import io.precis.consent.PurposeKeys;
import io.precis.consent.identity.RawUserId;
import io.precis.gateway.http.ApiError;
import io.precis.gateway.http.JsonBodies;
import io.precis.gateway.http.Routes;
import io.precis.gateway.workers.WorkerPool;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The person's side of API.md: {@code /v1/consent} (state, change, history, signing key) and
 * {@code /v1/me} (export, erasure). Consent and data stores block, so every call runs on a worker.
 */
public final class ConsentRoutes {
    private final WorkerPool pool;
    private final PrivacyCore privacy;
    private final UserRef users;
    private final ErasureStore erasures;
    private final List<PersonalData> data;
    private final Clock clock;
    private java.util.function.Consumer<UserKeys> profilingWithdrawn = keys -> { };

    public ConsentRoutes(WorkerPool pool, PrivacyCore privacy, UserRef users, ErasureStore erasures,
                         List<PersonalData> data, Clock clock) {
        this.pool = pool;
        this.privacy = privacy;
        this.users = users;
        this.erasures = erasures;
        this.data = List.copyOf(data);
        this.clock = clock;
    }

    /**
     * Tells {@code then} of each person whose stored choice no longer grants profiling after a
     * change they made here (the lookalikes delete their interest profile at once).
     */
    public ConsentRoutes onProfilingWithdrawn(java.util.function.Consumer<UserKeys> then) {
        this.profilingWithdrawn = then;
        return this;
    }

    public void register(Routes routes) {
        routes.on(HttpMethod.GET, "/v1/consent/key", ctx ->
                JsonBodies.send(ctx, 200, JsonBodies.MAPPER.valueToTree(privacy.consent().publicJwk())));
        routes.on(HttpMethod.GET, "/v1/consent", ctx -> {
            RawUserId id = users.of(ctx);
            blocking(ctx, 200, () -> state(privacy.stored(privacy.keysOf(id))));
        });
        routes.on(HttpMethod.PUT, "/v1/consent", ctx -> {
            RawUserId id = users.of(ctx);
            Map<String, Boolean> change = purposesOf(JsonBodies.object(ctx));
            blocking(ctx, 200, () -> {
                UserKeys keys = privacy.keysOf(id);
                ConsentState s = privacy.update(keys, change, "user");
                if (!s.purposes().profiling()) {
                    profilingWithdrawn.accept(keys);
                }
                return state(s);
            });
        });
        routes.on(HttpMethod.GET, "/v1/consent/history", ctx -> {
            RawUserId id = users.of(ctx);
            blocking(ctx, 200, () -> history(privacy.keysOf(id)));
        });
        routes.on(HttpMethod.GET, "/v1/me", ctx -> {
            RawUserId id = users.of(ctx);
            blocking(ctx, 200, () -> export(privacy.keysOf(id)));
        });
        routes.on(HttpMethod.DELETE, "/v1/me", ctx -> {
            RawUserId id = users.of(ctx);
            pool.submit(() -> {
                        erase(privacy.keysOf(id));
                        return true;
                    })
                    .onSuccess(v -> ctx.response().setStatusCode(204).end())
                    .onFailure(ctx::fail);
        });
    }

    private void blocking(RoutingContext ctx, int status, Callable<JsonNode> work) {
        pool.submit(work)
                .onSuccess(body -> {
                    ctx.response().putHeader("Cache-Control", "no-store");
                    JsonBodies.send(ctx, status, body);
                })
                .onFailure(ctx::fail);
    }

    /** The {@code purposes} object of a PUT body: known purposes with boolean values only. */
    static Map<String, Boolean> purposesOf(ObjectNode body) {
        JsonNode purposes = body.get("purposes");
        if (purposes == null || !purposes.isObject()) {
            throw ApiError.badField("purposes", "purposes is required: an object of purpose names to true/false");
        }
        Map<String, Boolean> change = new LinkedHashMap<>();
        var fields = purposes.fields();
        while (fields.hasNext()) {
            var e = fields.next();
            String field = "purposes." + e.getKey();
            if (!PurposeKeys.ALL.contains(e.getKey())) {
                throw ApiError.badField(field, "unknown purpose; known: " + String.join(", ", PurposeKeys.ALL));
            }
            if (!e.getValue().isBoolean()) {
                throw ApiError.badField(field, field + " must be true or false");
            }
            change.put(e.getKey(), e.getValue().booleanValue());
        }
        return change;
    }

    static ObjectNode state(ConsentState s) {
        ObjectNode o = JsonBodies.MAPPER.createObjectNode();
        ObjectNode p = o.putObject("purposes");
        PurposeKeys.toMap(s.purposes()).forEach(p::put);
        o.put("source", s.source());
        o.put("updatedAt", s.updatedAt() == null ? null : s.updatedAt().toString());
        o.put("receipt", s.receipt());
        return o;
    }

    private ObjectNode history(UserKeys user) {
        ObjectNode out = JsonBodies.MAPPER.createObjectNode();
        ArrayNode list = out.putArray("history");
        privacy.history(user).forEach(s -> list.add(state(s)));
        return out;
    }

    private ObjectNode export(UserKeys user) {
        Optional<Instant> erasedAt = erasures.latest(user.delivery());
        ConsentState consent = privacy.stored(user);
        ObjectNode out = JsonBodies.MAPPER.createObjectNode();
        boolean changedSince = consent.updatedAt() != null && erasedAt.isPresent()
                && consent.updatedAt().isAfter(erasedAt.get());
        out.put("erased", erasedAt.isPresent());
        erasedAt.ifPresent(at -> out.put("erasedAt", at.toString()));
        Map<String, JsonNode> sections = new LinkedHashMap<>();
        boolean anyData = false;
        for (PersonalData d : data) {
            JsonNode section = d.export(user);
            anyData |= section.size() > 0;
            sections.put(d.section(), section);
        }
        if (erasedAt.isPresent() && !changedSince && !anyData) {
            return out; // nothing but the erasure
        }
        out.set("consent", state(consent));
        out.set("consentHistory", history(user).get("history"));
        sections.forEach(out::set);
        return out;
    }

    private void erase(UserKeys user) {
        for (PersonalData d : data) {
            d.erase(user);
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        // Erasure withdraws every purpose too; the signed receipt records that it happened.
        Map<String, Boolean> none = new LinkedHashMap<>();
        PurposeKeys.ALL.forEach(k -> none.put(k, false));
        privacy.update(user, none, "user");
        erasures.record(user.current(), now);
        // Other gateways on the same PostgreSQL forget what they hold of the person in memory.
        erasures.tellOthers(user, now);
    }
}
