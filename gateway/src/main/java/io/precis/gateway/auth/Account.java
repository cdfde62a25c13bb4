package io.precis.gateway.auth;

import java.time.Instant;
import java.util.Objects;

/**
 * An advertiser or publisher account. {@code keyHash} is the SHA-256 of the secret part of its
 * current API key (the key itself is shown once when issued and never stored), or null while the
 * key is revoked and none has been issued since. {@code keyIssuedAt} is when the last key was
 * issued; {@code keyRevokedAt} is when it was revoked, null while it is valid.
 */
public record Account(String id, AccountType type, String name, byte[] keyHash, Instant createdAt,
                      Instant keyIssuedAt, Instant keyRevokedAt) {
    public Account {
        Objects.requireNonNull(id);
        Objects.requireNonNull(type);
        Objects.requireNonNull(name);
        Objects.requireNonNull(createdAt);
        Objects.requireNonNull(keyIssuedAt);
        if ((keyHash == null) != (keyRevokedAt != null)) {
            throw new IllegalArgumentException("an account has either a key or a revocation time");
        }
        keyHash = keyHash == null ? null : keyHash.clone();
    }

    /** A new account whose first key, of hash {@code keyHash}, is issued at {@code at}. */
    public static Account created(String id, AccountType type, String name, byte[] keyHash, Instant at) {
        return new Account(id, type, name, keyHash, at, at, null);
    }

    /** The hash of the current key, or null when the key is revoked. */
    @Override
    public byte[] keyHash() {
        return keyHash == null ? null : keyHash.clone();
    }

    public boolean hasKey() {
        return keyHash != null;
    }

    /** This account with a new key, of hash {@code hash}, issued at {@code at}. */
    public Account withKey(byte[] hash, Instant at) {
        return new Account(id, type, name, Objects.requireNonNull(hash), createdAt, at, null);
    }

    /** This account with its key revoked at {@code at}; unchanged if it has no key. */
    public Account withoutKey(Instant at) {
        return hasKey() ? new Account(id, type, name, null, createdAt, keyIssuedAt, at) : this;
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
