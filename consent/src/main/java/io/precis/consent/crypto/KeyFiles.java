package io.precis.consent.crypto;

import java.nio.channels.FileChannel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Secret keys kept in their own files, readable by the owner only (mode 600), and the one way
 * this module writes a small file durably (keys, salts, vault records): a temporary file,
 * fsync, atomic rename, then fsync of the directory so the new name survives a crash too.
 *
 * <p>A key file is created once with fresh random bytes and read back on every later start.
 * Key material never reaches a log: errors name the path, never the content.
 */
public final class KeyFiles {
    private static final System.Logger LOG = System.getLogger(KeyFiles.class.getName());
    private static final java.util.concurrent.atomic.AtomicLong DIRECTORY_SYNCS_SKIPPED =
            new java.util.concurrent.atomic.AtomicLong();

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

    /**
     * Writes {@code content} to {@code file} (replacing it) so that only its owner can read or
     * write it, durably: a temporary file, fsync, atomic rename, directory fsync.
     */
    public static void writeOwnerOnly(Path file, byte[] content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            // No POSIX permissions on this file system: the directory's own access rules apply.
            // The directory, not the file: a per-user salt's name is a keyed hash of the person.
            LOG.log(System.Logger.Level.WARNING, "cannot restrict files in " + tmp.toAbsolutePath().getParent()
                    + " to their owner on this file system");
            Files.createFile(tmp);
        }
        Files.write(tmp, content, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory(file.toAbsolutePath().getParent());
    }

    /**
     * Forces {@code dir}'s entries (a file created, renamed or deleted in it) to the device.
     * Where the platform cannot open a directory, or the sync fails, the files' own fsyncs are
     * all there is: that is logged (once for an unsupported platform) and counted, never thrown.
     */
    public static void fsyncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (UnsupportedOperationException e) {
            if (DIRECTORY_SYNCS_SKIPPED.getAndIncrement() == 0) {
                LOG.log(System.Logger.Level.WARNING, "this platform cannot fsync a directory: a new file's name"
                        + " may not survive a power loss (only the first such case is logged)");
            }
        } catch (IOException e) {
            DIRECTORY_SYNCS_SKIPPED.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "cannot fsync the directory " + dir + ": " + e.getClass().getSimpleName());
        }
    }

    /** Directory fsyncs that could not be done (unsupported platform or failure), since start. */
    public static long directorySyncsSkipped() {
        return DIRECTORY_SYNCS_SKIPPED.get();
    }
}
