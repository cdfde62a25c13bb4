package io.precis.consent.crypto;

import java.util.Base64;

/** Unpadded base64url (RFC 4648 §5), the encoding of JOSE, pseudonyms and log hashes. */
public final class Base64Url {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private Base64Url() {}

    public static String encode(byte[] data) {
        return ENCODER.encodeToString(data);
    }

    /**
     * Decodes canonical unpadded base64url; throws {@link IllegalArgumentException} on anything
     * else, including padding and non-zero unused trailing bits, so that one byte string has
     * exactly one text form (an edited signature character can never decode to the same bytes).
     */
    public static byte[] decode(String text) {
        byte[] out = DECODER.decode(text);
        if (!ENCODER.encodeToString(out).equals(text)) {
            throw new IllegalArgumentException("not canonical unpadded base64url");
        }
        return out;
    }
}
