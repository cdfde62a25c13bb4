package io.precis.reports.token;

import io.precis.consent.crypto.ConstantTime;
import io.precis.consent.crypto.Hmac;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * Issues and verifies tracking tokens: {@code base64url(json) "." base64url(HMAC-SHA256)}.
 *
 * <p>The MAC covers a domain-separation label and the encoded payload text exactly as sent, so
 * no other string (not even another base64 spelling of the same bytes) verifies. Thread-safe.
 */
public final class TokenSigner {
    /** API.md: impression tokens live 1 h (the page view that shows the ad). */
    public static final Duration DEFAULT_IMPRESSION_TTL = Duration.ofHours(1);
    /** API.md: click tokens live 24 h (a user may click an ad on a page left open). */
    public static final Duration DEFAULT_CLICK_TTL = Duration.ofHours(24);
    /** Real tokens are ~0.5 KB; anything far larger is rejected before any work is done. */
    static final int MAX_TOKEN_CHARS = 4096;
    /** Click ids are 128 bits: unguessable, and short in a landing-page URL. */
    static final int CLICK_ID_BYTES = 16;

    private static final byte[] TOKEN_LABEL = bytes("precis/tracking-token/v1");
    private static final byte[] CLICK_ID_LABEL = bytes("click-id");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final Hmac hmac;
    private final Clock clock;
    private final Duration impressionTtl;
    private final Duration clickTtl;

    /** @param key HMAC key, at least 16 bytes (copied) */
    public TokenSigner(byte[] key, Clock clock, Duration impressionTtl, Duration clickTtl) {
        this.hmac = new Hmac(key);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.impressionTtl = positive(impressionTtl, "impressionTtl");
        this.clickTtl = positive(clickTtl, "clickTtl");
    }

    /** A signer with the default lifetimes (impression 1 h, click 24 h). */
    public TokenSigner(byte[] key, Clock clock) {
        this(key, clock, DEFAULT_IMPRESSION_TTL, DEFAULT_CLICK_TTL);
    }

    /** A signed token for {@code ad}, issued now (whole seconds) for the kind's lifetime. */
    public String issue(TokenKind kind, AdServed ad) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(ad, "ad");
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Duration ttl = kind == TokenKind.IMPRESSION ? impressionTtl : clickTtl;
        String payload = B64.encodeToString(TokenPayload.encode(new TrackingToken(kind, ad, now, now.plus(ttl))));
        return payload + "." + signature(payload);
    }

    /**
     * The token's content if it is genuine, unexpired and of the {@code expected} kind.
     * Never throws anything but {@link InvalidTokenException}, whatever {@code token} is.
     */
    public TrackingToken verify(String token, TokenKind expected) throws InvalidTokenException {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
            throw new InvalidTokenException("malformed");
        }
        int dot = token.indexOf('.');
        if (dot <= 0 || dot != token.lastIndexOf('.') || dot == token.length() - 1) {
            throw new InvalidTokenException("malformed");
        }
        String payload = token.substring(0, dot);
        byte[] given = bytes(token.substring(dot + 1));
        if (!ConstantTime.equals(bytes(signature(payload)), given)) {
            throw new InvalidTokenException("bad_signature");
        }
        byte[] json;
        try {
            json = B64D.decode(payload);
        } catch (IllegalArgumentException e) {
            throw new InvalidTokenException("malformed");
        }
        TrackingToken t = TokenPayload.decode(json);
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

    private String signature(String payload) {
        return B64.encodeToString(hmac.macOf(TOKEN_LABEL, bytes(payload)));
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
