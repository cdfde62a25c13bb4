package io.precis.gateway.auth;

import io.precis.consent.crypto.ConstantTime;
import io.precis.consent.crypto.Digests;
import io.precis.consent.crypto.Randoms;
import java.nio.charset.StandardCharsets;

/**
 * API keys: {@code prc.<account id>.<secret>}, where the secret is 256 random bits.
 *
 * <p>The account id in the key lets us find the account without a lookup by secret; the
 * secret is then compared to the stored SHA-256 in constant time. A plain hash suffices here
 * (unlike for user ids) because the secret is uniformly random and far beyond brute force.
 */
public final class ApiKeys {
    private static final String PREFIX = "prc.";
    /** 32 bytes = 256 bits of secret, twice the 128-bit floor the issue asks for. */
    private static final int SECRET_BYTES = 32;

    private ApiKeys() {}

    /** A new key for {@code accountId}: the plain key (shown once) and the hash to store. */
    public record Issued(String key, byte[] hash) {}

    public static Issued issue(String accountId) {
        String secret = Randoms.token(SECRET_BYTES);
        return new Issued(PREFIX + accountId + "." + secret, hash(secret));
    }

    /** The account id a presented key claims, or null when the key is malformed. */
    public static String accountIdOf(String key) {
        String[] parts = split(key);
        return parts == null ? null : parts[0];
    }

    /** Whether {@code key} is a well-formed key whose secret hashes to {@code storedHash}. */
    public static boolean matches(String key, byte[] storedHash) {
        String[] parts = split(key);
        return parts != null && ConstantTime.equals(hash(parts[1]), storedHash);
    }

    /** Constant-time equality of two tokens of any length (compares their digests). */
    public static boolean sameToken(String presented, String expected) {
        if (presented == null || expected == null) {
            return false;
        }
        return ConstantTime.equals(Digests.sha256(presented), Digests.sha256(expected));
    }

    private static byte[] hash(String secret) {
        return Digests.sha256(secret.getBytes(StandardCharsets.UTF_8));
    }

    private static String[] split(String key) {
        if (key == null || !key.startsWith(PREFIX) || key.length() > 200) {
            return null;
        }
        String rest = key.substring(PREFIX.length());
        int dot = rest.indexOf('.');
        if (dot <= 0 || dot == rest.length() - 1) {
            return null;
        }
        return new String[] {rest.substring(0, dot), rest.substring(dot + 1)};
    }
}
