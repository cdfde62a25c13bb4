package io.precis.gateway.campaigns;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.precis.gateway.auth.Account;
import io.precis.gateway.auth.AccountType;
import io.precis.gateway.auth.Authenticator;
import io.precis.gateway.http.JsonBodies;
import io.precis.gateway.http.Routes;
import io.precis.matcher.campaign.Campaign;
import io.precis.gateway.ad.AdRequestParser;
import io.precis.gateway.http.Fields;
import io.precis.matcher.campaign.CampaignJson;
import io.precis.matcher.campaign.Targeting;
import io.precis.matcher.match.ContextualPreview;
import io.precis.matcher.match.PageContext;
import io.precis.gateway.workers.WorkerPool;
import io.vertx.core.http.HttpMethod;

/** {@code /v1/campaigns[/{id}]}: an advertiser manages its own campaigns, and only those. */
public final class CampaignRoutes {
    private final WorkerPool pool;
    private final CampaignService campaigns;
    private final Authenticator auth;

    public CampaignRoutes(WorkerPool pool, CampaignService campaigns, Authenticator auth) {
        this.pool = pool;
        this.campaigns = campaigns;
        this.auth = auth;
    }

    public void register(Routes routes) {
        routes.on(HttpMethod.POST, "/v1/campaigns", ctx -> {
            Account a = auth.require(ctx, AccountType.ADVERTISER);
            ObjectNode body = JsonBodies.object(ctx);
            pool.submit(() -> campaigns.create(a.id(), body))
                    .onSuccess(c -> {
                        ctx.put(io.precis.gateway.observability.AuditLog.CREATED, c.id());
                        JsonBodies.send(ctx, 201, CampaignJson.toJson(c));
                    })
                    .onFailure(ctx::fail);
        });
        // Would this targeting match this page? The advertiser's saved campaign ({"campaign": id})
        // or unsaved targeting ({"targeting": {...}}), and a page as an ad request gives it.
        routes.on(HttpMethod.POST, "/v1/campaigns/preview", ctx -> {
            Account a = auth.require(ctx, AccountType.ADVERTISER);
            ObjectNode body = JsonBodies.object(ctx);
            String id = Fields.text(body, "campaign", "campaign", 128);
            Targeting targeting = id != null ? campaigns.owned(a.id(), id).targeting() : CampaignJson.targetingOf(body);
            PageContext page = AdRequestParser.page(Fields.object(body, "page", "page"));
            pool.submit(() -> ContextualPreview.of(targeting, page, campaigns.analysis()))
                    .onSuccess(p -> JsonBodies.send(ctx, 200, JsonBodies.MAPPER.valueToTree(p)))
                    .onFailure(ctx::fail);
        });
        routes.on(HttpMethod.GET, "/v1/campaigns", ctx -> {
            Account a = auth.require(ctx, AccountType.ADVERTISER);
            ArrayNode list = JsonBodies.MAPPER.createArrayNode();
            campaigns.ownedBy(a.id()).forEach(c -> list.add(CampaignJson.toJson(c)));
            ObjectNode out = JsonBodies.MAPPER.createObjectNode();
            out.set("campaigns", list);
            JsonBodies.send(ctx, 200, out);
        });
        routes.on(HttpMethod.GET, "/v1/campaigns/:id", ctx -> {
            Account a = auth.require(ctx, AccountType.ADVERTISER);
            Campaign c = campaigns.owned(a.id(), ctx.pathParam("id"));
            JsonBodies.send(ctx, 200, CampaignJson.toJson(c));
        });
        routes.on(HttpMethod.PUT, "/v1/campaigns/:id", ctx -> {
            Account a = auth.require(ctx, AccountType.ADVERTISER);
            String id = ctx.pathParam("id");
            campaigns.owned(a.id(), id);
            ObjectNode body = JsonBodies.object(ctx);
            pool.submit(() -> campaigns.replace(a.id(), id, body))
                    .onSuccess(c -> JsonBodies.send(ctx, 200, CampaignJson.toJson(c)))
                    .onFailure(ctx::fail);
        });
        routes.on(HttpMethod.DELETE, "/v1/campaigns/:id", ctx -> {
            Account a = auth.require(ctx, AccountType.ADVERTISER);
            String id = ctx.pathParam("id");
            pool.submit(() -> campaigns.archive(a.id(), id))
                    .onSuccess(c -> JsonBodies.send(ctx, 200, CampaignJson.toJson(c)))
                    .onFailure(ctx::fail);
        });
    }
}
