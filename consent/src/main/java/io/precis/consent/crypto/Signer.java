package io.precis.consent.crypto;

import java.security.SecureRandom;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Ed25519 signatures (RFC 8032, pure variant) through Bouncy Castle. Thread-safe: each call
 * builds its own {@link Ed25519Signer}. The private key never leaves the instance except
 * through {@link #privateSeed()}, which exists only so a key can be written to its key file.
 */
public final class Signer {
    /** Ed25519 private seed and public key size. */
    public static final int KEY_LENGTH = 32;
    public static final int SIGNATURE_LENGTH = 64;

    private final Ed25519PrivateKeyParameters privateKey;
    private final byte[] publicKey;

    private Signer(Ed25519PrivateKeyParameters privateKey) {
        this.privateKey = privateKey;
        this.publicKey = privateKey.generatePublicKey().getEncoded();
    }

    /** A new key pair from a fresh random seed. */
    public static Signer generate() {
        return new Signer(new Ed25519PrivateKeyParameters(new SecureRandom()));
    }

    /** The key pair of a 32-byte RFC 8032 private key (seed). */
    public static Signer fromPrivate(byte[] seed32) {
        if (seed32 == null || seed32.length != KEY_LENGTH) {
            throw new IllegalArgumentException("Ed25519 private key must be 32 bytes");
        }
        return new Signer(new Ed25519PrivateKeyParameters(seed32, 0));
    }

    public byte[] sign(byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, privateKey);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    /** The 32-byte encoded public key. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The 32-byte private seed, for persisting to an owner-only key file. */
    public byte[] privateSeed() {
        return privateKey.getEncoded();
    }

    /** Whether {@code sig} is a valid signature of {@code msg} under {@code pub}; false on any malformed input. */
    public static boolean verify(byte[] pub, byte[] msg, byte[] sig) {
        if (pub == null || pub.length != KEY_LENGTH || msg == null || sig == null
                || sig.length != SIGNATURE_LENGTH) {
            return false;
        }
        try {
            Ed25519Signer verifier = new Ed25519Signer();
            verifier.init(false, new Ed25519PublicKeyParameters(pub, 0));
            verifier.update(msg, 0, msg.length);
            return verifier.verifySignature(sig);
        } catch (RuntimeException e) {
            // An encoding that is not a curve point is simply not a valid key.
            return false;
        }
    }

    @Override
    public String toString() {
        return "Signer[Ed25519, private key redacted]";
    }
}
