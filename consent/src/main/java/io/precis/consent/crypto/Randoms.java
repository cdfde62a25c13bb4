package io.precis.consent.crypto;

import java.security.SecureRandom;
import java.util.Base64;

/** Unpredictable identifiers and secrets. */
public final class Randoms {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private Randoms() {}

    public static byte[] bytes(int n) {
        byte[] out = new byte[n];
        RANDOM.nextBytes(out);
        return out;
    }

    /** {@code n} random bytes as unpadded base64url; 16 bytes give a 128-bit, 22-char id. */
    public static String token(int n) {
        return B64URL.encodeToString(bytes(n));
    }
}
