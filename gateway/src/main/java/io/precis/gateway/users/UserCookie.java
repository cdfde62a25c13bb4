package io.precis.gateway.users;

import io.precis.consent.crypto.Randoms;
import io.precis.consent.identity.RawUserId;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/**
 * The {@code precis_uid} cookie: who the browser's person is, set on first contact. A random
 * 128-bit value, {@code HttpOnly} (page scripts cannot read it), {@code SameSite=Lax}, and
 * {@code Secure} when the request came over TLS. Like every raw id it is pseudonymised on
 * arrival and never stored.
 */
public final class UserCookie {
    public static final String NAME = "precis_uid";
    /** 13 months, the longest lifetime European regulators accept for such cookies. */
    private static final long MAX_AGE_SECONDS = 395L * 24 * 3600;
    /** What we issue: 22 base64url chars. Anything else a client sends is still accepted if sane. */
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._~-]{8,128}");

    /** The browser's user id, setting a new cookie when it has none (or a malformed one). */
    public RawUserId userOf(RoutingContext ctx) {
        Cookie c = ctx.request().getCookie(NAME);
        if (c != null && SANE.matcher(c.getValue()).matches()) {
            return RawUserId.ofNullable(c.getValue());
        }
        String id = Randoms.token(16);
        ctx.response().addCookie(Cookie.cookie(NAME, id)
                .setPath("/")
                .setHttpOnly(true)
                .setSameSite(CookieSameSite.LAX)
                .setSecure(ctx.request().isSSL())
                .setMaxAge(MAX_AGE_SECONDS));
        return RawUserId.ofNullable(id);
    }

    /** The browser's user id if it sent a cookie, without setting one. */
    public RawUserId existing(RoutingContext ctx) {
        Cookie c = ctx.request().getCookie(NAME);
        return c != null && SANE.matcher(c.getValue()).matches() ? RawUserId.ofNullable(c.getValue()) : null;
    }
}
