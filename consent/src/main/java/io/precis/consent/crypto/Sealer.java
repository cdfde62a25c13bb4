package io.precis.consent.crypto;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * AES-256-GCM authenticated encryption through Bouncy Castle.
 *
 * <p>Sealed form: 12-byte random nonce || ciphertext || 16-byte tag. A 96-bit nonce is the size
 * GCM is specified for (NIST SP 800-38D §8.2); random nonces keep the collision risk negligible
 * for fewer than 2^32 seals under one key, far more than one user key ever sees.
 * Immutable and thread-safe; the key is copied and never exposed.
 *
 * <p>A sealer made by {@link #reusingCiphers} keeps, per thread, a cipher whose AES key schedule
 * and GHASH tables are computed once (Bouncy Castle re-initialises a GCM cipher for a new nonce
 * under the key it already holds); one made by the constructor sets both up on every call. The
 * first is for keys used over and over (tracking tokens: two seals per ad served, where the set-up
 * was a third of the bytes the gateway allocated per ad request), the second for keys used once.
 */
public final class Sealer {
    public static final int KEY_LENGTH = 32;
    public static final int NONCE_LENGTH = 12;
    /** Full 128-bit tag: shorter tags weaken GCM's forgery bound. */
    public static final int TAG_LENGTH = 16;

    private static final byte[] NO_AAD = new byte[0];

    private final byte[] key;
    /** Per thread, a cipher keyed with {@link #key} by its first use; null when each call sets one up. */
    private final ThreadLocal<PerThread> keyed;

    public Sealer(byte[] key32) {
        this(key32, false);
    }

    private Sealer(byte[] key32, boolean reuse) {
        if (key32 == null || key32.length != KEY_LENGTH) {
            throw new IllegalArgumentException("AES-256 key must be 32 bytes");
        }
        this.key = key32.clone();
        this.keyed = reuse ? ThreadLocal.withInitial(PerThread::new) : null;
    }

    /** One thread's cipher, and whether it holds the key yet. */
    private static final class PerThread {
        final GCMModeCipher cipher = GCMBlockCipher.newInstance(AESEngine.newInstance());
        boolean keyed;
    }

    /**
     * A sealer for a key used for many seals and opens, on any threads: each thread keeps its
     * keyed cipher (see the class comment). Keep it as long as the key is in use.
     */
    public static Sealer reusingCiphers(byte[] key32) {
        return new Sealer(key32, true);
    }

    /** Encrypts and authenticates {@code plaintext}, binding {@code aad} (may be null). */
    public byte[] seal(byte[] plaintext, byte[] aad) {
        byte[] nonce = Randoms.bytes(NONCE_LENGTH);
        byte[] body = gcm(true, nonce, plaintext, aad);
        byte[] out = new byte[NONCE_LENGTH + body.length];
        System.arraycopy(nonce, 0, out, 0, NONCE_LENGTH);
        System.arraycopy(body, 0, out, NONCE_LENGTH, body.length);
        return out;
    }

    /** The plaintext of {@code sealed}; throws {@link SealException} unless it is intact and {@code aad} matches. */
    public byte[] open(byte[] sealed, byte[] aad) {
        if (sealed == null || sealed.length < NONCE_LENGTH + TAG_LENGTH) {
            throw new SealException("sealed data is too short");
        }
        byte[] nonce = java.util.Arrays.copyOfRange(sealed, 0, NONCE_LENGTH);
        byte[] body = java.util.Arrays.copyOfRange(sealed, NONCE_LENGTH, sealed.length);
        return gcm(false, nonce, body, aad);
    }

    /** GCM with a caller-chosen nonce: only for checking published test vectors. */
    byte[] gcm(boolean encrypt, byte[] nonce, byte[] input, byte[] aad) {
        GCMModeCipher cipher;
        byte[] associated = aad == null ? NO_AAD : aad;
        if (keyed == null) {
            cipher = GCMBlockCipher.newInstance(AESEngine.newInstance());
            cipher.init(encrypt, new AEADParameters(new KeyParameter(key), TAG_LENGTH * 8, nonce, associated));
        } else {
            PerThread mine = keyed.get();
            cipher = mine.cipher;
            // Without a key Bouncy Castle keeps the one it holds, with its schedule and tables
            // (and refuses to seal again under the nonce it last saw).
            cipher.init(encrypt, new AEADParameters(mine.keyed ? null : new KeyParameter(key), TAG_LENGTH * 8,
                    nonce, associated));
            mine.keyed = true;
        }
        byte[] out = new byte[cipher.getOutputSize(input.length)];
        int n = cipher.processBytes(input, 0, input.length, out, 0);
        try {
            n += cipher.doFinal(out, n);
        } catch (InvalidCipherTextException e) {
            throw new SealException("sealed data failed authentication");
        }
        return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }
}
