package io.precis.gateway.ad;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.precis.consent.Purposes;
import io.precis.consent.crypto.Randoms;
import io.precis.gateway.http.JsonBodies;
import io.precis.gateway.http.Routes;
import io.precis.gateway.observability.GatewayMetrics;
import io.precis.matcher.match.AdQuery;
import io.precis.matcher.match.CampaignMatcher;
import io.precis.matcher.match.MatchedAd;
import io.precis.matcher.match.TargetingKind;
import io.precis.reports.token.AdServed;
import io.precis.reports.token.TokenKind;
import io.precis.reports.token.TokenSigner;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

/**
 * {@code POST /v1/ad}: parse, match, sign one impression and one click token per ad, answer.
 * Matching and signing run on a worker so the event loop only parses and writes.
 */
public final class AdRoutes {
    private final Vertx vertx;
    private final CampaignMatcher matcher;
    private final TokenSigner signer;
    private final GatewayMetrics metrics;
    private final Clock clock;

    public AdRoutes(Vertx vertx, CampaignMatcher matcher, TokenSigner signer, GatewayMetrics metrics, Clock clock) {
        this.vertx = vertx;
        this.matcher = matcher;
        this.signer = signer;
        this.metrics = metrics;
        this.clock = clock;
    }

    public void register(Routes routes) {
        routes.on(HttpMethod.POST, "/v1/ad", ctx -> {
            Cookie uid = ctx.request().getCookie("precis_uid");
            AdRequest req = AdRequestParser.parse(JsonBodies.object(ctx), uid == null ? null : uid.getValue());
            vertx.executeBlocking(() -> serve(req), false)
                    .onSuccess(body -> respond(ctx, body))
                    .onFailure(ctx::fail);
        });
    }

    private void respond(RoutingContext ctx, ObjectNode body) {
        boolean filled = body != null;
        metrics.adRequest(filled);
        if (!filled) {
            ctx.response().setStatusCode(204).end();
            return;
        }
        ctx.response().putHeader("Cache-Control", "no-store");
        JsonBodies.send(ctx, 200, body);
    }

    /** The response body, or null when nothing is eligible. */
    ObjectNode serve(AdRequest req) {
        // Contextual matching needs no personal data, so no purpose is used yet.
        AdQuery query = new AdQuery(req.slot().format(), req.slot().site(), req.page(), clock.instant(),
                req.count(), Purposes.NONE);
        List<MatchedAd> ads = matcher.match(query);
        if (ads.isEmpty()) {
            return null;
        }
        ObjectNode out = JsonBodies.MAPPER.createObjectNode();
        out.put("requestId", req.requestId());
        ArrayNode list = out.putArray("ads");
        for (MatchedAd ad : ads) {
            list.add(render(req, ad));
        }
        return out;
    }

    private ObjectNode render(AdRequest req, MatchedAd ad) {
        List<String> matchedBy = ad.matchedBy().stream().map(TargetingKind::jsonName).toList();
        AdServed served = new AdServed(Randoms.token(16), ad.campaign().advertiserId(), ad.campaign().id(),
                ad.creative().id(), req.slot().id(), req.slot().site(), matchedBy,
                ad.campaign().bid().model().name(), toMicros(ad.price()));
        ObjectNode o = JsonBodies.MAPPER.createObjectNode();
        o.put("campaignId", ad.campaign().id());
        o.put("creativeId", ad.creative().id());
        o.put("format", ad.creative().format());
        o.put("title", ad.creative().title());
        o.put("imageUrl", ad.creative().imageUrl());
        o.put("impressionUrl", "/v1/t/imp?t=" + url(signer.issue(TokenKind.IMPRESSION, served)));
        o.put("clickUrl", "/v1/t/click?t=" + url(signer.issue(TokenKind.CLICK, served)));
        ArrayNode by = o.putArray("matchedBy");
        matchedBy.forEach(by::add);
        return o;
    }

    /** Money in micro-units (10^-6) of the currency, the unit events are stored in. */
    static long toMicros(BigDecimal amount) {
        return amount.movePointRight(6).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
    }

    private static String url(String token) {
        return URLEncoder.encode(token, StandardCharsets.UTF_8);
    }
}
