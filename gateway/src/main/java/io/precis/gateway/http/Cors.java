package io.precis.gateway.http;

import io.vertx.ext.web.RoutingContext;
import java.net.URI;

/**
 * Cross-origin access for the routes a publisher's page calls from its own origin: the ad tag
 * ({@code GET /precis.js}) asks {@code POST /v1/ad} from the page with {@code fetch(...,
 * {credentials: "include"})}. Such a response must name the page's origin (a credentialed
 * request may not be answered with {@code *}) and allow credentials; a request the browser
 * preflights (a {@code Content-Type: application/json} body) first gets an {@code OPTIONS}
 * answer. Only http(s) origins are echoed. Every answer varies by {@code Origin}.
 *
 * <p>Why this is safe for {@code /v1/ad}: it answers ads and tracking URLs, nothing about the
 * person, and any page may already ask it for ads. The person's own data ({@code /v1/me},
 * {@code /v1/consent}) gets no CORS headers, so no other origin can read it.
 */
public final class Cors {
    /** How long a browser may reuse a preflight answer: ten minutes (Chromium caps it at two hours). */
    static final int PREFLIGHT_MAX_AGE_S = 600;

    private Cors() {
    }

    /** Lets the request's origin, if an http(s) one, read this response with credentials. */
    public static void allowOrigin(RoutingContext ctx) {
        ctx.response().putHeader("Vary", "Origin");
        String origin = ctx.request().getHeader("Origin");
        if (isWebOrigin(origin)) {
            ctx.response().putHeader("Access-Control-Allow-Origin", origin)
                    .putHeader("Access-Control-Allow-Credentials", "true");
        }
    }

    /** Answers a preflight for {@code methods} with a {@code Content-Type} header: 204. */
    public static void preflight(RoutingContext ctx, String methods) {
        allowOrigin(ctx);
        ctx.response().putHeader("Access-Control-Allow-Methods", methods)
                .putHeader("Access-Control-Allow-Headers", "Content-Type")
                .putHeader("Access-Control-Max-Age", Integer.toString(PREFLIGHT_MAX_AGE_S))
                .putHeader("Cache-Control", "no-store")
                .setStatusCode(204)
                .end();
    }

    /** An origin as browsers send it: {@code http(s)://host[:port]}, nothing after. */
    static boolean isWebOrigin(String origin) {
        if (origin == null || origin.length() > 300) {
            return false;
        }
        try {
            URI u = new URI(origin);
            return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null
                    && u.getRawPath().isEmpty() && u.getRawQuery() == null && u.getRawFragment() == null
                    && u.getRawUserInfo() == null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }
}
