package io.precis.gateway.accounts;

import io.precis.consent.crypto.Randoms;
import io.precis.gateway.auth.Account;
import io.precis.gateway.auth.AccountType;
import io.precis.gateway.auth.ApiKeys;
import io.precis.gateway.auth.Authenticator;
import io.precis.gateway.storage.AccountStore;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Accounts and their API keys: create, list, reissue, revoke. Every change reaches the store
 * before the {@link Authenticator}, so a key the client was told is gone stops working only once
 * that is durable, and at once after. Blocking (storage): call from a worker thread.
 *
 * <p>Key changes are serialised: two reissues racing could otherwise leave the store holding one
 * new key and memory the other.
 */
public final class AccountService {
    private final AccountStore store;
    private final Authenticator auth;
    private final Clock clock;
    /** A key change reads the account and writes it back: one at a time per account, never a global lock. */
    private final io.precis.consent.concurrent.StripedLocks locks = new io.precis.consent.concurrent.StripedLocks(64);

    public AccountService(AccountStore store, Authenticator auth, Clock clock) {
        this.store = store;
        this.auth = auth;
        this.clock = clock;
    }

    /** An account and the plain API key just issued to it (shown to the caller once, never stored). */
    public record Issued(Account account, String apiKey) {}

    public Issued create(AccountType type, String name) {
        String id = Randoms.token(12);
        ApiKeys.Issued key = ApiKeys.issue(id);
        Account account = Account.created(id, type, name, key.hash(), clock.instant());
        store.insert(account);
        auth.add(account);
        return new Issued(account, key.key());
    }

    /** Every account, oldest first. */
    public List<Account> all() {
        return store.all();
    }

    /** Issues a new key to account {@code id}, replacing its old key; empty when there is no such account. */
    public Optional<Issued> reissue(String id) {
        var lock = locks.of(id);
        lock.lock();
        try {
            return store.find(id).map(old -> {
                ApiKeys.Issued key = ApiKeys.issue(id);
                return new Issued(save(old.withKey(key.hash(), clock.instant())), key.key());
            });
        } finally {
            lock.unlock();
        }
    }

    /** Revokes account {@code id}'s key (no-op if already revoked); empty when there is no such account. */
    public Optional<Account> revoke(String id) {
        var lock = locks.of(id);
        lock.lock();
        try {
            return store.find(id).map(old -> old.hasKey() ? save(old.withoutKey(clock.instant())) : old);
        } finally {
            lock.unlock();
        }
    }

    private Account save(Account changed) {
        if (!store.updateKey(changed)) {
            throw new IllegalStateException("account vanished while its key changed");
        }
        auth.add(changed);
        return changed;
    }
}
