package io.precis.consent.crypto;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * HMAC-SHA256 (RFC 2104) through Bouncy Castle's lightweight API.
 *
 * <p>Instances are immutable and thread-safe: each call builds its own {@link HMac}, which is
 * cheap next to the hashing itself. The key is copied on construction and never exposed.
 */
public final class Hmac {
    /** Output length of HMAC-SHA256 in bytes. */
    public static final int LENGTH = 32;

    private final byte[] key;

    public Hmac(byte[] key) {
        if (key == null || key.length < 16) {
            // 128 bits is the least that keeps a MAC key out of brute-force reach.
            throw new IllegalArgumentException("HMAC key must be at least 16 bytes");
        }
        this.key = key.clone();
    }

    /** The MAC of the concatenation of {@code parts}, each part prefixed by its length. */
    public byte[] macOf(byte[]... parts) {
        HMac mac = new HMac(new SHA256Digest());
        mac.init(new KeyParameter(key));
        for (byte[] part : parts) {
            // Length prefixes keep ("ab","c") and ("a","bc") apart.
            byte[] len = {(byte) (part.length >>> 24), (byte) (part.length >>> 16),
                    (byte) (part.length >>> 8), (byte) part.length};
            mac.update(len, 0, 4);
            mac.update(part, 0, part.length);
        }
        byte[] out = new byte[LENGTH];
        mac.doFinal(out, 0);
        return out;
    }

    /** The plain HMAC-SHA256 of {@code data}, as RFC 4231 defines it. */
    public byte[] mac(byte[] data) {
        HMac mac = new HMac(new SHA256Digest());
        mac.init(new KeyParameter(key));
        mac.update(data, 0, data.length);
        byte[] out = new byte[LENGTH];
        mac.doFinal(out, 0);
        return out;
    }

    /** Whether {@code tag} is the MAC of {@code data}, compared in constant time. */
    public boolean verify(byte[] data, byte[] tag) {
        return ConstantTime.equals(mac(data), tag);
    }
}
