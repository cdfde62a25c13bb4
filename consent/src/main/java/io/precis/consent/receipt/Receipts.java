package io.precis.consent.receipt;

import io.precis.consent.Json;
import io.precis.consent.PurposeKeys;
import io.precis.consent.Purposes;
import io.precis.consent.crypto.Base64Url;
import io.precis.consent.crypto.Signer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Issues and verifies receipts as compact JWS (RFC 7515) with EdDSA over Ed25519 (RFC 8037):
 * header {@code {"alg":"EdDSA","kid":...}}, payload {@code {"sub","purposes","source","iat",
 * "policy","prev"}}. Any JOSE library verifies them with {@link ReceiptKey#publicJwk()}.
 */
public final class Receipts {
    public static final String ALG = "EdDSA";

    private Receipts() {}

    /** Signs a new receipt. */
    public static Receipt issue(ReceiptKey key, String sub, Purposes purposes, String source,
                                long iat, String policy, String prev) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", ALG);
        header.put("kid", key.kid());
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("sub", sub);
        payload.put("purposes", PurposeKeys.toMap(purposes));
        payload.put("source", source);
        payload.put("iat", iat);
        payload.put("policy", policy);
        payload.put("prev", prev);
        String input = b64(Json.write(header)) + "." + b64(Json.write(payload));
        byte[] sig = key.signer().sign(input.getBytes(StandardCharsets.US_ASCII));
        return new Receipt(sub, purposes, source, iat, policy, prev, input + "." + Base64Url.encode(sig));
    }

    /**
     * Parses {@code compact} and checks its header and its signature under {@code publicKey};
     * throws {@link InvalidReceiptException} naming what is wrong.
     */
    public static Receipt verify(String compact, byte[] publicKey) {
        if (publicKey == null || publicKey.length != Signer.KEY_LENGTH) {
            throw new InvalidReceiptException("no valid Ed25519 public key to verify with");
        }
        Receipt r = parse(compact);
        String[] parts = compact.split("\\.", -1);
        if (!ReceiptKey.thumbprint(publicKey).equals(kidOf(parts[0]))) {
            throw new InvalidReceiptException("receipt was signed with another key");
        }
        byte[] input = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        if (!Signer.verify(publicKey, input, Base64Url.decode(parts[2]))) {
            throw new InvalidReceiptException("receipt signature does not verify");
        }
        return r;
    }

    /**
     * Signs {@code payload} as a compact JWS of type {@code typ} (header {@code {"alg":"EdDSA",
     * "kid":...,"typ":...}}) with the receipt key: for records other than receipts that the
     * same key vouches for, such as the consent log's head. The {@code typ} keeps one kind
     * from ever passing for another.
     */
    public static String signTyped(ReceiptKey key, String typ, Map<String, Object> payload) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", ALG);
        header.put("kid", key.kid());
        header.put("typ", typ);
        String input = b64(Json.write(header)) + "." + b64(Json.write(payload));
        byte[] sig = key.signer().sign(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + Base64Url.encode(sig);
    }

    /**
     * The payload of a JWS {@link #signTyped} made, after checking its type, key and signature
     * under {@code publicKey}; throws {@link InvalidReceiptException} naming what is wrong.
     */
    public static Map<String, Object> verifyTyped(String compact, String typ, byte[] publicKey) {
        if (publicKey == null || publicKey.length != Signer.KEY_LENGTH) {
            throw new InvalidReceiptException("no valid Ed25519 public key to verify with");
        }
        Jws jws = Jws.decode(compact == null ? null : compact.strip(), "");
        if (!ALG.equals(jws.header().get("alg")) || !typ.equals(jws.header().get("typ"))) {
            throw new InvalidReceiptException("not an EdDSA JWS of type " + typ);
        }
        if (!ReceiptKey.thumbprint(publicKey).equals(jws.header().get("kid"))) {
            throw new InvalidReceiptException("signed with another key");
        }
        if (!Signer.verify(publicKey, jws.signingInput(), jws.signature())) {
            throw new InvalidReceiptException("signature does not verify");
        }
        return jws.payload();
    }

    /** The three parts of a compact JWS, decoded; {@code what} prefixes the error messages. */
    private record Jws(Map<String, Object> header, Map<String, Object> payload, byte[] signature,
                       byte[] signingInput) {
        static Jws decode(String compact, String what) {
            String[] parts = compact == null ? new String[0] : compact.split("\\.", -1);
            if (parts.length != 3) {
                throw new InvalidReceiptException("not a compact JWS");
            }
            try {
                return new Jws(Json.readObject(utf8(parts[0])), Json.readObject(utf8(parts[1])),
                        Base64Url.decode(parts[2]),
                        (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            } catch (IllegalArgumentException e) {
                throw new InvalidReceiptException(what + "not valid base64url JSON");
            }
        }
    }

    private static Object kidOf(String headerB64) {
        return Json.readObject(utf8(headerB64)).get("kid");
    }

    /**
     * Parses {@code compact} without checking its signature: only for receipts read back from
     * our own log, whose integrity the audit checks. Throws {@link InvalidReceiptException}.
     */
    public static Receipt parse(String compact) {
        if (compact == null) {
            throw new InvalidReceiptException("no receipt");
        }
        Jws jws = Jws.decode(compact, "receipt is ");
        Map<String, Object> payload = jws.payload();
        if (!ALG.equals(jws.header().get("alg"))) {
            throw new InvalidReceiptException("receipt algorithm is not EdDSA");
        }
        if (jws.signature().length != Signer.SIGNATURE_LENGTH) {
            throw new InvalidReceiptException("receipt signature has the wrong length");
        }
        try {
            Object iat = payload.get("iat");
            Object prev = payload.get("prev");
            Object policy = payload.get("policy");
            return new Receipt((String) payload.get("sub"),
                    PurposeKeys.fromMap((Map<?, ?>) payload.get("purposes")),
                    (String) payload.get("source"), ((Number) iat).longValue(),
                    policy == null ? null : policy.toString(), (String) prev, compact);
        } catch (ClassCastException | NullPointerException e) {
            throw new InvalidReceiptException("receipt payload is incomplete");
        }
    }

    private static String b64(String json) {
        return Base64Url.encode(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String utf8(String b64) {
        return new String(Base64Url.decode(b64), StandardCharsets.UTF_8);
    }
}
