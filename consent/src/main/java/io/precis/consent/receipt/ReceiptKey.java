package io.precis.consent.receipt;

import io.precis.consent.crypto.Base64Url;
import io.precis.consent.crypto.Digests;
import io.precis.consent.crypto.KeyFiles;
import io.precis.consent.crypto.Signer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Ed25519 key that signs consent receipts: a 32-byte seed in
 * {@code <keysDir>/receipt/ed25519.key} (mode 600). Its key id is the RFC 7638 JWK thumbprint,
 * so anyone holding the published JWK can recompute it.
 */
public final class ReceiptKey {
    private static final String FILE = "receipt/ed25519.key";

    private final Signer signer;
    private final String kid;

    private ReceiptKey(Signer signer) {
        this.signer = signer;
        this.kid = thumbprint(signer.publicKey());
    }

    /** The key of {@code keysDir}, generated on first use. */
    public static ReceiptKey openOrCreate(Path keysDir) {
        return new ReceiptKey(Signer.fromPrivate(KeyFiles.loadOrCreate(keysDir.resolve(FILE), Signer.KEY_LENGTH)));
    }

    /** The key of {@code keysDir}; throws {@link IllegalStateException} when there is none (nothing is created). */
    public static ReceiptKey openExisting(Path keysDir) {
        Path f = keysDir.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            throw new IllegalStateException("no receipt signing key at " + f);
        }
        try {
            byte[] seed = Files.readAllBytes(f);
            if (seed.length != Signer.KEY_LENGTH) {
                throw new IllegalStateException("receipt key file " + f + " has the wrong length");
            }
            return new ReceiptKey(Signer.fromPrivate(seed));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
    }

    Signer signer() {
        return signer;
    }

    public String kid() {
        return kid;
    }

    public byte[] publicKey() {
        return signer.publicKey();
    }

    /** {@code {"kty":"OKP","crv":"Ed25519","x":...,"kid":...}} (RFC 8037 §2). */
    public Map<String, Object> publicJwk() {
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "OKP");
        jwk.put("crv", "Ed25519");
        jwk.put("x", Base64Url.encode(signer.publicKey()));
        jwk.put("kid", kid);
        return jwk;
    }

    /** RFC 7638 thumbprint of an OKP key: SHA-256 over the required members in lexical order. */
    static String thumbprint(byte[] pub) {
        String canonical = "{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"" + Base64Url.encode(pub) + "\"}";
        return Base64Url.encode(Digests.sha256(canonical));
    }

    @Override
    public String toString() {
        return "ReceiptKey[" + kid + "]";
    }
}
