package io.precis.consent.crypto;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/** HKDF-SHA256 (RFC 5869) through Bouncy Castle: one secret in, independent keys per purpose out. */
public final class Hkdf {
    /** RFC 5869 caps the output at 255 hash lengths. */
    public static final int MAX_LENGTH = 255 * 32;

    private Hkdf() {}

    /**
     * Extract-then-expand. {@code salt} may be null or empty (RFC 5869 then uses a block of
     * zeros); {@code info} may be null or empty. Returns {@code length} fresh bytes.
     */
    public static byte[] derive(byte[] ikm, byte[] salt, byte[] info, int length) {
        if (ikm == null) {
            throw new IllegalArgumentException("ikm must not be null");
        }
        if (length < 1 || length > MAX_LENGTH) {
            throw new IllegalArgumentException("HKDF-SHA256 output must be 1 to " + MAX_LENGTH + " bytes");
        }
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(ikm, salt, info));
        byte[] out = new byte[length];
        hkdf.generateBytes(out, 0, length);
        return out;
    }
}
