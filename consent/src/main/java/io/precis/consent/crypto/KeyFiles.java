package io.precis.consent.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Secret keys kept in their own files, readable by the owner only (mode 600).
 *
 * <p>A key file is created once with fresh random bytes and read back on every later start.
 * Key material never reaches a log: errors name the path, never the content.
 */
public final class KeyFiles {
    private static final System.Logger LOG = System.getLogger(KeyFiles.class.getName());

    private KeyFiles() {}

    /** Reads the key at {@code file}, or creates it with {@code length} random bytes. */
    public static byte[] loadOrCreate(Path file, int length) {
        try {
            if (Files.exists(file)) {
                byte[] key = Files.readAllBytes(file);
                if (key.length != length) {
                    throw new IllegalStateException("key file " + file + " has the wrong length");
                }
                return key;
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            byte[] key = Randoms.bytes(length);
            writeOwnerOnly(file, key);
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create key file " + file, e);
        }
    }

    /** Writes {@code content} to a new file that only its owner can read or write. */
    public static void writeOwnerOnly(Path file, byte[] content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            // No POSIX permissions on this file system: the directory's own access rules apply.
            LOG.log(System.Logger.Level.WARNING, "cannot restrict " + tmp + " to its owner on this file system");
            Files.createFile(tmp);
        }
        Files.write(tmp, content, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
