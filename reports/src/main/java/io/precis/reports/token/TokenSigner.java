package io.precis.reports.token;

import io.precis.consent.crypto.Hkdf;
import io.precis.consent.crypto.Hmac;
import io.precis.consent.crypto.SealException;
import io.precis.consent.crypto.Sealer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * Issues and verifies tracking tokens: {@code base64url(hour ‖ AES-256-GCM(payload))}, the
 * payload being {@link TokenPayload}'s binary form, sealed by {@link Sealer} (random 96-bit
 * nonce, full 128-bit tag) under a key derived with HKDF from the token key and the hour of
 * issue (4 bytes, hours since the epoch, the only clear part).
 *
 * <p>Why a key per hour: GCM with random nonces stays within its bound (NIST SP 800-38D §8.3)
 * for 2^32 seals per key, and two tokens per served ad would pass that within days under one
 * key; per hour it allows over a million seals a second.
 *
 * <p>Why the whole payload sealed, not a signed payload with only the user-linked fields
 * sealed: tokens sit in every impression and click link of a publisher's page, readable by any
 * script there. Besides the measurement pseudonym and region, the targeting kinds an ad matched
 * on (demographic, behavioural, geo) say something about the user, and the price is the
 * advertiser's business; sealing everything hides all of it with one primitive. AEAD also
 * authenticates, so a forged or altered token fails exactly where a bad MAC failed before
 * ({@code bad_signature}), and the token is shorter than a payload plus a 32-byte MAC. The
 * domain label is bound as associated data, so no other sealed value of this deployment opens
 * as a token. Thread-safe.
 */
public final class TokenSigner {
    /** API.md: impression tokens live 1 h (the page view that shows the ad). */
    public static final Duration DEFAULT_IMPRESSION_TTL = Duration.ofHours(1);
    /** API.md: click tokens live 24 h (a user may click an ad on a page left open). */
    public static final Duration DEFAULT_CLICK_TTL = Duration.ofHours(24);
    /** Real tokens are ~0.3 KB; anything far larger is rejected before any work is done. */
    static final int MAX_TOKEN_CHARS = 4096;
    /** Click ids are 128 bits: unguessable, and short in a landing-page URL. */
    static final int CLICK_ID_BYTES = 16;

    /** Associated data of every sealed token, and the HKDF label of the sealing keys. */
    private static final byte[] TOKEN_LABEL = bytes("precis/tracking-token/v2");
    /** The hour of issue, in clear before the sealed bytes: hours since the epoch, big-endian. */
    private static final int HOUR_BYTES = 4;
    private static final byte[] CLICK_ID_LABEL = bytes("click-id");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final Hmac hmac;
    /** The token key, input of each hour's sealing key. */
    private final byte[] sealingRoot;
    private final Clock clock;
    private final Duration impressionTtl;
    private final Duration clickTtl;
    /** Sealers by hour of issue (hours since the epoch), for the hours a valid token can have. */
    private final java.util.concurrent.ConcurrentHashMap<Integer, Sealer> sealers =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** Hours a token issued then can still be verified in: the longest lifetime plus two. */
    private final int keptHours;

    /**
     * @param key the token key, at least 16 bytes (copied): the HMAC key of click ids, and the
     *            input of the sealing key's derivation
     */
    public TokenSigner(byte[] key, Clock clock, Duration impressionTtl, Duration clickTtl) {
        this.hmac = new Hmac(key);
        this.sealingRoot = key.clone();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.impressionTtl = positive(impressionTtl, "impressionTtl");
        this.clickTtl = positive(clickTtl, "clickTtl");
        this.keptHours = (int) Math.min(10_000, Math.max(this.impressionTtl.toHours(), this.clickTtl.toHours()) + 2);
    }

    /** A signer with the default lifetimes (impression 1 h, click 24 h). */
    public TokenSigner(byte[] key, Clock clock) {
        this(key, clock, DEFAULT_IMPRESSION_TTL, DEFAULT_CLICK_TTL);
    }

    /** A sealed token for {@code ad}, issued now (whole seconds) for the kind's lifetime. */
    public String issue(TokenKind kind, AdServed ad) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(ad, "ad");
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Duration ttl = kind == TokenKind.IMPRESSION ? impressionTtl : clickTtl;
        byte[] payload = TokenPayload.encode(new TrackingToken(kind, ad, now, now.plus(ttl)));
        byte[] hour = ByteBuffer.allocate(HOUR_BYTES).putInt((int) (now.getEpochSecond() / 3600)).array();
        byte[] sealed = sealerOf(hour).seal(payload, TOKEN_LABEL);
        return B64.encodeToString(ByteBuffer.allocate(HOUR_BYTES + sealed.length).put(hour).put(sealed).array());
    }

    /**
     * The token's content if it is genuine, unexpired and of the {@code expected} kind.
     * Never throws anything but {@link InvalidTokenException}, whatever {@code token} is.
     */
    public TrackingToken verify(String token, TokenKind expected) throws InvalidTokenException {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
            throw new InvalidTokenException("malformed");
        }
        byte[] sealed;
        try {
            sealed = B64D.decode(token);
        } catch (IllegalArgumentException e) {
            throw new InvalidTokenException("malformed");
        }
        // One spelling only: the decoder ignores a last character's unused bits.
        if (!B64.encodeToString(sealed).equals(token)) {
            throw new InvalidTokenException("malformed");
        }
        if (sealed.length < HOUR_BYTES) {
            throw new InvalidTokenException("malformed");
        }
        byte[] payload;
        try {
            payload = sealerOf(Arrays.copyOf(sealed, HOUR_BYTES))
                    .open(Arrays.copyOfRange(sealed, HOUR_BYTES, sealed.length), TOKEN_LABEL);
        } catch (SealException e) {
            throw new InvalidTokenException("bad_signature"); // forged, altered, or another key's
        }
        TrackingToken t = TokenPayload.decode(payload);
        if (t.kind() != expected) {
            throw new InvalidTokenException("wrong_kind");
        }
        if (!clock.instant().isBefore(t.expiresAt())) {
            throw new InvalidTokenException("expired");
        }
        return t;
    }

    /** Deterministic, unforgeable click id: base64url of HMAC(key, "click-id", adId)[0..16). */
    public String clickId(AdServed ad) {
        byte[] mac = hmac.macOf(CLICK_ID_LABEL, bytes(ad.adId()));
        return B64.encodeToString(Arrays.copyOf(mac, CLICK_ID_BYTES));
    }

    /**
     * The sealer of the hour whose 4 bytes are {@code hour}: a key of its own (HKDF, info = label
     * ‖ hour). Derived once per hour and kept while tokens of that hour can still be valid (the
     * longest lifetime, plus one hour of clock skew), so issuing and verifying a token costs one
     * GCM operation, not an HKDF derivation as well.
     */
    private Sealer sealerOf(byte[] hour) {
        int h = ByteBuffer.wrap(hour).getInt();
        Sealer known = sealers.get(h);
        if (known != null) {
            return known;
        }
        byte[] info = Arrays.copyOf(TOKEN_LABEL, TOKEN_LABEL.length + HOUR_BYTES);
        System.arraycopy(hour, 0, info, TOKEN_LABEL.length, HOUR_BYTES);
        Sealer sealer = Sealer.reusingCiphers(Hkdf.derive(sealingRoot, null, info, Sealer.KEY_LENGTH));
        if (sealers.size() >= keptHours) {
            // Forged tokens may name any hour: keep only the hours a valid token can have.
            int now = (int) (clock.instant().getEpochSecond() / 3600);
            sealers.keySet().removeIf(k -> k < now - keptHours || k > now + 1);
        }
        if (sealers.size() < keptHours) {
            sealers.putIfAbsent(h, sealer);
        }
        return sealer;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Duration positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
        return d;
    }
}
