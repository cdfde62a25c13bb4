package io.precis.gateway.ad;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.precis.gateway.auth.Account;
import io.precis.gateway.auth.AccountType;
import io.precis.gateway.auth.Authenticator;
import io.precis.gateway.http.ApiError;
import io.precis.gateway.http.Fields;
import io.precis.gateway.http.JsonBodies;
import io.precis.gateway.http.Routes;
import io.precis.gateway.workers.WorkerPool;
import io.precis.matcher.campaign.ContactRules;
import io.precis.matcher.match.AdFilter;
import io.opentelemetry.context.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.util.List;

/**
 * {@code POST /v1/decide}: the best offer for one person on another channel (email, SMS, app
 * push, call centre, store), as data, from the same engine as {@code /v1/ad}: the same
 * targeting, consent and auction, counted against the same contact policy and stop after
 * conversion, among the campaigns that declare the channel. A publisher key decides among every
 * advertiser's campaigns, an advertiser key among its own.
 */
public final class DecideRoutes {
    private final AdRoutes ads;
    private final WorkerPool pool;
    private final Authenticator auth;

    public DecideRoutes(AdRoutes ads, WorkerPool pool, Authenticator auth) {
        this.ads = ads;
        this.pool = pool;
        this.auth = auth;
    }

    public void register(Routes routes) {
        routes.on(HttpMethod.POST, "/v1/decide", ctx -> {
            Account account = auth.requireOneOf(ctx, AccountType.PUBLISHER, AccountType.ADVERTISER);
            Buffer body = JsonBodies.body(ctx);
            AdRoutes.Signals signals = new AdRoutes.Signals("1".equals(ctx.request().getHeader("Sec-GPC")),
                    "1".equals(ctx.request().getHeader("DNT")));
            Context span = Context.current();
            // As /v1/ad: the event loop hands over the body and writes the answer's bytes.
            pool.submit(() -> decide(account, body, signals, span)).onSuccess(out -> {
                ctx.response().putHeader("Cache-Control", "no-store");
                if (out == null) {
                    ctx.response().setStatusCode(204).end();
                } else {
                    JsonBodies.sendEncoded(ctx, 200, out);
                }
            }).onFailure(ctx::fail);
        });
    }

    /** The offer's bytes, or null for none; 400 for a bad request. On a worker. */
    private Buffer decide(Account account, Buffer raw, AdRoutes.Signals signals, Context span) {
        ObjectNode body = JsonBodies.object(raw);
        String channel = Fields.text(body, "channel", "channel", 32);
        if (channel == null || !ContactRules.decideChannels().contains(channel)) {
            throw ApiError.badField("channel", "channel is required: one of "
                    + String.join(", ", ContactRules.CHANNELS.subList(1, ContactRules.CHANNELS.size())));
        }
        String format = Fields.text(body, "format", "format", 64);
        // The rest reads as an ad request's user, consent and page, with the channel as its slot.
        ObjectNode asAd = body.deepCopy();
        asAd.remove(List.of("channel", "slots", "count", "format"));
        ObjectNode slot = asAd.putObject("slot").put("id", channel);
        if (format != null) {
            slot.put("format", format);
        }
        AdRequest req = AdRequestParser.parse(asAd, null);
        if (req.user().id() == null) {
            throw ApiError.badField("user.id", "user.id is required: a decision is for one person");
        }
        AdFilter own = account.type() == AccountType.ADVERTISER
                ? c -> c.advertiserId().equals(account.id()) : AdFilter.NONE;
        List<AdRoutes.Placed> placed = ads.place(req, new AdRoutes.Reader(req.user().id(), false), signals,
                own, channel, span);
        return placed.isEmpty() ? null : JsonBodies.encode(offer(req.requestId(), channel, placed.get(0)));
    }

    /** The ad as {@code /v1/ad} renders it, with the offer's text and landing URL for channels that link directly. */
    private static ObjectNode offer(String requestId, String channel, AdRoutes.Placed placed) {
        ObjectNode out = JsonBodies.MAPPER.createObjectNode().put("requestId", requestId).put("channel", channel);
        out.set("offer", AdRoutes.render(placed).put("text", placed.ad().creative().text())
                .put("landingUrl", placed.ad().creative().landingUrl()));
        return out;
    }
}
