package io.precis.consent.receipt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.precis.consent.Purposes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReceiptsTest {
    /** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410), before the 32 key bytes. */
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    /**
     * Verifies a compact JWS the way an outside party would: split it, decode it with the JDK's
     * base64url, rebuild the key from the published JWK and check the signature with the JDK's
     * own Ed25519 (not Bouncy Castle). Returns the payload.
     */
    static JsonNode verifyIndependently(String jws, Map<String, Object> jwk) throws Exception {
        String[] parts = jws.split("\\.");
        assertEquals(3, parts.length);
        Base64.Decoder b64 = Base64.getUrlDecoder();
        ObjectMapper json = new ObjectMapper();
        JsonNode header = json.readTree(b64.decode(parts[0]));
        assertEquals("EdDSA", header.get("alg").asText());
        assertEquals(jwk.get("kid"), header.get("kid").asText());
        assertEquals("OKP", jwk.get("kty"));
        assertEquals("Ed25519", jwk.get("crv"));
        byte[] x = b64.decode((String) jwk.get("x"));
        byte[] spki = new byte[ED25519_SPKI_PREFIX.length + 32];
        System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
        System.arraycopy(x, 0, spki, ED25519_SPKI_PREFIX.length, 32);
        PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        Signature sig = Signature.getInstance("Ed25519");
        sig.initVerify(key);
        sig.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertTrue(sig.verify(b64.decode(parts[2])), "JDK Ed25519 rejects the receipt signature");
        return json.readTree(b64.decode(parts[1]));
    }

    @Test
    void receiptIsACompactJwsThatVerifiesWithThePublishedJwkIndependently(@TempDir Path keys) throws Exception {
        ReceiptKey key = ReceiptKey.openOrCreate(keys);
        Receipt r = Receipts.issue(key, "1abc", new Purposes(true, false, true, false), "user", 1735689600L, "4", null);
        JsonNode payload = verifyIndependently(r.compact(), key.publicJwk());
        assertEquals("1abc", payload.get("sub").asText());
        assertTrue(payload.get("purposes").get("personalisation").asBoolean());
        assertEquals(false, payload.get("purposes").get("profiling").asBoolean());
        assertTrue(payload.get("purposes").get("measurement").asBoolean());
        assertEquals(false, payload.get("purposes").get("precise_geo").asBoolean());
        assertEquals("user", payload.get("source").asText());
        assertEquals(1735689600L, payload.get("iat").asLong());
        assertEquals("4", payload.get("policy").asText());
        assertTrue(payload.get("prev").isNull());
    }

    @Test
    void kidIsTheRfc7638ThumbprintOfThePublicKey(@TempDir Path keys) throws Exception {
        ReceiptKey key = ReceiptKey.openOrCreate(keys);
        String x = (String) key.publicJwk().get("x");
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                .digest(("{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"" + x + "\"}").getBytes(StandardCharsets.UTF_8));
        assertEquals(Base64.getUrlEncoder().withoutPadding().encodeToString(digest), key.kid());
    }

    @Test
    void receiptKeyPersistsAndIsOwnerOnly(@TempDir Path keys) throws Exception {
        String kid = ReceiptKey.openOrCreate(keys).kid();
        assertEquals(kid, ReceiptKey.openOrCreate(keys).kid());
        assertEquals(kid, ReceiptKey.openExisting(keys).kid());
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(keys.resolve("receipt/ed25519.key"))));
    }

    @Test
    void verifyRoundTripsAndRejectsAlteredPayloadOrForeignKey(@TempDir Path keys, @TempDir Path other) {
        ReceiptKey key = ReceiptKey.openOrCreate(keys);
        Receipt r = Receipts.issue(key, "1abc", Purposes.ALL, "tcf", 10, "4", "prevhash");
        assertEquals(r, Receipts.verify(r.compact(), key.publicKey()));
        String[] parts = r.compact().split("\\.");
        String forgedPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                        .replace("\"tcf\"", "\"user\"").getBytes(StandardCharsets.UTF_8));
        assertThrows(InvalidReceiptException.class,
                () -> Receipts.verify(parts[0] + "." + forgedPayload + "." + parts[2], key.publicKey()));
        assertThrows(InvalidReceiptException.class,
                () -> Receipts.verify(r.compact(), ReceiptKey.openOrCreate(other).publicKey()));
        assertThrows(InvalidReceiptException.class, () -> Receipts.verify("a.b", key.publicKey()));
        assertNull(Receipts.issue(key, "s", Purposes.NONE, "user", 1, "4", null).prev());
    }
}
