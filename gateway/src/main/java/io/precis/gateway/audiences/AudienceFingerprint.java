package io.precis.gateway.audiences;

import io.precis.consent.identity.Pseudonym;
import java.util.Base64;

/**
 * The 64 bits a customer list keeps of a member: the first 8 bytes of the keyed HMAC inside
 * a delivery pseudonym (its last 22 base64url characters; see {@code Pseudonymiser}). Keyed, so
 * as unlinkable as the pseudonym without the key; 64 bits, so 20 million members cost 160 MB
 * and a non-member is taken for a member of a 20-million list with probability 2e7 / 2^64
 * (about 1e-12) per lookup.
 */
public final class AudienceFingerprint {
    /** Base64url characters of the 16-byte HMAC at the end of every pseudonym. */
    private static final int MAC_CHARS = 22;

    private AudienceFingerprint() {
    }

    /** The fingerprint of {@code p}; a pseudonym not of the pseudonymiser's shape is hashed whole. */
    public static long of(Pseudonym p) {
        String v = p.value();
        if (v.length() > MAC_CHARS) {
            try {
                byte[] mac = Base64.getUrlDecoder().decode(v.substring(v.length() - MAC_CHARS));
                long f = 0;
                for (int i = 0; i < 8; i++) {
                    f = f << 8 | (mac[i] & 0xFF);
                }
                return f;
            } catch (IllegalArgumentException notBase64) {
                // fall through: not one of ours (tests name users freely)
            }
        }
        return mix(v.hashCode() * 0x9E3779B97F4A7C15L ^ v.length());
    }

    /** Spreads bits (the SplitMix64 finaliser). */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
