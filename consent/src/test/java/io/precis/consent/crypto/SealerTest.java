package io.precis.consent.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * AES-256-GCM against the AES-256 vectors of McGrew and Viega, "The Galois/Counter Mode of
 * Operation (GCM)", test cases 13–16 (also in NIST's GCM validation set).
 */
class SealerTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String K15 = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";
    private static final String IV15 = "cafebabefacedbaddecaf888";
    private static final String P15 = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
            + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255";
    private static final String C15 = "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
            + "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad";

    /**
     * The vector through a one-shot sealer and through a reusing one; the reusing one's cipher,
     * keyed once, refuses to seal again under the nonce it just used (Bouncy Castle's guard)
     * and still opens afterwards.
     */
    private static void assertVector(String key, String iv, String plain, String aad, String cipher, String tag) {
        for (Sealer sealer : new Sealer[] {new Sealer(HEX.parseHex(key)), Sealer.reusingCiphers(HEX.parseHex(key))}) {
            byte[] out = sealer.gcm(true, HEX.parseHex(iv), HEX.parseHex(plain), HEX.parseHex(aad));
            assertEquals(cipher + tag, HEX.formatHex(out));
            assertArrayEquals(HEX.parseHex(plain), sealer.gcm(false, HEX.parseHex(iv), out, HEX.parseHex(aad)));
            assertArrayEquals(HEX.parseHex(plain), sealer.gcm(false, HEX.parseHex(iv), out, HEX.parseHex(aad)));
        }
        Sealer reusing = Sealer.reusingCiphers(HEX.parseHex(key));
        byte[] out = reusing.gcm(true, HEX.parseHex(iv), HEX.parseHex(plain), HEX.parseHex(aad));
        assertThrows(IllegalArgumentException.class,
                () -> reusing.gcm(true, HEX.parseHex(iv), HEX.parseHex(plain), HEX.parseHex(aad)));
        assertArrayEquals(HEX.parseHex(plain), reusing.gcm(false, HEX.parseHex(iv), out, HEX.parseHex(aad)));
    }

    @Test
    void gcmTestCase13EmptyPlaintextMatchesPublishedTag() {
        assertVector("00".repeat(32), "00".repeat(12), "", "", "", "530f8afbc74536b9a963b4f1c4cb738b");
    }

    @Test
    void gcmTestCase14ZeroBlockMatchesPublishedCiphertextAndTag() {
        assertVector("00".repeat(32), "00".repeat(12), "00".repeat(16), "",
                "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919");
    }

    @Test
    void gcmTestCase15FourBlocksMatchesPublishedCiphertextAndTag() {
        assertVector(K15, IV15, P15, "", C15, "b094dac5d93471bdec1a502270e3cc6c");
    }

    @Test
    void gcmTestCase16WithAadAndPartialBlockMatchesPublishedCiphertextAndTag() {
        assertVector(K15, IV15, P15.substring(0, 120), "feedfacedeadbeeffeedfacedeadbeefabaddad2",
                C15.substring(0, 120), "76fc6ece0f4e1768cddf8853bb2d551b");
    }

    @Test
    void sealedDataOpensWithSameKeyAndAad() {
        Sealer sealer = new Sealer(Randoms.bytes(32));
        byte[] msg = "interest:coffee".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = sealer.seal(msg, "aad".getBytes(StandardCharsets.UTF_8));
        assertEquals(Sealer.NONCE_LENGTH + msg.length + Sealer.TAG_LENGTH, sealed.length);
        assertArrayEquals(msg, sealer.open(sealed, "aad".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void sealingTwiceUsesFreshNonces() {
        Sealer sealer = new Sealer(Randoms.bytes(32));
        byte[] msg = new byte[20];
        assertFalse(Arrays.equals(sealer.seal(msg, null), sealer.seal(msg, null)));
    }

    @Test
    void anyFlippedBitWrongAadOrWrongKeyFailsToOpen() {
        byte[] key = Randoms.bytes(32);
        Sealer sealer = new Sealer(key);
        byte[] aad = "user-a|profile".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = sealer.seal("secret".getBytes(StandardCharsets.UTF_8), aad);
        for (int i = 0; i < sealed.length; i++) {
            byte[] copy = sealed.clone();
            copy[i] ^= 0x01;
            assertThrows(SealException.class, () -> sealer.open(copy, aad), "byte " + i);
        }
        assertThrows(SealException.class, () -> sealer.open(sealed, "user-b|profile".getBytes(StandardCharsets.UTF_8)));
        assertThrows(SealException.class, () -> new Sealer(Randoms.bytes(32)).open(sealed, aad));
        assertThrows(SealException.class, () -> sealer.open(Arrays.copyOf(sealed, 20), aad));
    }

    @Test
    void keysOtherThan256BitsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Sealer(new byte[16]));
        assertThrows(IllegalArgumentException.class, () -> Sealer.reusingCiphers(new byte[16]));
    }

    @Test
    void aReusingSealerAndAOneShotSealerOfOneKeyOpenEachOthersSealsOnManyThreads() throws Exception {
        byte[] key = Randoms.bytes(32);
        Sealer oneShot = new Sealer(key);
        Sealer reusing = Sealer.reusingCiphers(key);
        Sealer otherKey = Sealer.reusingCiphers(Randoms.bytes(32));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            java.util.List<java.util.concurrent.Future<?>> all = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                all.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        byte[] msg = Randoms.bytes(i % 97);
                        byte[] aad = ("ad-" + i).getBytes(StandardCharsets.UTF_8);
                        byte[] sealed = reusing.seal(msg, aad);
                        assertArrayEquals(msg, oneShot.open(sealed, aad));
                        assertArrayEquals(msg, reusing.open(oneShot.seal(msg, aad), aad));
                        // A failed open leaves the thread's cipher fit for the next one.
                        byte[] forged = sealed.clone();
                        forged[forged.length - 1] ^= 0x01;
                        assertThrows(SealException.class, () -> reusing.open(forged, aad));
                        assertThrows(SealException.class, () -> otherKey.open(sealed, aad));
                        assertArrayEquals(msg, reusing.open(sealed, aad));
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : all) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
