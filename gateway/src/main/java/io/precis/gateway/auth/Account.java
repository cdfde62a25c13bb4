package io.precis.gateway.auth;

import java.time.Instant;
import java.util.Objects;

/**
 * An advertiser or publisher account. {@code keyHash} is the SHA-256 of the secret part of its
 * API key: the key itself is shown once at creation and never stored.
 */
public record Account(String id, AccountType type, String name, byte[] keyHash, Instant createdAt) {
    public Account {
        Objects.requireNonNull(id);
        Objects.requireNonNull(type);
        Objects.requireNonNull(name);
        keyHash = keyHash.clone();
    }

    @Override
    public byte[] keyHash() {
        return keyHash.clone();
    }

    @Override
    public String toString() {
        return "Account[" + id + ", " + type + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Account a && a.id.equals(id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }
}
