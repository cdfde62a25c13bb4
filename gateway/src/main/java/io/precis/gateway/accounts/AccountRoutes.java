package io.precis.gateway.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.precis.gateway.auth.Account;
import io.precis.gateway.auth.AccountType;
import io.precis.gateway.auth.Authenticator;
import io.precis.gateway.http.ApiError;
import io.precis.gateway.http.JsonBodies;
import io.precis.gateway.http.Routes;
import io.precis.gateway.storage.AccountStore;
import io.precis.gateway.workers.WorkerPool;
import io.vertx.core.http.HttpMethod;
import java.time.Clock;
import java.time.Instant;

/**
 * {@code /v1/admin/accounts}: the admin creates and lists advertiser and publisher accounts, and
 * reissues ({@code POST .../{id}/key}) or revokes ({@code DELETE .../{id}/key}) their API keys.
 * No answer ever carries a key's hash; a plain key appears only in the answer that issued it.
 */
public final class AccountRoutes {
    private final WorkerPool pool;
    private final AccountService accounts;
    private final Authenticator auth;

    public AccountRoutes(WorkerPool pool, AccountStore store, Authenticator auth, Clock clock) {
        this.pool = pool;
        this.accounts = new AccountService(store, auth, clock);
        this.auth = auth;
    }

    public void register(Routes routes) {
        routes.on(HttpMethod.POST, "/v1/admin/accounts", ctx -> {
            auth.requireAdmin(ctx);
            NewAccount req = NewAccount.parse(JsonBodies.object(ctx));
            pool.submit(() -> create(req.type(), req.name()))
                    .onSuccess(created -> {
                        ctx.put(io.precis.gateway.observability.AuditLog.CREATED, created.get("id").textValue());
                        JsonBodies.send(ctx, 201, created);
                    })
                    .onFailure(ctx::fail);
        });
        routes.on(HttpMethod.GET, "/v1/admin/accounts", ctx -> {
            auth.requireAdmin(ctx);
            pool.submit(accounts::all)
                    .onSuccess(all -> {
                        ArrayNode list = JsonBodies.MAPPER.createArrayNode();
                        all.forEach(a -> list.add(view(a)));
                        ObjectNode out = JsonBodies.MAPPER.createObjectNode();
                        out.set("accounts", list);
                        JsonBodies.send(ctx, 200, out);
                    })
                    .onFailure(ctx::fail);
        });
        routes.on(HttpMethod.POST, "/v1/admin/accounts/:id/key", ctx -> {
            auth.requireAdmin(ctx);
            String id = ctx.pathParam("id");
            pool.submit(() -> accounts.reissue(id).orElseThrow(() -> ApiError.notFound("account")))
                    .onSuccess(issued -> JsonBodies.send(ctx, 200, withKey(issued)))
                    .onFailure(ctx::fail);
        });
        routes.on(HttpMethod.DELETE, "/v1/admin/accounts/:id/key", ctx -> {
            auth.requireAdmin(ctx);
            String id = ctx.pathParam("id");
            pool.submit(() -> accounts.revoke(id).orElseThrow(() -> ApiError.notFound("account")))
                    .onSuccess(a -> JsonBodies.send(ctx, 200, view(a)))
                    .onFailure(ctx::fail);
        });
    }

    /** Creates and stores an account; the answer carries its API key, shown this once. Blocking. */
    public ObjectNode create(AccountType type, String name) {
        return withKey(accounts.create(type, name));
    }

    /** What the admin sees of an account: never its key or the key's hash. */
    static ObjectNode view(Account a) {
        ObjectNode out = JsonBodies.MAPPER.createObjectNode();
        out.put("id", a.id()).put("type", a.type().jsonName()).put("name", a.name())
                .put("createdAt", a.createdAt().toString())
                .put("keyIssuedAt", a.keyIssuedAt().toString())
                .put("keyActive", a.hasKey());
        Instant revoked = a.keyRevokedAt();
        if (revoked == null) {
            out.putNull("keyRevokedAt");
        } else {
            out.put("keyRevokedAt", revoked.toString());
        }
        return out;
    }

    private static ObjectNode withKey(AccountService.Issued issued) {
        return view(issued.account()).put("apiKey", issued.apiKey());
    }

    /** The validated body of an account creation. */
    record NewAccount(AccountType type, String name) {
        static NewAccount parse(ObjectNode body) {
            JsonNode type = body.get("type");
            if (type == null || !type.isTextual()) {
                throw ApiError.badField("type", "type is required: \"advertiser\" or \"publisher\"");
            }
            AccountType t = AccountType.parse(type.textValue());
            if (t == null) {
                throw ApiError.badField("type", "type must be \"advertiser\" or \"publisher\"");
            }
            JsonNode name = body.get("name");
            if (name == null || !name.isTextual() || name.textValue().isBlank()) {
                throw ApiError.badField("name", "name is required (a non-empty string)");
            }
            if (name.textValue().length() > 200) {
                throw ApiError.badField("name", "name must be at most 200 characters");
            }
            return new NewAccount(t, name.textValue().strip());
        }
    }
}
