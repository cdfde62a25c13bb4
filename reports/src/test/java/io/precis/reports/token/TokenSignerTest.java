package io.precis.reports.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.consent.crypto.Sealer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenSignerTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Instant T0 = Instant.parse("2026-11-03T10:15:30Z");
    private static final AdServed AD = new AdServed("Zm9vYmFyYmF6cXV4cXV1eA", "adv-1", "camp-1", "cr-1",
            "slot-top", "news.example.cn", List.of("contextual", "geo"), "CPM", 12_500_000);

    /** An ad served to a user with measurement consent: it carries their pseudonym and region. */
    private static final AdServed CONSENTED = new AdServed("Zm9vYmFyYmF6cXV4cXV1eA", "adv-1", "camp-1", "cr-1",
            "slot-top", "news.example.cn", List.of("contextual", "demographic"), "CPC", 2_000_000,
            "1Qm9xT4vB7nL2kP5sW8zY3c", "CN-11");

    private static TokenSigner signerAt(Instant now) {
        return new TokenSigner(KEY, Clock.fixed(now, ZoneOffset.UTC));
    }

    private static boolean isJsonObject(String text) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text).isObject();
        } catch (java.io.IOException notJson) {
            return false;
        }
    }

    private static String reason(TokenSigner s, String token, TokenKind kind) {
        return assertThrows(InvalidTokenException.class, () -> s.verify(token, kind)).reason();
    }

    @Test
    void issuedTokenVerifiesBackToTheSameAdWithItsLifetime() throws Exception {
        TokenSigner s = signerAt(T0);
        TrackingToken t = s.verify(s.issue(TokenKind.CLICK, AD), TokenKind.CLICK);
        assertEquals(new TrackingToken(TokenKind.CLICK, AD, T0, T0.plus(Duration.ofHours(24))), t);
        TrackingToken i = s.verify(s.issue(TokenKind.IMPRESSION, AD), TokenKind.IMPRESSION);
        assertEquals(T0.plus(Duration.ofHours(1)), i.expiresAt());
    }

    @Test
    void adWithoutSlotSiteOrMatchedByRoundTrips() throws Exception {
        AdServed bare = new AdServed("abc", "adv", "c", "cr", null, null, null, "CPA", 0);
        TokenSigner s = signerAt(T0);
        assertEquals(bare, s.verify(s.issue(TokenKind.IMPRESSION, bare), TokenKind.IMPRESSION).ad());
    }

    @Test
    void tokenIsUrlSafeAndShort() {
        String token = signerAt(T0).issue(TokenKind.CLICK, AD);
        assertTrue(token.matches("[A-Za-z0-9_-]+"), token);
        assertTrue(token.length() < 400, "length " + token.length());
    }

    @Test
    void tokenCarriesNoReadableUserLinkedValueNorJson() throws Exception {
        TokenSigner s = signerAt(T0);
        String token = s.issue(TokenKind.CLICK, CONSENTED);
        List<String> secrets = List.of(CONSENTED.pseudonym(), CONSENTED.region(), CONSENTED.campaignId(),
                CONSENTED.site(), "demographic", "\"ps\"");
        for (String secret : secrets) {
            assertFalse(token.contains(secret), "token text shows " + secret);
        }
        // Base64 of each value at any of the 3 byte alignments, and the token decoded from any offset.
        for (int shift = 0; shift < 4; shift++) {
            for (String secret : secrets) {
                String encoded = B64.encodeToString(("x".repeat(shift % 3) + secret).getBytes(StandardCharsets.UTF_8));
                // The characters made of the value's bits alone (none of the prefix's, all of the value's).
                String core = encoded.substring((shift % 3 * 8 + 5) / 6, encoded.length() - 1);
                assertFalse(core.length() > 2 && token.contains(core), "base64 of " + secret + " at " + shift);
            }
            String decoded = new String(Base64.getUrlDecoder().decode(
                    token.substring(shift, shift + (token.length() - shift) / 4 * 4)), StandardCharsets.ISO_8859_1);
            for (String secret : secrets) {
                assertFalse(decoded.contains(secret), "decodes to " + secret + " from offset " + shift);
            }
            assertFalse(isJsonObject(decoded), "decodes to JSON from offset " + shift);
        }
        assertNotEquals(token, s.issue(TokenKind.CLICK, CONSENTED), "a fresh nonce: two tokens of one ad differ");
        assertEquals(CONSENTED, s.verify(token, TokenKind.CLICK).ad());
    }

    @Test
    void tokenSignedWithAnotherKeyIsRejectedAsBadSignature() {
        TokenSigner other = new TokenSigner("another-key-of-32-bytes-length!!".getBytes(StandardCharsets.US_ASCII),
                Clock.fixed(T0, ZoneOffset.UTC));
        assertEquals("bad_signature", reason(signerAt(T0), other.issue(TokenKind.CLICK, AD), TokenKind.CLICK));
    }

    @Test
    void forgedPayloadWithRecomputedLookingSignatureIsRejected() {
        AdServed cheap = new AdServed("x", "adv-1", "camp-1", "cr-1", null, null, null, "CPC", 999_999_999);
        byte[] forged = TokenPayload.encode(new TrackingToken(TokenKind.CLICK, cheap, T0, T0.plusSeconds(9_999_999)));
        // Sealed under the raw token key instead of the derived sealing key, and not sealed at all.
        String wrongKey = B64.encodeToString(new Sealer(KEY).seal(forged, "precis/tracking-token/v2".getBytes(
                StandardCharsets.UTF_8)));
        assertEquals("bad_signature", reason(signerAt(T0), wrongKey, TokenKind.CLICK));
        String bare = B64.encodeToString(forged);
        assertEquals("bad_signature", reason(signerAt(T0), bare, TokenKind.CLICK));
    }

    @Test
    void everySingleAlteredCharacterOfTheTokenIsRejected() {
        TokenSigner s = signerAt(T0);
        String token = s.issue(TokenKind.IMPRESSION, AD);
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            String altered = token.substring(0, i) + (c == 'A' ? 'B' : 'A') + token.substring(i + 1);
            assertThrows(InvalidTokenException.class, () -> s.verify(altered, TokenKind.IMPRESSION), "index " + i);
        }
    }

    @Test
    void oneAlteredByteOfThePayloadIsRejected() {
        TokenSigner s = signerAt(T0);
        String token = s.issue(TokenKind.CLICK, AD);
        byte[] sealed = Base64.getUrlDecoder().decode(token);
        for (int i : new int[] {0, Sealer.NONCE_LENGTH, sealed.length / 2, sealed.length - 1}) {
            byte[] altered = sealed.clone();
            altered[i] ^= 0x01;
            assertEquals("bad_signature", reason(s, B64.encodeToString(altered), TokenKind.CLICK), "byte " + i);
        }
        byte[] truncated = java.util.Arrays.copyOf(sealed, sealed.length - 1);
        assertEquals("bad_signature", reason(s, B64.encodeToString(truncated), TokenKind.CLICK));
    }

    @Test
    void tokenIsRejectedAsExpiredFromItsExpiryInstantOn() throws Exception {
        String token = signerAt(T0).issue(TokenKind.IMPRESSION, AD);
        signerAt(T0.plus(Duration.ofMinutes(59))).verify(token, TokenKind.IMPRESSION);
        assertEquals("expired", reason(signerAt(T0.plus(Duration.ofHours(1))), token, TokenKind.IMPRESSION));
        String click = signerAt(T0).issue(TokenKind.CLICK, AD);
        assertEquals("expired", reason(signerAt(T0.plus(Duration.ofHours(25))), click, TokenKind.CLICK));
    }

    @Test
    void customLifetimesAreHonoured() {
        TokenSigner shortLived = new TokenSigner(KEY, Clock.fixed(T0, ZoneOffset.UTC),
                Duration.ofSeconds(5), Duration.ofSeconds(10));
        String token = shortLived.issue(TokenKind.CLICK, AD);
        assertEquals("expired", reason(signerAt(T0.plusSeconds(10)), token, TokenKind.CLICK));
    }

    @Test
    void impressionTokenCannotBeRedeemedAsClickNorClickAsImpression() {
        TokenSigner s = signerAt(T0);
        assertEquals("wrong_kind", reason(s, s.issue(TokenKind.IMPRESSION, AD), TokenKind.CLICK));
        assertEquals("wrong_kind", reason(s, s.issue(TokenKind.CLICK, AD), TokenKind.IMPRESSION));
    }

    @Test
    void garbageStringsAreRejectedWithInvalidTokenExceptionOnly() {
        TokenSigner s = signerAt(T0);
        String valid = s.issue(TokenKind.CLICK, AD);
        List<String> garbage = List.of("", ".", "..", "a.b", "a.b.c", "%%%.***", "not base64!",
                "\u0000\uFFFF.\uD800", valid + ".", "." + valid, "!" + valid.substring(1),
                valid.substring(0, valid.length() - 1), valid + "A", "x".repeat(10_000_000),
                "eyJ9." + valid, valid + "==", valid.substring(0, 10) + " " + valid.substring(10));
        for (String g : garbage) {
            assertThrows(InvalidTokenException.class, () -> s.verify(g, TokenKind.CLICK),
                    () -> "accepted " + (g.length() > 40 ? g.substring(0, 40) + "..." : g));
        }
        assertEquals("malformed", reason(s, null, TokenKind.CLICK));
        assertEquals("malformed", reason(s, "x".repeat(100_000), TokenKind.CLICK));
    }

    @Test
    void clickIdIsDeterministicUnguessableAndPerAd() {
        TokenSigner s = signerAt(T0);
        String id = s.clickId(AD);
        assertEquals(id, signerAt(T0.plusSeconds(3600)).clickId(AD));
        assertEquals(22, id.length()); // 16 bytes, base64url without padding
        assertTrue(id.matches("[A-Za-z0-9_-]+"));
        AdServed other = new AdServed("another-ad-id", "adv-1", "camp-1", "cr-1", null, null, null, "CPM", 1);
        assertNotEquals(id, s.clickId(other));
        TokenSigner otherKey = new TokenSigner("yet-another-key-32-bytes-long!!!".getBytes(StandardCharsets.US_ASCII),
                Clock.fixed(T0, ZoneOffset.UTC));
        assertNotEquals(id, otherKey.clickId(AD));
    }

    @Test
    void clickIdFollowsTheDocumentedConstruction() {
        byte[] mac = new io.precis.consent.crypto.Hmac(KEY).macOf("click-id".getBytes(StandardCharsets.UTF_8),
                AD.adId().getBytes(StandardCharsets.UTF_8));
        String expected = Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(mac, 16));
        assertEquals(expected, signerAt(T0).clickId(AD));
    }

    @Test
    void adServedRejectsUnknownBidModelAndNegativePrice() {
        assertThrows(IllegalArgumentException.class,
                () -> new AdServed("a", "adv", "c", "cr", null, null, null, "CPV", 1));
        assertThrows(IllegalArgumentException.class,
                () -> new AdServed("a", "adv", "c", "cr", null, null, null, "CPM", -1));
    }
}
