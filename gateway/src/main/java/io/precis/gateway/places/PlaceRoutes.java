package io.precis.gateway.places;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.precis.consent.crypto.Randoms;
import io.precis.gateway.auth.Account;
import io.precis.gateway.auth.AccountType;
import io.precis.gateway.auth.Authenticator;
import io.precis.gateway.http.ApiError;
import io.precis.gateway.http.Fields;
import io.precis.gateway.http.JsonBodies;
import io.precis.gateway.http.Routes;
import io.precis.gateway.workers.WorkerPool;
import io.precis.matcher.segment.Place;
import io.precis.matcher.segment.SegmentService;
import io.vertx.core.http.HttpMethod;

/**
 * {@code /v1/places}: an advertiser's places (a mall, a store), whose visitors become segments
 * ({@code place:<id>:regular}, {@code :occasional}, {@code :never},
 * {@code category:<category>:frequent}) that its campaigns can target.
 */
public final class PlaceRoutes {
    private final WorkerPool pool;
    private final PlaceStore places;
    private final SegmentService segments;
    private final Authenticator auth;

    public PlaceRoutes(WorkerPool pool, PlaceStore places, SegmentService segments, Authenticator auth) {
        this.pool = pool;
        this.places = places;
        this.segments = segments;
        this.auth = auth;
    }

    public void register(Routes routes) {
        routes.on(HttpMethod.POST, "/v1/places", ctx -> {
            Account a = auth.require(ctx, AccountType.ADVERTISER);
            ObjectNode body = JsonBodies.object(ctx);
            Double lat = Fields.number(body, "latitude", "latitude", -90, 90);
            Double lon = Fields.number(body, "longitude", "longitude", -180, 180);
            Integer radius = Fields.integer(body, "radius", "radius", Place.MIN_RADIUS_M, Place.MAX_RADIUS_M);
            if (lat == null || lon == null || radius == null) {
                throw ApiError.badRequest("latitude, longitude and radius (metres) are required");
            }
            Place place = new Place("pl_" + Randoms.token(12), a.id(), Fields.text(body, "name", "name", 200),
                    Fields.text(body, "category", "category", 100), lat, lon, radius);
            pool.submit(() -> {
                        places.create(place);
                        segments.placesChanged();
                        return place;
                    })
                    .onSuccess(p -> {
                        ctx.put(io.precis.gateway.observability.AuditLog.CREATED, p.id());
                        JsonBodies.send(ctx, 201, json(p));
                    })
                    .onFailure(ctx::fail);
        });
        routes.on(HttpMethod.GET, "/v1/places", ctx -> {
            Account a = auth.require(ctx, AccountType.ADVERTISER);
            ArrayNode list = JsonBodies.MAPPER.createArrayNode();
            places.directory().of(a.id()).forEach(p -> list.add(json(p)));
            ObjectNode out = JsonBodies.MAPPER.createObjectNode();
            out.set("places", list);
            JsonBodies.send(ctx, 200, out);
        });
        routes.on(HttpMethod.DELETE, "/v1/places/:id", ctx -> {
            Account a = auth.require(ctx, AccountType.ADVERTISER);
            String id = ctx.pathParam("id");
            pool.submit(() -> {
                        if (!places.delete(a.id(), id)) {
                            throw ApiError.notFound("place");
                        }
                        segments.placesChanged();
                        return null;
                    })
                    .onSuccess(v -> ctx.response().setStatusCode(204).end())
                    .onFailure(ctx::fail);
        });
    }

    /** A place as the API shows it, with the segments it makes. */
    static ObjectNode json(Place p) {
        ObjectNode o = JsonBodies.MAPPER.createObjectNode();
        o.put("id", p.id());
        o.put("name", p.name());
        o.put("category", p.category());
        o.put("latitude", p.lat());
        o.put("longitude", p.lon());
        o.put("radius", p.radiusMeters());
        ArrayNode seg = o.putArray("segments");
        seg.add("place:" + p.id() + ":regular");
        seg.add("place:" + p.id() + ":occasional");
        seg.add("place:" + p.id() + ":never");
        seg.add("category:" + p.category() + ":frequent");
        return o;
    }
}
