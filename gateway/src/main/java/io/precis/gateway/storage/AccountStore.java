package io.precis.gateway.storage;

import io.precis.gateway.auth.Account;
import java.util.List;

/** Where accounts live. Blocking: call from a worker thread. */
public interface AccountStore {
    void insert(Account account);

    List<Account> all();

    /** The account {@code id} (another gateway's change is read back with it). */
    default java.util.Optional<Account> find(String id) {
        return all().stream().filter(a -> a.id().equals(id)).findFirst();
    }

    /** Stores {@code account}'s key hash and key times; false when no account has its id. */
    boolean updateKey(Account account);
}
