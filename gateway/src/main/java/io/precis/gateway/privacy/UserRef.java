package io.precis.gateway.privacy;

import io.precis.consent.identity.RawUserId;
import io.precis.gateway.auth.AccountType;
import io.precis.gateway.auth.Authenticator;
import io.precis.gateway.http.ApiError;
import io.precis.gateway.users.UserCookie;
import io.vertx.ext.web.RoutingContext;

/**
 * Who a consent or data request is about: the browser's {@code precis_uid} cookie, or, server to
 * server, a publisher key with {@code ?user=<id>}. A request with an Authorization header is
 * always the publisher form, so a bad key fails (401) instead of falling back to a cookie.
 * A cookie counts only if this deployment issued it ({@link UserCookie}): without the key, naming
 * a person by their id reaches a fresh, empty identity, never theirs.
 */
public final class UserRef {
    private final Authenticator auth;
    private final UserCookie cookie;

    public UserRef(Authenticator auth, UserCookie cookie) {
        this.auth = auth;
        this.cookie = cookie;
    }

    public RawUserId of(RoutingContext ctx) {
        if (ctx.request().getHeader("Authorization") != null) {
            auth.require(ctx, AccountType.PUBLISHER);
            String user = ctx.request().getParam("user");
            if (user == null || user.isBlank() || user.length() > 256) {
                throw ApiError.badField("user", "user is required with a publisher key (at most 256 characters)");
            }
            return RawUserId.ofNullable(user);
        }
        return cookie.userOf(ctx);
    }
}
