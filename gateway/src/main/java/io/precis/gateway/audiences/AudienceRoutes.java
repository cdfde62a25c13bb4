package io.precis.gateway.audiences;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.precis.gateway.auth.Account;
import io.precis.gateway.auth.AccountType;
import io.precis.gateway.auth.Authenticator;
import io.precis.gateway.http.ApiError;
import io.precis.gateway.http.JsonBodies;
import io.precis.gateway.http.Routes;
import io.precis.gateway.workers.WorkerPool;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /v1/audiences[/{id}[/members]]}: an advertiser's customer lists. Members are uploaded
 * in batches and handled on a worker (parse, pseudonymise, store); no answer carries an id of a
 * member, only the list's size rounded down to the privacy k. {@code POST /v1/audiences/lookalike}
 * and {@code POST /v1/audiences/{id}/rebuild}: lookalikes, built on a worker, shown the same way.
 */
public final class AudienceRoutes {
    /**
     * The body limit of a members upload: 100k ids of up to 256 characters (as an ad request's
     * user id) with quotes and separators is 26 MB. Other routes keep the gateway's own limit.
     */
    public static final long MEMBERS_BODY_LIMIT = 32L * 1024 * 1024;
    /** The route whose body limit is {@link #MEMBERS_BODY_LIMIT}. */
    public static final String MEMBERS_ROUTE = "/v1/audiences/:id/members";

    private final WorkerPool pool;
    private final AudienceService audiences;
    private final Authenticator auth;
    private final LookalikeService lookalikes;

    public AudienceRoutes(WorkerPool pool, AudienceService audiences, LookalikeService lookalikes, Authenticator auth) {
        this.pool = pool;
        this.audiences = audiences;
        this.lookalikes = lookalikes;
        this.auth = auth;
    }

    public void register(Routes routes) {
        routes.on(HttpMethod.POST, "/v1/audiences", ctx -> {
            Account a = auth.require(ctx, AccountType.ADVERTISER);
            String name = name(JsonBodies.object(ctx));
            pool.submit(() -> audiences.create(a.id(), name))
                    .onSuccess(created -> {
                        ctx.put(io.precis.gateway.observability.AuditLog.CREATED, created.id());
                        JsonBodies.send(ctx, 201, view(created));
                    })
                    .onFailure(ctx::fail);
        });
        routes.on(HttpMethod.POST, "/v1/audiences/lookalike", ctx -> {
            Account a = auth.require(ctx, AccountType.ADVERTISER);
            ObjectNode body = JsonBodies.object(ctx);
            String name = name(body);
            LookalikeStore.Seed seed = seed(body.get("seed"));
            int size = size(body.get("size"));
            pool.submit(() -> view(lookalikes.create(a.id(), name, seed, size)))
                    .onSuccess(out -> {
                        ctx.put(io.precis.gateway.observability.AuditLog.CREATED, out.get("id").textValue());
                        JsonBodies.send(ctx, 201, out);
                    })
                    .onFailure(ctx::fail);
        });
        routes.on(HttpMethod.POST, "/v1/audiences/:id/rebuild", ctx -> {
            Account a = auth.require(ctx, AccountType.ADVERTISER);
            String id = ctx.pathParam("id");
            pool.submit(() -> view(lookalikes.rebuild(a.id(), id)))
                    .onSuccess(out -> JsonBodies.send(ctx, 200, out)).onFailure(ctx::fail);
        });
        routes.on(HttpMethod.GET, "/v1/audiences", ctx -> {
            Account a = auth.require(ctx, AccountType.ADVERTISER);
            ArrayNode list = JsonBodies.MAPPER.createArrayNode();
            audiences.ownedBy(a.id()).forEach(x -> list.add(view(x)));
            ObjectNode out = JsonBodies.MAPPER.createObjectNode();
            out.set("audiences", list);
            JsonBodies.send(ctx, 200, out);
        });
        routes.on(HttpMethod.GET, "/v1/audiences/:id", ctx -> {
            Account a = auth.require(ctx, AccountType.ADVERTISER);
            JsonBodies.send(ctx, 200, view(audiences.owned(a.id(), ctx.pathParam("id"))));
        });
        routes.on(HttpMethod.DELETE, "/v1/audiences/:id", ctx -> {
            Account a = auth.require(ctx, AccountType.ADVERTISER);
            String id = ctx.pathParam("id");
            audiences.owned(a.id(), id);
            pool.submit(() -> {
                audiences.delete(a.id(), id);
                return null;
            }).onSuccess(x -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
        });
        routes.on(HttpMethod.PUT, MEMBERS_ROUTE, ctx -> upload(ctx, mode(ctx.queryParams().get("mode"))));
        routes.on(HttpMethod.DELETE, MEMBERS_ROUTE, ctx -> upload(ctx, AudienceService.Mode.REMOVE));
    }

    /** Parses, pseudonymises and stores one batch on a worker; the event loop only hands it over. */
    private void upload(RoutingContext ctx, AudienceService.Mode mode) {
        Account a = auth.require(ctx, AccountType.ADVERTISER);
        String id = ctx.pathParam("id");
        audiences.owned(a.id(), id);
        String type = ctx.request().getHeader("Content-Type");
        byte[] body = ctx.body() == null || ctx.body().buffer() == null ? null : ctx.body().buffer().getBytes();
        pool.submit(() -> {
            var ids = AudienceIds.parse(type, body);
            var audience = audiences.upload(a.id(), id, ids, mode);
            return view(audience).put("received", ids.size());
        }).onSuccess(out -> JsonBodies.send(ctx, 200, out)).onFailure(ctx::fail);
    }

    private static AudienceService.Mode mode(String value) {
        if (value == null || value.equals("add")) {
            return AudienceService.Mode.ADD;
        }
        return switch (value) {
            case "replace" -> AudienceService.Mode.REPLACE;
            case "remove" -> AudienceService.Mode.REMOVE;
            default -> throw ApiError.badField("mode", "mode must be add, replace or remove");
        };
    }

    private ObjectNode view(AudienceStore.Audience a) {
        ObjectNode o = JsonBodies.MAPPER.createObjectNode();
        o.put("id", a.id()).put("name", a.name()).put("kind", a.kind()).put("createdAt", a.createdAt().toString())
                .put("size", audiences.roundedSize(a.id())).put("sizeRoundedTo", audiences.k());
        if (!a.lookalike()) {
            AudienceService.KeyState keys = audiences.keyState(a.id());
            o.put("stale", keys.stale());
            o.put("reuploadBy", keys.reuploadBy() == null ? null : keys.reuploadBy().toString());
        }
        lookalikes.spec(a.id()).ifPresent(spec -> {
            ObjectNode l = o.putObject("lookalike");
            l.putObject("seed").put(spec.seed().kind(), spec.seed().ref());
            l.put("requestedSize", spec.size());
            l.put("builtAt", spec.builtAt() == null ? null : spec.builtAt().toString());
        });
        return o;
    }

    /** {@code {"segment": s}}, {@code {"audience": id}} or {@code {"campaign": id}}: exactly one. */
    private static LookalikeStore.Seed seed(JsonNode seed) {
        String message = "seed is required: {\"segment\": name}, {\"audience\": id} or {\"campaign\": id}";
        if (seed == null || !seed.isObject() || seed.size() != 1) {
            throw ApiError.badField("seed", message);
        }
        var field = seed.fields().next();
        String kind = field.getKey();
        if (!kind.equals(LookalikeStore.Seed.SEGMENT) && !kind.equals(LookalikeStore.Seed.AUDIENCE)
                && !kind.equals(LookalikeStore.Seed.CAMPAIGN)) {
            throw ApiError.badField("seed", message);
        }
        JsonNode ref = field.getValue();
        if (!ref.isTextual() || ref.textValue().isBlank() || ref.textValue().length() > 200) {
            throw ApiError.badField("seed." + kind, "seed." + kind + " must be a non-empty string of at most 200 characters");
        }
        return new LookalikeStore.Seed(kind, ref.textValue().strip());
    }

    private static int size(JsonNode size) {
        if (size == null || !size.canConvertToInt() || !size.isIntegralNumber()
                || size.intValue() < 1 || size.intValue() > io.precis.matcher.lookalike.Lookalikes.MAX_SIZE) {
            throw ApiError.badField("size", "size is required: the number of people, 1 to "
                    + io.precis.matcher.lookalike.Lookalikes.MAX_SIZE);
        }
        return size.intValue();
    }

    private static String name(ObjectNode body) {
        JsonNode name = body.get("name");
        if (name == null || !name.isTextual() || name.textValue().isBlank()) {
            throw ApiError.badField("name", "name is required (a non-empty string)");
        }
        if (name.textValue().length() > 200) {
            throw ApiError.badField("name", "name must be at most 200 characters");
        }
        return name.textValue().strip();
    }
}
