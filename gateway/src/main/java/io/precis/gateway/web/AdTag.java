package io.precis.gateway.web;

import io.precis.consent.crypto.Digests;
import io.precis.gateway.http.Routes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Base64;

/**
 * {@code GET /precis.js}: the publishers' ad tag (API.md, "The ad tag"), one hand-written file
 * checked in as {@code web/precis.js}, no build step. Cacheable by browsers and CDNs for
 * {@value #MAX_AGE_S} s, then revalidated by its ETag (a hash of the file, so it changes exactly
 * when the tag does).
 */
public final class AdTag {
    /** An hour: a fixed tag reaches every page within the hour; a revalidation is a bodiless 304. */
    static final int MAX_AGE_S = 3600;

    private final Buffer script;
    private final String etag;

    public AdTag() {
        byte[] bytes = load();
        this.script = Buffer.buffer(bytes);
        this.etag = "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(Digests.sha256(bytes))
                .substring(0, 22) + "\"";
    }

    public void register(Routes routes) {
        routes.on(HttpMethod.GET, "/precis.js", this::send);
    }

    private void send(RoutingContext ctx) {
        ctx.response()
                .putHeader("Cache-Control", "public, max-age=" + MAX_AGE_S)
                .putHeader("ETag", etag)
                // Any page may load it, with crossorigin (for Subresource Integrity) or under COEP.
                .putHeader("Access-Control-Allow-Origin", "*")
                .putHeader("Cross-Origin-Resource-Policy", "cross-origin")
                .putHeader("X-Content-Type-Options", "nosniff");
        if (matches(ctx.request().getHeader("If-None-Match"))) {
            ctx.response().setStatusCode(304).end();
            return;
        }
        ctx.response().putHeader("Content-Type", "text/javascript; charset=utf-8").end(script);
    }

    /** Whether an {@code If-None-Match} list names this version (or is {@code *}). */
    private boolean matches(String ifNoneMatch) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.trim();
            if (t.equals("*") || t.equals(etag) || t.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] load() {
        try (InputStream in = AdTag.class.getResourceAsStream("/web/precis.js")) {
            if (in == null) {
                throw new IllegalStateException("missing resource /web/precis.js");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
