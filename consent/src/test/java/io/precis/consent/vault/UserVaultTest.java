package io.precis.consent.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.consent.crypto.Hkdf;
import io.precis.consent.crypto.SealException;
import io.precis.consent.crypto.Sealer;
import io.precis.consent.identity.Pseudonym;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserVaultTest {
    private static final Pseudonym ALICE = new Pseudonym("1aaaaaaaaaaaaaaaaaaaaaa");
    private static final Pseudonym BOB = new Pseudonym("1bbbbbbbbbbbbbbbbbbbbbb");
    private static final byte[] PROFILE = "{\"age\":\"25-34\",\"interest\":\"咖啡\"}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path root;

    private Path data() {
        return root.resolve("data");
    }

    private Path keys() {
        return root.resolve("keys");
    }

    private UserVault vault() {
        return UserVault.open(data(), keys());
    }

    private static List<Path> files(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void recordsRoundTripAcrossInstancesAndReplaceAtomically() {
        vault().put(ALICE, "profile", PROFILE);
        assertArrayEquals(PROFILE, vault().get(ALICE, "profile").orElseThrow());
        vault().put(ALICE, "profile", "v2".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals("v2".getBytes(StandardCharsets.UTF_8), vault().get(ALICE, "profile").orElseThrow());
        vault().put(ALICE, "behaviour", new byte[0]);
        assertEquals(Set.of("behaviour", "profile"), vault().kinds(ALICE));
        assertEquals(Optional.empty(), vault().get(BOB, "profile"));
        assertTrue(vault().exists(ALICE));
        assertFalse(vault().exists(BOB));
    }

    @Test
    void nothingOnDiskRevealsThePseudonymTheKindOrThePlaintext() throws Exception {
        vault().put(ALICE, "profile", PROFILE);
        for (Path f : files(root)) {
            String name = root.relativize(f).toString();
            assertFalse(name.contains(ALICE.value()) || name.contains("profile"), name);
            byte[] content = Files.readAllBytes(f);
            String text = new String(content, StandardCharsets.ISO_8859_1);
            assertFalse(text.contains("25-34") || text.contains(ALICE.value()) || text.contains("profile"), name);
        }
    }

    @Test
    void tamperedRecordIsDetected() throws Exception {
        vault().put(ALICE, "profile", PROFILE);
        Path file = files(data()).get(0);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 20] ^= 0x01;
        Files.write(file, bytes);
        assertThrows(SealException.class, () -> vault().get(ALICE, "profile"));
    }

    @Test
    void recordMovedToAnotherUserOrKindDoesNotOpen() throws Exception {
        vault().put(ALICE, "profile", PROFILE);
        vault().put(BOB, "profile", "bob".getBytes(StandardCharsets.UTF_8));
        vault().put(ALICE, "behaviour", "b".getBytes(StandardCharsets.UTF_8));
        List<Path> before = files(data());
        // Alice has two records in her directory, Bob one.
        Path aliceDir = null;
        Path bobFile = null;
        for (Path f : before) {
            long siblings = Files.list(f.getParent()).count();
            if (siblings == 2) {
                aliceDir = f.getParent();
            } else {
                bobFile = f;
            }
        }
        // Copy Bob's profile record over each of Alice's records: none of them may open.
        for (Path f : files(aliceDir)) {
            Files.copy(bobFile, f, StandardCopyOption.REPLACE_EXISTING);
        }
        assertThrows(SealException.class, () -> vault().get(ALICE, "profile"));
        assertThrows(SealException.class, () -> vault().get(ALICE, "behaviour"));
    }

    @Test
    void erasureRemovesDataAndSaltAndABackupCopyCanNoLongerBeDecrypted() throws Exception {
        vault().put(ALICE, "profile", PROFILE);
        vault().put(BOB, "profile", PROFILE);
        Path backup = root.resolve("backup");
        copyTree(data(), backup);
        assertArrayEquals(PROFILE, UserVault.open(backup, keys()).get(ALICE, "profile").orElseThrow());
        long saltsBefore = files(keys().resolve("vault/salts")).size();

        vault().erase(ALICE);

        assertFalse(vault().exists(ALICE));
        assertEquals(Optional.empty(), vault().get(ALICE, "profile"));
        assertEquals(saltsBefore - 1, files(keys().resolve("vault/salts")).size());
        assertEquals(1, files(data().resolve("vault")).size(), "only Bob's record is left");
        assertArrayEquals(PROFILE, vault().get(BOB, "profile").orElseThrow());

        // The backup still holds Alice's ciphertext, but with her salt gone it cannot be opened:
        UserVault fromBackup = UserVault.open(backup, keys());
        assertEquals(2, files(backup.resolve("vault")).size());
        assertEquals(Optional.empty(), fromBackup.get(ALICE, "profile"));
        assertFalse(fromBackup.exists(ALICE));
        // ... and even with the master key, no guessed salt derives her key.
        byte[] master = Files.readAllBytes(keys().resolve("vault/master.key"));
        for (Path f : files(backup.resolve("vault"))) {
            byte[] record = Files.readAllBytes(f);
            int headerLength = java.nio.ByteBuffer.wrap(record, 1, 4).getInt();
            byte[] header = java.util.Arrays.copyOfRange(record, 5, 5 + headerLength);
            byte[] guessed = Hkdf.derive(master, new byte[32],
                    ("precis/vault/user/v1/" + ALICE.value()).getBytes(StandardCharsets.UTF_8), 32);
            assertThrows(SealException.class, () -> new Sealer(guessed).open(header, null));
        }
        assertArrayEquals(PROFILE, fromBackup.get(BOB, "profile").orElseThrow(), "other users are unaffected");
    }

    @Test
    void erasingTwiceOrAnUnknownUserIsHarmless() {
        vault().erase(ALICE);
        vault().put(ALICE, "profile", PROFILE);
        vault().erase(ALICE);
        vault().erase(ALICE);
        assertFalse(vault().exists(ALICE));
        vault().put(ALICE, "profile", "new".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals("new".getBytes(StandardCharsets.UTF_8), vault().get(ALICE, "profile").orElseThrow());
    }

    @Test
    void masterKeySaltsAndRecordsAreOwnerOnly() throws Exception {
        vault().put(ALICE, "profile", PROFILE);
        for (Path f : Stream.concat(files(keys()).stream(), files(data()).stream()).toList()) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    @Test
    void logRecordsSealedForAUserOpenOnlyForThatUserAndKindAndNotAfterErasure() {
        UserVault v = vault();
        byte[] record = v.seal(ALICE, "behaviour", PROFILE);
        assertFalse(new String(record, StandardCharsets.UTF_8).contains("咖啡"));
        assertArrayEquals(PROFILE, vault().open(ALICE, "behaviour", record).orElseThrow());
        v.seal(BOB, "behaviour", PROFILE); // Bob has a key too: his key must not open Alice's record
        assertTrue(v.open(BOB, "behaviour", record).isEmpty(), "another key's record is nobody's data here");
        assertThrows(SealException.class, () -> v.open(ALICE, "profile", record));
        byte[] flipped = record.clone();
        flipped[flipped.length - 1] ^= 1;
        assertThrows(SealException.class, () -> v.open(ALICE, "behaviour", flipped));
        assertEquals(v.storageName(ALICE), vault().storageName(ALICE));
        assertFalse(v.storageName(ALICE).contains(ALICE.value()));

        v.erase(ALICE);
        assertTrue(v.open(ALICE, "behaviour", record).isEmpty(), "erased: no key, nothing opens");
        byte[] fresh = v.seal(ALICE, "behaviour", "new".getBytes(StandardCharsets.UTF_8));
        assertTrue(v.open(ALICE, "behaviour", record).isEmpty(), "a record of the erased key stays unreadable");
        assertArrayEquals("new".getBytes(StandardCharsets.UTF_8), v.open(ALICE, "behaviour", fresh).orElseThrow());
    }

    @Test
    void anOwnerSealedOpensWithTheSameMasterKeyOnlyAndSaysNothingInClear() throws Exception {
        byte[] owner = vault().sealOwner(ALICE);
        assertFalse(new String(owner, StandardCharsets.ISO_8859_1).contains(ALICE.value()));
        assertEquals(ALICE, vault().openOwner(owner), "another instance on the same keys opens it");
        byte[] flipped = owner.clone();
        flipped[flipped.length - 1] ^= 1;
        assertThrows(SealException.class, () -> vault().openOwner(flipped));
        UserVault elsewhere = UserVault.open(root.resolve("other-data"), root.resolve("other-keys"));
        assertThrows(SealException.class, () -> elsewhere.openOwner(owner), "another master key opens nothing");
    }
}
