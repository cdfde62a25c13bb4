package io.precis.gateway.tracking;

import io.precis.consent.identity.IpPrefix;
import io.precis.consent.identity.Pseudonym;
import io.precis.consent.identity.RawIp;
import io.precis.consent.identity.RawUserId;
import io.precis.gateway.campaigns.CampaignService;
import io.precis.gateway.contact.ContactPolicy;
import io.precis.gateway.delivery.DeliveryFeedback;
import io.precis.gateway.privacy.PrivacyCore;
import io.precis.gateway.privacy.UserKeys;
import io.precis.gateway.users.UserCookie;
import io.precis.reports.invalid.ClickContext;
import io.precis.gateway.http.ApiError;
import io.precis.gateway.http.JsonBodies;
import io.precis.gateway.http.Routes;
import io.precis.gateway.observability.GatewayMetrics;
import io.precis.gateway.workers.WorkerPool;
import io.precis.reports.event.ConversionRequest;
import io.precis.reports.event.EventStore;
import io.precis.reports.event.Viewability;
import io.precis.reports.token.InvalidTokenException;
import io.precis.reports.token.TokenKind;
import io.precis.reports.token.TokenSigner;
import io.precis.reports.token.TrackingToken;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Measurement endpoints: impression pixel, click redirect, conversion. The signed token is the
 * only authority; the 2xx is sent after the event store has made the event durable. Each event
 * is a span ({@code impression}, {@code click}, {@code conversion}) under the request's span,
 * with its outcome and never its token, ids or source.
 */
public final class TrackingRoutes {
    /** The classic transparent 1×1 GIF89a, 43 bytes. */
    private static final byte[] PIXEL = Base64.getDecoder()
            .decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

    private final WorkerPool pool;
    private final TokenSigner signer;
    private final EventStore events;
    private final CampaignService campaigns;
    private final GatewayMetrics metrics;

    private final PrivacyCore privacy;
    private final UserCookie cookie;

    private final DeliveryFeedback delivery;
    private final Tracer tracer;
    /** Links a click to the person who clicked, and stops a group after its conversion. */
    private final ContactPolicy contacts;

    /** @param pool where a conversion's pseudonym is looked up (a consent read) */
    public TrackingRoutes(WorkerPool pool, TokenSigner signer, EventStore events, CampaignService campaigns, GatewayMetrics metrics,
                          PrivacyCore privacy, UserCookie cookie, DeliveryFeedback delivery, Tracer tracer,
                          ContactPolicy contacts) {
        this.contacts = contacts;
        this.tracer = tracer;
        this.delivery = delivery;
        this.pool = pool;
        this.signer = signer;
        this.events = events;
        this.campaigns = campaigns;
        this.metrics = metrics;
        this.privacy = privacy;
        this.cookie = cookie;
    }

    public void register(Routes routes) {
        routes.on(HttpMethod.GET, "/v1/t/imp", ctx -> {
            TrackingToken t = verify(ctx, TokenKind.IMPRESSION);
            TrackingToken billed = ClearingPrice.billed(t, ctx.request().getParam(ClearingPrice.PARAM), metrics);
            Viewability view = viewability(ctx);
            Span span = tracer.spanBuilder("impression").startSpan();
            Future.fromCompletionStage(events.recordImpression(billed, view), ctx.vertx().getOrCreateContext())
                    .andThen(r -> end(span, r, r.succeeded() && r.result().counted(), null))
                    .compose(outcome -> {
                        if (view != Viewability.RENDERED) { // a rendered signal is no impression
                            metrics.event("impression", outcome.counted());
                        }
                        if (outcome.capped()) {
                            metrics.overBudget("impression");
                        }
                        // Acknowledged once its cap count is durable too (DeliveryFeedback#impression).
                        return outcome.counted()
                                ? Future.fromCompletionStage(delivery.impression(t.ad(), t.issuedAt()),
                                        ctx.vertx().getOrCreateContext())
                                : Future.<Void>succeededFuture();
                    })
                    .onSuccess(done -> {
                        noStore(ctx);
                        String accept = ctx.request().getHeader("Accept");
                        if (accept != null && accept.contains("image/")) {
                            ctx.response().putHeader("Content-Type", "image/gif").end(Buffer.buffer(PIXEL));
                        } else {
                            ctx.response().setStatusCode(204).end();
                        }
                    })
                    .onFailure(ctx::fail);
        });
        routes.on(HttpMethod.GET, "/v1/t/click", ctx -> {
            TrackingToken t = verify(ctx, TokenKind.CLICK);
            String landing = campaigns.landingUrl(t.ad().campaignId(), t.ad().creativeId())
                    .orElseThrow(() -> {
                        metrics.rejected("unknown_campaign");
                        return ApiError.notFound("campaign");
                    });
            String clickId = signer.clickId(t.ad());
            Span span = tracer.spanBuilder("click").startSpan();
            Future.fromCompletionStage(events.recordClick(t, clickId, clickContext(ctx)),
                            ctx.vertx().getOrCreateContext())
                    .andThen(r -> end(span, r, r.succeeded() && r.result().counted(),
                            r.succeeded() ? r.result().invalidReason() : null))
                    // A click that may stop its campaign's group is linked before the redirect.
                    .compose(outcome -> t.ad().conversionLink() == null || !outcome.counted() ? Future.succeededFuture(outcome)
                            : pool.submit(() -> {
                                contacts.clicked(clickId, t.ad());
                                return outcome;
                            }))
                    .onSuccess(outcome -> {
                        metrics.event(outcome.valid() ? "click" : "invalid_click", outcome.counted());
                        if (outcome.counted() && !outcome.valid()) {
                            metrics.invalidClick(outcome.invalidReason());
                        }
                        if (outcome.counted() && outcome.valid()) {
                            delivery.validClick(t.ad());
                        }
                        if (outcome.capped()) {
                            metrics.overBudget("click");
                        }
                        noStore(ctx);
                        ctx.response().setStatusCode(302)
                                .putHeader("Location", withParam(landing, "precis_click", clickId))
                                .end();
                    })
                    .onFailure(ctx::fail);
        });
        routes.on(HttpMethod.POST, "/v1/t/conversion", ctx -> {
            var body = JsonBodies.object(ctx);
            RawUserId user = cookie.existing(ctx);
            Span span = tracer.spanBuilder("conversion").startSpan();
            pool.submit(() -> ConversionRequest.parse(body, measurementPseudonym(user)))
                    .onFailure(e -> {
                        if (e instanceof io.precis.reports.InvalidRequestException || e instanceof ApiError) {
                            metrics.rejected("bad_conversion");
                        }
                    })
                    .compose(req -> Future.fromCompletionStage(events.recordConversion(req),
                            ctx.vertx().getOrCreateContext())
                            // Attributed through a linked click: its group stops for the person, durably, first.
                            .compose(outcome -> !outcome.attributed() || req.clickId() == null
                                    ? Future.succeededFuture(outcome)
                                    : pool.submit(() -> {
                                        contacts.converted(req.clickId());
                                        return outcome;
                                    })))
                    .andThen(r -> end(span, r, r.succeeded() && r.result().counted(), null))
                    .onSuccess(outcome -> {
                        metrics.event(outcome.attributed() ? "conversion" : "unattributed_conversion", outcome.counted());
                        if (outcome.counted() && outcome.attributed()) {
                            delivery.conversion(outcome.campaignId());
                        }
                        if (outcome.capped()) {
                            metrics.overBudget("conversion");
                        }
                        var answer = JsonBodies.MAPPER.createObjectNode().put("status", "accepted");
                        if (!outcome.counted()) {
                            answer.put("repeat", true); // same order id, or "one" counting's second time
                        }
                        JsonBodies.send(ctx, 202, answer);
                    })
                    .onFailure(ctx::fail);
        });
    }

    private TrackingToken verify(RoutingContext ctx, TokenKind kind) {
        String token = ctx.request().getParam("t");
        if (token == null || token.isEmpty()) {
            metrics.rejected("missing_token");
            throw ApiError.badField("t", "the tracking token t is required");
        }
        try {
            return signer.verify(token, kind);
        } catch (InvalidTokenException e) {
            metrics.rejectedToken(e.reason());
            throw ApiError.badField("t", "invalid tracking token: " + e.reason());
        }
    }

    /**
     * The ad tag's viewability signal, {@code view=rendered} or {@code view=viewable}; without
     * {@code view} the pixel counts the impression unmeasured, as it always has.
     */
    private Viewability viewability(RoutingContext ctx) {
        String view = ctx.request().getParam("view");
        if (view == null) {
            return Viewability.NOT_MEASURED;
        }
        return switch (view) {
            case "rendered" -> Viewability.RENDERED;
            case "viewable" -> Viewability.VIEWABLE;
            default -> {
                metrics.rejected("bad_view");
                throw ApiError.badField("view", "view must be rendered or viewable");
            }
        };
    }

    /**
     * What the click request itself says about its source: the truncated IP prefix (the raw
     * address goes no further than this method), the user agent and any prefetch hint.
     */
    private static ClickContext clickContext(RoutingContext ctx) {
        var remote = ctx.request().remoteAddress();
        IpPrefix prefix = remote == null ? null : PrivacyCore.truncate(RawIp.ofNullable(remote.hostAddress()));
        return new ClickContext(prefix, ctx.request().getHeader("User-Agent"),
                ClickContext.isPrefetch(ctx.request().getHeader("Purpose"), ctx.request().getHeader("Sec-Purpose")));
    }

    /** The browser user's measurement pseudonym, only where they allowed measurement; else null. */
    private Pseudonym measurementPseudonym(RawUserId user) {
        if (user == null) {
            return null;
        }
        UserKeys keys = privacy.keysOf(user);
        return privacy.stored(keys).purposes().measurement() ? keys.currentMeasurement() : null;
    }

    /** Ends an event's span with whether it counted (false for a repeat) and any invalid-click rule. */
    private static void end(Span span, AsyncResult<?> result, boolean counted, String invalidRule) {
        if (result.failed()) {
            span.setStatus(StatusCode.ERROR); // no message: it may quote the request
        } else {
            span.setAttribute("precis.result", counted ? "counted" : "repeat");
            if (invalidRule != null) {
                span.setAttribute("precis.invalid_rule", invalidRule);
            }
        }
        span.end();
    }

    private static void noStore(RoutingContext ctx) {
        ctx.response().putHeader("Cache-Control", "no-store");
    }

    /** {@code url} with {@code name=value} added to its query, before any fragment. */
    static String withParam(String url, String name, String value) {
        int hash = url.indexOf('#');
        String base = hash >= 0 ? url.substring(0, hash) : url;
        String fragment = hash >= 0 ? url.substring(hash) : "";
        String sep = !base.contains("?") ? "?" : base.endsWith("?") || base.endsWith("&") ? "" : "&";
        return base + sep + name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8) + fragment;
    }
}
