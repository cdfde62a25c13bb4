package io.precis.reports.invalid;

import io.precis.consent.crypto.Hmac;
import io.precis.consent.crypto.Randoms;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * 64-bit keyed hashes of (kind, campaign, source) for the click counters, under a random key
 * made per process and never stored: the counters hold no IP prefix or pseudonym text, and
 * their keys cannot be linked to anyone after a restart. 64 bits make a collision between two
 * live sources (thousands per hour) vanishingly rare (~n²/2^65).
 */
final class SourceKeys {
    /** 256-bit HMAC key, the same strength as the rest of Precis's MAC keys. */
    private static final int KEY_BYTES = 32;

    private final Hmac hmac = new Hmac(Randoms.bytes(KEY_BYTES));

    long of(String kind, String campaignId, String source) {
        byte[] mac = hmac.macOf(bytes(kind), bytes(campaignId), bytes(source));
        return ByteBuffer.wrap(mac).getLong();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
