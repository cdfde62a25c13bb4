package io.precis.consent.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Ed25519 against RFC 8032 §7.1, tests 1–3. */
class SignerTest {
    private static final HexFormat HEX = HexFormat.of();

    private static void assertVector(String secret, String pub, String msg, String sig) {
        Signer signer = Signer.fromPrivate(HEX.parseHex(secret));
        assertArrayEquals(HEX.parseHex(pub), signer.publicKey());
        assertArrayEquals(HEX.parseHex(sig), signer.sign(HEX.parseHex(msg)));
        assertTrue(Signer.verify(HEX.parseHex(pub), HEX.parseHex(msg), HEX.parseHex(sig)));
    }

    @Test
    void rfc8032Test1EmptyMessageMatchesPublishedKeyAndSignature() {
        assertVector("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
                "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
    }

    @Test
    void rfc8032Test2OneByteMessageMatchesPublishedKeyAndSignature() {
        assertVector("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
                "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
                "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
    }

    @Test
    void rfc8032Test3TwoByteMessageMatchesPublishedKeyAndSignature() {
        assertVector("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
                "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
                "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a");
    }

    @Test
    void alteredMessageSignatureOrKeyDoesNotVerify() {
        Signer signer = Signer.generate();
        byte[] msg = "consent".getBytes(StandardCharsets.UTF_8);
        byte[] sig = signer.sign(msg);
        assertTrue(Signer.verify(signer.publicKey(), msg, sig));
        assertFalse(Signer.verify(signer.publicKey(), "consenT".getBytes(StandardCharsets.UTF_8), sig));
        byte[] bad = sig.clone();
        bad[10] ^= 1;
        assertFalse(Signer.verify(signer.publicKey(), msg, bad));
        assertFalse(Signer.verify(Signer.generate().publicKey(), msg, sig));
        assertFalse(Signer.verify(null, msg, sig));
        assertFalse(Signer.verify(signer.publicKey(), msg, new byte[3]));
    }

    @Test
    void keyRestoredFromSeedSignsIdentically() {
        Signer a = Signer.generate();
        Signer b = Signer.fromPrivate(a.privateSeed());
        assertArrayEquals(a.publicKey(), b.publicKey());
        assertArrayEquals(a.sign(new byte[] {1, 2}), b.sign(new byte[] {1, 2}));
        assertFalse(a.toString().contains(HEX.formatHex(a.privateSeed())));
    }
}
