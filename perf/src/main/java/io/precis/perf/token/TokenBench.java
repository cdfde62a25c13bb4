package io.precis.perf.token;

import io.precis.consent.crypto.Hmac;
import io.precis.consent.crypto.Randoms;
import io.precis.consent.crypto.Sealer;
import io.precis.reports.token.AdServed;
import io.precis.reports.token.TokenKind;
import io.precis.reports.token.TokenSigner;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code ./precis bench token}: the cost of sealing a tracking token (two per ad served). In one
 * run, the baseline {@code sealOneShot} (a GCM cipher set up per seal: AES key schedule and
 * GHASH tables, as every token was sealed until 2026-12-01), {@code sealReusing} (the thread's
 * keyed cipher, {@link Sealer#reusingCiphers}) and {@code issue} (the whole
 * {@link TokenSigner#issue}: payload, seal, base64); and, for the keyed hashes of pseudonyms and
 * click ids, {@code hmacPerCall} (a Bouncy Castle {@code HMac} built and keyed per MAC, as until
 * 2026-12-01) against {@code hmacKept} ({@link Hmac#macOf}: the thread's keyed one, reset).
 * And for ids: {@code systemRandom} (16 bytes from one {@code SecureRandom} shared by the
 * JVM, as {@link Randoms} drew them until 2026-12-01: on Linux {@code NativePRNG}, one lock
 * around a read of {@code /dev/urandom}) against {@code randoms} (each thread's Hash_DRBG),
 * each with 1 and 4 threads ({@code *Threads4}: the event loops and match threads at once).
 * Add {@code -prof gc} for bytes per operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TokenBench {
    private final byte[] key = Randoms.bytes(Sealer.KEY_LENGTH);
    private final Sealer oneShot = new Sealer(key);
    private final Sealer reusing = Sealer.reusingCiphers(key);
    /** About a token's payload: ids, slot, site, targeting kinds, price, pseudonym, region. */
    private final byte[] payload = Randoms.bytes(180);
    private final byte[] aad = "precis-token|imp".getBytes(StandardCharsets.UTF_8);
    private final TokenSigner signer = new TokenSigner(Randoms.bytes(32), Clock.systemUTC());
    private final AdServed ad = new AdServed("aZ3k9Qm2Lx7Vb1Nc8Rt5Yw", "adv-4f7c2a9e1b3d", "cmp-8e2b6d4f1a9c",
            "crt-1", "home-top", "news.example", List.of("keyword", "region"), "CPM", 2_500_000L,
            "mZ8q2Lr7Kx4Vb9Nc1Tt6Yw", "CN-11");

    @Benchmark
    public byte[] sealOneShot() {
        return oneShot.seal(payload, aad);
    }

    @Benchmark
    public byte[] sealReusing() {
        return reusing.seal(payload, aad);
    }

    private final Hmac hmac = new Hmac(key);
    private final byte[] label = "precis/pseudonym/delivery/v1".getBytes(StandardCharsets.UTF_8);
    private final byte[] epoch = "1".getBytes(StandardCharsets.US_ASCII);
    private final byte[] userId = "reader-7f3a9c2e41".getBytes(StandardCharsets.UTF_8);

    @Benchmark
    public byte[] hmacPerCall() {
        org.bouncycastle.crypto.macs.HMac mac = new org.bouncycastle.crypto.macs.HMac(
                new org.bouncycastle.crypto.digests.SHA256Digest());
        mac.init(new org.bouncycastle.crypto.params.KeyParameter(key));
        for (byte[] part : new byte[][] {label, epoch, userId}) {
            byte[] len = {(byte) (part.length >>> 24), (byte) (part.length >>> 16), (byte) (part.length >>> 8),
                (byte) part.length};
            mac.update(len, 0, 4);
            mac.update(part, 0, part.length);
        }
        byte[] out = new byte[Hmac.LENGTH];
        mac.doFinal(out, 0);
        return out;
    }

    @Benchmark
    public byte[] hmacKept() {
        return hmac.macOf(label, epoch, userId);
    }

    @Benchmark
    public String issue() {
        return signer.issue(TokenKind.IMPRESSION, ad);
    }

    private static final java.security.SecureRandom SYSTEM = new java.security.SecureRandom();

    @Benchmark
    public byte[] systemRandom() {
        byte[] out = new byte[16];
        SYSTEM.nextBytes(out);
        return out;
    }

    @Benchmark
    @org.openjdk.jmh.annotations.Threads(4)
    public byte[] systemRandomThreads4() {
        return systemRandom();
    }

    @Benchmark
    public byte[] randoms() {
        return Randoms.bytes(16);
    }

    @Benchmark
    @org.openjdk.jmh.annotations.Threads(4)
    public byte[] randomsThreads4() {
        return Randoms.bytes(16);
    }
}
