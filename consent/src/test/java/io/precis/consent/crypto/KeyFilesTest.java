package io.precis.consent.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {
    @Test
    void keyIsCreatedOwnerOnlyAndReadBackUnchanged(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keys").resolve("token.key");
        byte[] first = KeyFiles.loadOrCreate(file, 32);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertArrayEquals(first, KeyFiles.loadOrCreate(file, 32));
    }
}
