package io.precis.consent.pseudonym;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.consent.MutableClock;
import io.precis.consent.identity.Pseudonym;
import io.precis.consent.identity.RawUserId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PseudonymiserTest {
    private static final Duration OVERLAP = Duration.ofDays(30);
    private static final RawUserId ALICE = RawUserId.ofNullable("alice-42");
    private static final RawUserId BOB = RawUserId.ofNullable("bob-7");

    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));

    private Pseudonymiser open(Path keys) {
        return Pseudonymiser.open(keys, OVERLAP, clock, Map.of());
    }

    @Test
    void pseudonymIsStableWithinAnEpochAndAcrossRestarts(@TempDir Path keys) {
        Pseudonym first = open(keys).delivery(ALICE);
        assertEquals(first, open(keys).delivery(ALICE));
        assertEquals(first, open(keys).delivery(RawUserId.ofNullable("alice-42")));
    }

    @Test
    void pseudonymIsCompactNamesItsEpochAndHidesTheId(@TempDir Path keys) {
        Pseudonym p = open(keys).delivery(ALICE);
        assertEquals(1 + 22, p.value().length());
        assertTrue(p.value().startsWith("1"));
        assertTrue(p.value().matches("[0-9a-z][A-Za-z0-9_-]{22}"));
        assertEquals(1, Pseudonymiser.epochOf(p));
        assertFalse(p.value().contains("alice"));
    }

    @Test
    void deliveryAndMeasurementPseudonymsDifferForTheSameUser(@TempDir Path keys) {
        Pseudonymiser ps = open(keys);
        assertNotEquals(ps.delivery(ALICE), ps.measurement(ALICE));
        assertNotEquals(ps.delivery(ALICE), ps.delivery(BOB));
        assertNotEquals(ps.measurement(ALICE), ps.measurement(BOB));
    }

    @Test
    void differentKeyDirectoriesGiveUnrelatedPseudonyms(@TempDir Path a, @TempDir Path b) {
        assertNotEquals(open(a).delivery(ALICE), open(b).delivery(ALICE));
    }

    @Test
    void rotationStartsANewEpochWithDifferentPseudonymsAndKeepsTheOldAsAliasDuringOverlap(@TempDir Path keys) {
        Pseudonymiser ps = open(keys);
        Pseudonym d1 = ps.delivery(ALICE);
        Pseudonym m1 = ps.measurement(ALICE);
        assertEquals(List.of(d1), ps.deliveryAliases(ALICE));

        assertEquals(2, ps.rotate());
        Pseudonym d2 = ps.delivery(ALICE);
        assertNotEquals(d1, d2);
        assertEquals(2, Pseudonymiser.epochOf(d2));
        assertEquals(List.of(d2, d1), ps.deliveryAliases(ALICE));
        assertEquals(List.of(ps.measurement(ALICE), m1), ps.measurementAliases(ALICE));
        // a second instance (another process) sees the rotation on disk
        assertEquals(List.of(d2, d1), open(keys).deliveryAliases(ALICE));

        clock.advance(OVERLAP.minusSeconds(1));
        assertEquals(List.of(d2, d1), ps.deliveryAliases(ALICE));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(List.of(d2), ps.deliveryAliases(ALICE));
    }

    @Test
    void destroyExpiredDeletesOldKeySoOldPseudonymsCanNoLongerBeRecomputed(@TempDir Path keys) throws Exception {
        Pseudonymiser ps = open(keys);
        Pseudonym old = ps.delivery(ALICE);
        Pseudonym oldMeasurement = ps.measurement(ALICE);
        ps.rotate();
        assertEquals(0, ps.destroyExpired(), "still within the overlap");
        assertTrue(Files.exists(keys.resolve("pseudonym/epoch-1.key")));

        clock.advance(OVERLAP);
        assertEquals(1, ps.destroyExpired());
        assertFalse(Files.exists(keys.resolve("pseudonym/epoch-1.key")));
        assertTrue(Files.exists(keys.resolve("pseudonym/epoch-2.key")));
        assertTrue(ps.epochs().get(0).destroyed());

        // Nothing left, in this instance or a fresh one, yields the old pseudonyms again.
        for (Pseudonymiser p : List.of(ps, open(keys))) {
            assertFalse(p.deliveryAliases(ALICE).contains(old));
            assertFalse(p.measurementAliases(ALICE).contains(oldMeasurement));
            p.rotate();
            assertFalse(p.deliveryAliases(ALICE).contains(old));
        }
        assertEquals(0, ps.destroyExpired());
    }

    @Test
    void epochKeyFilesAreOwnerOnly(@TempDir Path keys) throws Exception {
        Pseudonymiser ps = open(keys);
        ps.rotate();
        for (String f : List.of("epoch-1.key", "epoch-2.key", "epochs.json")) {
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(keys.resolve("pseudonym").resolve(f))), f);
        }
    }

    @Test
    void keyFromEnvironmentIsUsedAndNothingIsWrittenToTheKeyDirectory(@TempDir Path keys) {
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        Pseudonymiser a = Pseudonymiser.open(keys, OVERLAP, clock, Map.of(Pseudonymiser.ENV_KEY, key));
        Pseudonymiser b = Pseudonymiser.open(keys, OVERLAP, clock,
                Map.of(Pseudonymiser.ENV_KEY, key, Pseudonymiser.ENV_EPOCH, "7"));
        // The epoch number is part of the MAC input: reusing a key under a new number still unlinks.
        assertNotEquals(a.delivery(ALICE).value().substring(1), b.delivery(ALICE).value().substring(1));
        assertEquals(1, Pseudonymiser.epochOf(a.delivery(ALICE)));
        assertEquals(7, Pseudonymiser.epochOf(b.delivery(ALICE)));
        assertEquals(a.delivery(ALICE), Pseudonymiser.open(keys, OVERLAP, clock,
                Map.of(Pseudonymiser.ENV_KEY, key)).delivery(ALICE));
        assertFalse(Files.exists(keys.resolve("pseudonym")));
        assertThrows(IllegalStateException.class, a::rotate);
        assertThrows(IllegalArgumentException.class, () -> Pseudonymiser.open(keys, OVERLAP, clock,
                Map.of(Pseudonymiser.ENV_KEY, Base64.getEncoder().encodeToString(new byte[8]))));
    }

    @Test
    void foreignStringsNameNoEpoch() {
        assertEquals(-1, Pseudonymiser.epochOf(new Pseudonym("short")));
        assertEquals(-1, Pseudonymiser.epochOf(new Pseudonym("!" + "A".repeat(22))));
    }
}
