package io.precis.gateway.reporting;

import io.precis.gateway.auth.Account;
import io.precis.gateway.auth.AccountType;
import io.precis.gateway.auth.Authenticator;
import io.precis.gateway.http.ApiError;
import io.precis.gateway.http.JsonBodies;
import io.precis.gateway.http.Routes;
import io.precis.reports.event.ReportCsv;
import io.precis.reports.event.ReportJson;
import io.precis.reports.event.EventStore;
import io.precis.reports.event.ReportQuery;
import io.precis.gateway.workers.WorkerPool;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;

/** {@code GET /v1/reports}: an advertiser's own ROI report, as JSON or CSV. */
public final class ReportRoutes {
    private final WorkerPool pool;
    private final EventStore events;
    private final Authenticator auth;
    private final Clock clock;

    public ReportRoutes(WorkerPool pool, EventStore events, Authenticator auth, Clock clock) {
        this.pool = pool;
        this.events = events;
        this.auth = auth;
        this.clock = clock;
    }

    public void register(Routes routes) {
        routes.on(HttpMethod.GET, "/v1/reports", ctx -> {
            Account a = auth.require(ctx, AccountType.ADVERTISER);
            ReportQuery q = ReportQuery.parse(a.id(), ctx.request()::getParam, clock);
            boolean csv = wantsCsv(ctx);
            pool.submit(() -> events.report(q))
                    .onSuccess(report -> {
                        ctx.response().putHeader("Cache-Control", "no-store");
                        if (csv) {
                            ctx.response().putHeader("Content-Type", "text/csv; charset=utf-8")
                                    .end(ReportCsv.toCsv(report));
                        } else {
                            JsonBodies.send(ctx, 200, ReportJson.toJson(report));
                        }
                    })
                    .onFailure(ctx::fail);
        });
        // Why clicks were judged invalid, per campaign and reason, over the same from/to as reports.
        routes.on(HttpMethod.GET, "/v1/reports/invalid-clicks", ctx -> {
            Account a = auth.require(ctx, AccountType.ADVERTISER);
            ReportQuery q = ReportQuery.parse(a.id(), ctx.request()::getParam, clock);
            pool.submit(() -> events.invalidClickReasons(a.id(), q.from(), q.to()))
                    .onSuccess(rows -> {
                        var out = JsonBodies.MAPPER.createObjectNode()
                                .put("from", q.from().toString()).put("to", q.to().toString());
                        var list = out.putArray("rows");
                        rows.forEach(r -> list.addObject().put("campaign", r.campaignId()).put("reason", r.reason())
                                .put("clicks", r.clicks()));
                        ctx.response().putHeader("Cache-Control", "no-store");
                        JsonBodies.send(ctx, 200, out);
                    })
                    .onFailure(ctx::fail);
        });
    }

    /** {@code ?format=csv|json} (any case) decides; without it, the Accept header. */
    private static boolean wantsCsv(RoutingContext ctx) {
        String format = ctx.request().getParam("format");
        if (format != null) {
            if (!format.equalsIgnoreCase("csv") && !format.equalsIgnoreCase("json")) {
                throw ApiError.badField("format", "format must be csv or json");
            }
            return format.equalsIgnoreCase("csv");
        }
        String accept = ctx.request().getHeader("Accept");
        return accept != null && accept.contains("text/csv");
    }
}
