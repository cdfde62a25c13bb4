package io.precis.consent.crypto;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.prng.EntropySource;
import org.bouncycastle.crypto.prng.SP800SecureRandomBuilder;

/**
 * Unpredictable identifiers and secrets, from each thread's own NIST SP 800-90A Hash_DRBG
 * (SHA-512, Bouncy Castle's {@link SP800SecureRandomBuilder}, as its TLS nonces are made),
 * seeded with a nonce and entropy from the system's {@link SecureRandom}.
 *
 * <p>Not the system's generator on every call: on Linux that is {@code NativePRNG}, which holds
 * one lock for the whole JVM around a read of {@code /dev/urandom} and a SHA-1 mix, and the ad
 * path asks for ids on every event loop and match thread; a thread preempted while holding it
 * stalls all the others. A thread's generator is used by that thread only, and is asked for
 * {@value #BUFFER} bytes at a time (a Hash_DRBG call costs about 3 µs however little it makes,
 * ten times a 16-byte draw from {@code NativePRNG}, which buffers {@code /dev/urandom} the same
 * way); bytes handed out are wiped from the buffer.
 */
public final class Randoms {
    private static final int BUFFER = 4096;
    private static final SecureRandom SYSTEM = new SecureRandom();
    private static final ThreadLocal<Source> SOURCES = ThreadLocal.withInitial(Source::new);
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private Randoms() {}

    public static byte[] bytes(int n) {
        byte[] out = new byte[n];
        SOURCES.get().fill(out);
        return out;
    }

    /** {@code n} random bytes as unpadded base64url; 16 bytes give a 128-bit, 22-char id. */
    public static String token(int n) {
        return B64URL.encodeToString(bytes(n));
    }

    /**
     * Seed and reseed material from the system generator's {@code nextBytes} ({@code /dev/urandom}
     * on Linux), not its {@code generateSeed}, which Bouncy Castle's basic provider calls and
     * which reads {@code /dev/random}: on older kernels that blocks, and a thread's first id may
     * be drawn on an event loop.
     */
    private static EntropySource entropy(int bits) {
        return new EntropySource() {
            @Override
            public boolean isPredictionResistant() {
                return false;
            }

            @Override
            public byte[] getEntropy() {
                byte[] seed = new byte[(bits + 7) / 8];
                SYSTEM.nextBytes(seed);
                return seed;
            }

            @Override
            public int entropySize() {
                return bits;
            }
        };
    }

    /** One thread's generator and the bytes it has made and not yet handed out. */
    private static final class Source {
        private final SecureRandom drbg;
        private final byte[] buffer = new byte[BUFFER];
        private int next = BUFFER;

        Source() {
            byte[] nonce = new byte[32];
            SYSTEM.nextBytes(nonce);
            drbg = new SP800SecureRandomBuilder(Randoms::entropy).buildHash(new SHA512Digest(), nonce, false);
        }

        void fill(byte[] out) {
            if (out.length > BUFFER) {
                drbg.nextBytes(out);
                return;
            }
            if (BUFFER - next < out.length) {
                drbg.nextBytes(buffer);
                next = 0;
            }
            System.arraycopy(buffer, next, out, 0, out.length);
            Arrays.fill(buffer, next, next + out.length, (byte) 0);
            next += out.length;
        }
    }
}
