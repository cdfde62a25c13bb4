package io.precis.gateway.auth;

import io.precis.gateway.http.ApiError;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is calling: the admin (by the admin token) or an account (by its API key). Accounts are
 * few and small, so all of them are held in memory; the store remains the source of truth.
 */
public final class Authenticator {
    private final String adminToken;
    private final Map<String, Account> accounts = new ConcurrentHashMap<>();

    public Authenticator(String adminToken, Iterable<Account> known) {
        this.adminToken = adminToken;
        known.forEach(this::add);
    }

    /** Adds {@code account}, or replaces the one of the same id: its old key stops working at once. */
    public void add(Account account) {
        accounts.put(account.id(), account);
    }

    /** Fails with 401 unless the request carries the admin token. */
    public void requireAdmin(RoutingContext ctx) {
        if (!ApiKeys.sameToken(bearer(ctx), adminToken)) {
            throw ApiError.unauthorized();
        }
        ctx.put(io.precis.gateway.observability.AuditLog.ACTOR, "admin");
    }

    /** The account behind the request's key, of {@code type}; 401 for a bad key, 403 for the wrong type. */
    public Account require(RoutingContext ctx, AccountType type) {
        return requireOneOf(ctx, type);
    }

    /** The account behind the request's key, of one of {@code types}; 401 for a bad key, 403 for another type. */
    public Account requireOneOf(RoutingContext ctx, AccountType... types) {
        String key = bearer(ctx);
        String id = ApiKeys.accountIdOf(key);
        Account account = id == null ? null : accounts.get(id);
        if (account == null || !account.hasKey() || !ApiKeys.matches(key, account.keyHash())) {
            throw ApiError.unauthorized();
        }
        if (!java.util.List.of(types).contains(account.type())) {
            throw ApiError.forbidden("this endpoint needs " + String.join(" or ", java.util.Arrays.stream(types)
                    .map(t -> "an " + t.jsonName()).toList()) + " key");
        }
        ctx.put(io.precis.gateway.observability.AuditLog.ACTOR, account.id());
        return account;
    }

    private static String bearer(RoutingContext ctx) {
        String h = ctx.request().getHeader("Authorization");
        if (h == null || h.length() < 8 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return h.substring(7).trim();
    }
}
