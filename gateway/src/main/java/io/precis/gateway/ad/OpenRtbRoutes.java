package io.precis.gateway.ad;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.context.Context;
import io.precis.consent.crypto.Randoms;
import io.precis.gateway.http.ApiError;
import io.precis.gateway.http.AnswerOnce;
import io.precis.gateway.http.JsonBodies;
import io.precis.gateway.http.Routes;
import io.precis.gateway.workers.WorkerPool;
import io.precis.matcher.match.MatchedAd;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code POST /openrtb2/bid}: Precis as an OpenRTB 2.6 bidder, so that an exchange, or Prebid
 * Server's generic adapter aliased to this URL, can buy its ads. Each banner impression is
 * mapped to an {@code /v1/ad} request ({@link OpenRtbMapping}) and served by the same matcher,
 * consent rules and pseudonyms ({@link AdRoutes#place}); the chosen ad becomes a bid with its
 * CPM, safe markup and Precis' own impression and click URLs. docs/API.md has the mapping
 * field by field.
 */
public final class OpenRtbRoutes {
    /** Impressions answered per request; OpenRTB puts no bound, a bidder must. */
    static final int MAX_IMPS = 10;
    /** Kept from {@code tmax} for the answer's own way back. */
    private static final long TMAX_MARGIN_MS = 10;
    /** OpenRTB's substitution macro for the clearing price, a CPM in the bid's currency. */
    static final String AUCTION_PRICE = "${AUCTION_PRICE}";
    private static final ObjectReader READER = JsonBodies.MAPPER.readerFor(OpenRtbRequest.class)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final AdRoutes ads;
    private final WorkerPool pool;
    private final boolean trustProxy;

    public OpenRtbRoutes(AdRoutes ads, WorkerPool pool, boolean trustProxy) {
        this.ads = ads;
        this.pool = pool;
        this.trustProxy = trustProxy;
    }

    public void register(Routes routes) {
        routes.on(HttpMethod.POST, "/openrtb2/bid", ctx -> {
            OpenRtbRequest bidRequest = read(JsonBodies.object(ctx));
            OpenRtbMapping mapping = OpenRtbMapping.of(bidRequest,
                    "1".equals(ctx.request().getHeader("Sec-GPC")), "1".equals(ctx.request().getHeader("DNT")));
            String origin = origin(ctx);
            Context span = Context.current();
            // Past tmax it is too late to bid: an exchange drops late answers anyway.
            AnswerOnce answer = bidRequest.tmax() != null && bidRequest.tmax() > 0
                    ? AnswerOnce.within(ctx.vertx(), Math.max(1, bidRequest.tmax() - TMAX_MARGIN_MS), () -> noBid(ctx))
                    : AnswerOnce.unbounded();
            pool.submit(() -> JsonBodies.encode(bids(bidRequest, mapping, origin, span)))
                    .onSuccess(body -> {
                        if (answer.claim()) {
                            if (body == null) {
                                noBid(ctx);
                            } else {
                                JsonBodies.sendEncoded(ctx, 200, body);
                            }
                        }
                    })
                    .onFailure(e -> {
                        if (answer.claim()) {
                            ctx.fail(e);
                        }
                    });
        });
    }

    private static void noBid(RoutingContext ctx) {
        ctx.response().putHeader("Cache-Control", "no-store").setStatusCode(204).end();
    }

    /** The bid request bound to its records; 400 naming the field of a wrong type. */
    static OpenRtbRequest read(ObjectNode body) {
        OpenRtbRequest r;
        try {
            r = READER.readValue(body);
        } catch (MismatchedInputException e) {
            StringBuilder path = new StringBuilder();
            e.getPath().forEach(ref -> {
                if (ref.getFieldName() != null) {
                    path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
                } else {
                    path.append('[').append(ref.getIndex()).append(']');
                }
            });
            throw ApiError.badField(path.toString(), path + " has the wrong type for OpenRTB 2.6");
        } catch (java.io.IOException e) {
            throw ApiError.badRequest("not an OpenRTB 2.6 bid request");
        }
        if (r.id() == null || r.id().isBlank() || r.id().length() > 256) {
            throw ApiError.badField("id", "id is required (at most 256 characters)");
        }
        if (r.imp() == null || r.imp().isEmpty()) {
            throw ApiError.badField("imp", "imp must hold at least one impression");
        }
        if (r.imp().size() > MAX_IMPS) {
            throw ApiError.badField("imp", "at most " + MAX_IMPS + " impressions per request");
        }
        for (int i = 0; i < r.imp().size(); i++) {
            OpenRtbRequest.Imp imp = r.imp().get(i);
            if (imp == null || imp.id() == null || imp.id().isBlank() || imp.id().length() > 128) {
                throw ApiError.badField("imp[" + i + "].id", "imp[" + i + "].id is required (at most 128 characters)");
            }
        }
        return r;
    }

    /**
     * The answer's origin for absolute URLs in markup: the request's scheme (or, behind a
     * trusted proxy, {@code X-Forwarded-Proto}) and {@code Host}.
     */
    private String origin(RoutingContext ctx) {
        var authority = ctx.request().authority();
        if (authority == null) {
            throw ApiError.badRequest("the Host header is required");
        }
        String proto = trustProxy ? ctx.request().getHeader("X-Forwarded-Proto") : null;
        String scheme = "https".equalsIgnoreCase(proto) || "http".equalsIgnoreCase(proto)
                ? proto.toLowerCase(java.util.Locale.ROOT) : ctx.request().scheme();
        return scheme + "://" + authority;
    }

    /**
     * The bid response, or null for no bid. On a worker: matching is CPU and storage work. Each
     * impression's rules go into the auction ({@link OpenRtbRules}), so an ad that breaks one
     * gives way to the next; the first impression bid fixes the response's currency for the rest.
     */
    private ObjectNode bids(OpenRtbRequest r, OpenRtbMapping mapping, String origin, Context span) {
        ArrayNode bids = JsonBodies.MAPPER.createArrayNode();
        String currency = null;
        for (OpenRtbRequest.Imp imp : r.imp()) {
            OpenRtbRules rules = mapping.rules(imp);
            if (rules == null) {
                continue;
            }
            if (currency != null) {
                rules = rules.onlyIn(currency);
            }
            for (AdRequest request : mapping.adRequests(imp)) {
                List<AdRoutes.Placed> placed = ads.place(request, mapping.reader(), mapping.signals(), rules, span);
                if (!placed.isEmpty()) {
                    AdRoutes.Placed p = placed.get(0);
                    currency = p.ad().campaign().bid().currency();
                    bids.add(bid(imp, request, p, origin));
                    break; // one bid per impression
                }
            }
        }
        if (bids.isEmpty()) {
            return null;
        }
        ObjectNode out = JsonBodies.MAPPER.createObjectNode();
        out.put("id", r.id());
        out.put("bidid", Randoms.token(16));
        out.put("cur", currency);
        ObjectNode seat = out.putArray("seatbid").addObject();
        seat.put("seat", "precis");
        seat.set("bid", bids);
        return out;
    }

    private static ObjectNode bid(OpenRtbRequest.Imp imp, AdRequest request, AdRoutes.Placed p, String origin) {
        MatchedAd ad = p.ad();
        int[] size = OpenRtbMapping.size(request.slot().format());
        // The exchange puts its clearing price in place of the macro (OpenRTB 2.6, 4.4), in
        // burl and in the markup alike: whichever notice comes first bills the one impression.
        String impressionUrl = origin + p.impressionUrl() + "&price=" + AUCTION_PRICE;
        ObjectNode b = JsonBodies.MAPPER.createObjectNode();
        b.put("id", ad.adId());
        b.put("impid", imp.id());
        b.put("price", ad.cpm());
        b.put("adm", OpenRtbMarkup.adm(ad.creative(), origin + p.clickUrl(), impressionUrl, size[0], size[1]));
        b.put("burl", impressionUrl);
        b.put("crid", ad.creative().id());
        b.put("cid", ad.campaign().id());
        if (!ad.campaign().adCategories().isEmpty()) {
            ArrayNode cat = b.putArray("cat");
            ad.campaign().adCategories().forEach(cat::add);
        }
        String domain = OpenRtbMapping.landingDomain(ad.creative().landingUrl());
        if (domain != null) {
            b.putArray("adomain").add(domain);
        }
        b.put("w", size[0]);
        b.put("h", size[1]);
        return b;
    }
}
