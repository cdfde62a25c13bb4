package io.precis.gateway.contact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.precis.gateway.auth.Account;
import io.precis.gateway.auth.AccountType;
import io.precis.gateway.auth.Authenticator;
import io.precis.gateway.campaigns.CampaignService;
import io.precis.gateway.http.ApiError;
import io.precis.gateway.http.JsonBodies;
import io.precis.gateway.http.Routes;
import io.precis.gateway.workers.WorkerPool;
import io.precis.matcher.campaign.Campaign;
import io.precis.reports.event.ReportQuery;
import io.vertx.core.http.HttpMethod;
import java.time.Clock;
import java.util.List;

/**
 * An advertiser's own contact policy ({@code GET}/{@code PUT /v1/contact-policy}) and what stop
 * after conversion and the contact policy held back of its campaigns
 * ({@code GET /v1/reports/contact}).
 */
public final class ContactRoutes {
    private final WorkerPool pool;
    private final ContactPolicy policy;
    private final CampaignService campaigns;
    private final Authenticator auth;
    private final Clock clock;

    public ContactRoutes(WorkerPool pool, ContactPolicy policy, CampaignService campaigns, Authenticator auth,
                         Clock clock) {
        this.pool = pool;
        this.policy = policy;
        this.campaigns = campaigns;
        this.auth = auth;
        this.clock = clock;
    }

    public void register(Routes routes) {
        routes.on(HttpMethod.GET, "/v1/contact-policy", ctx -> {
            Account a = auth.require(ctx, AccountType.ADVERTISER);
            JsonBodies.send(ctx, 200, describe(a.id()));
        });
        routes.on(HttpMethod.PUT, "/v1/contact-policy", ctx -> {
            Account a = auth.require(ctx, AccountType.ADVERTISER);
            Integer perDay = perDay(JsonBodies.object(ctx));
            pool.submit(() -> {
                policy.setLimit(a.id(), perDay);
                return describe(a.id());
            }).onSuccess(body -> JsonBodies.send(ctx, 200, body)).onFailure(ctx::fail);
        });
        routes.on(HttpMethod.GET, "/v1/reports/contact", ctx -> {
            Account a = auth.require(ctx, AccountType.ADVERTISER);
            // Counted by the days of the contact zone: "today" is today there (Asia/Shanghai's
            // starts at 16:00 UTC), or the default range missed the day's counts until midnight UTC.
            ReportQuery q = ReportQuery.parse(a.id(), ctx.request()::getParam, clock, policy.settings().zone());
            List<Campaign> own = campaigns.ownedBy(a.id());
            pool.submit(() -> policy.effects(own.stream().map(Campaign::id).toList(), q.from(), q.to()))
                    .onSuccess(effects -> {
                        ObjectNode out = JsonBodies.MAPPER.createObjectNode()
                                .put("from", q.from().toString()).put("to", q.to().toString());
                        var rows = out.putArray("rows");
                        for (Campaign c : own) {
                            long[] n = effects.getOrDefault(c.id(), new long[2]);
                            rows.addObject().put("campaign", c.id()).put("adsNotShown", n[0]).put("adsSuppressed", n[1]);
                        }
                        ctx.response().putHeader("Cache-Control", "no-store");
                        JsonBodies.send(ctx, 200, out);
                    })
                    .onFailure(ctx::fail);
        });
    }

    /** {@code perDay}: a whole number 1..{@link ContactSettings#MAX_PER_DAY}, or null to remove the policy. */
    private static Integer perDay(ObjectNode body) {
        if (!body.has("perDay")) {
            throw ApiError.badField("perDay", "perDay is required: ads a day per person, or null for none");
        }
        JsonNode n = body.get("perDay");
        if (n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < 1
                || n.intValue() > ContactSettings.MAX_PER_DAY) {
            throw ApiError.badField("perDay", "perDay must be a whole number between 1 and "
                    + ContactSettings.MAX_PER_DAY + ", or null");
        }
        return n.intValue();
    }

    private ObjectNode describe(String advertiserId) {
        ObjectNode out = JsonBodies.MAPPER.createObjectNode();
        int own = policy.limitOf(advertiserId);
        if (own > 0) {
            out.put("perDay", own);
        } else {
            out.putNull("perDay");
        }
        int all = policy.settings().perDay();
        if (all > 0) {
            out.put("gatewayPerDay", all);
        } else {
            out.putNull("gatewayPerDay");
        }
        out.put("suppressionDays", policy.settings().suppression().toDays());
        out.put("timezone", policy.settings().zone().getId());
        return out;
    }
}
