package io.precis.reports.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    private static final Instant T0 = Instant.parse("2026-11-03T10:15:30Z");
    private static final AdServed AD = new AdServed("Zm9vYmFyYmF6cXV4cXV1eA", "adv-1", "camp-1", "cr-1",
            "slot-top", "news.example.cn", List.of("contextual", "geo"), "CPM", 12_500_000);

    private static TokenSigner signerAt(Instant now) {
        return new TokenSigner(KEY, Clock.fixed(now, ZoneOffset.UTC));
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
        assertTrue(token.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+"), token);
        assertTrue(token.length() < 1024, "length " + token.length());
    }

    @Test
    void tokenSignedWithAnotherKeyIsRejectedAsBadSignature() {
        TokenSigner other = new TokenSigner("another-key-of-32-bytes-length!!".getBytes(StandardCharsets.US_ASCII),
                Clock.fixed(T0, ZoneOffset.UTC));
        assertEquals("bad_signature", reason(signerAt(T0), other.issue(TokenKind.CLICK, AD), TokenKind.CLICK));
    }

    @Test
    void forgedPayloadWithRecomputedLookingSignatureIsRejected() {
        String token = signerAt(T0).issue(TokenKind.CLICK, AD);
        String sig = token.substring(token.indexOf('.') + 1);
        String forgedJson = "{\"k\":\"c\",\"ad\":\"x\",\"adv\":\"adv-1\",\"cmp\":\"camp-1\",\"cr\":\"cr-1\","
                + "\"m\":[],\"bm\":\"CPC\",\"p\":999999999,\"iat\":0,\"exp\":9999999999}";
        String forged = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(forgedJson.getBytes(StandardCharsets.UTF_8)) + "." + sig;
        assertEquals("bad_signature", reason(signerAt(T0), forged, TokenKind.CLICK));
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
        int dot = token.indexOf('.');
        byte[] json = Base64.getUrlDecoder().decode(token.substring(0, dot));
        json[json.length / 2] ^= 0x01;
        String altered = Base64.getUrlEncoder().withoutPadding().encodeToString(json) + token.substring(dot);
        assertEquals("bad_signature", reason(s, altered, TokenKind.CLICK));
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
                "\u0000\uFFFF.\uD800", valid + ".", "." + valid, valid.replace('.', '!'),
                valid.substring(0, valid.length() - 1), valid + "A", "x".repeat(10_000_000),
                "eyJ9." + valid.substring(valid.indexOf('.') + 1));
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
