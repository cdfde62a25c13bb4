package io.precis.gateway.web;

import io.precis.gateway.http.Routes;
import io.precis.gateway.users.UserCookie;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The HTML pages: the privacy centre ({@code /privacy}), the advertisers' dashboard
 * ({@code /dashboard}) and the admin's accounts page ({@code /admin}). Each is one self-contained file (no external assets, no build step),
 * served with a strict Content-Security-Policy: nothing loads from anywhere but this origin.
 */
public final class WebPages {
    private static final String CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
            + "connect-src 'self'; img-src 'self' data: blob:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private final Buffer privacy = load("/web/privacy.html");
    private final Buffer dashboard = load("/web/dashboard.html");
    private final Buffer admin = load("/web/admin.html");
    private final UserCookie cookie;

    public WebPages(UserCookie cookie) {
        this.cookie = cookie;
    }

    public void register(Routes routes) {
        routes.on(HttpMethod.GET, "/privacy", ctx -> {
            // The privacy centre is a first contact too: the person needs an id to attach choices to.
            cookie.userOf(ctx);
            send(ctx, privacy);
        });
        routes.on(HttpMethod.GET, "/dashboard", ctx -> send(ctx, dashboard));
        // The page holds no secret: the admin token is pasted into it and sent only to /v1/admin.
        routes.on(HttpMethod.GET, "/admin", ctx -> send(ctx, admin));
    }

    private static void send(RoutingContext ctx, Buffer page) {
        ctx.response()
                .putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader("Content-Security-Policy", CSP)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("Cache-Control", "no-cache")
                .end(page);
    }

    private static Buffer load(String resource) {
        try (InputStream in = WebPages.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
