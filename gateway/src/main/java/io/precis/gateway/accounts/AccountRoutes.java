package io.precis.gateway.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.precis.consent.crypto.Randoms;
import io.precis.gateway.auth.Account;
import io.precis.gateway.auth.AccountType;
import io.precis.gateway.auth.ApiKeys;
import io.precis.gateway.auth.Authenticator;
import io.precis.gateway.http.ApiError;
import io.precis.gateway.http.JsonBodies;
import io.precis.gateway.http.Routes;
import io.precis.gateway.storage.AccountStore;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.time.Clock;

/** {@code POST /v1/admin/accounts}: the admin creates advertiser and publisher accounts. */
public final class AccountRoutes {
    private final Vertx vertx;
    private final AccountStore store;
    private final Authenticator auth;
    private final Clock clock;

    public AccountRoutes(Vertx vertx, AccountStore store, Authenticator auth, Clock clock) {
        this.vertx = vertx;
        this.store = store;
        this.auth = auth;
        this.clock = clock;
    }

    public void register(Routes routes) {
        routes.on(HttpMethod.POST, "/v1/admin/accounts", ctx -> {
            auth.requireAdmin(ctx);
            NewAccount req = NewAccount.parse(JsonBodies.object(ctx));
            vertx.executeBlocking(() -> create(req.type(), req.name()), false)
                    .onSuccess(created -> JsonBodies.send(ctx, 201, created))
                    .onFailure(ctx::fail);
        });
    }

    /** Creates and stores an account; the response carries its API key, shown this once. Blocking. */
    public ObjectNode create(AccountType type, String name) {
        String id = Randoms.token(12);
        ApiKeys.Issued key = ApiKeys.issue(id);
        Account account = new Account(id, type, name, key.hash(), clock.instant());
        store.insert(account);
        auth.add(account);
        ObjectNode out = JsonBodies.MAPPER.createObjectNode();
        out.put("id", id).put("type", type.jsonName()).put("name", name).put("apiKey", key.key());
        return out;
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
