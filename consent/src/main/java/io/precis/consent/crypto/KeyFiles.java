package io.precis.consent.crypto;

import java.nio.channels.FileChannel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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

    /**
     * Reads the key at {@code file}, or creates it with {@code length} random bytes. Created
     * once: gateways sharing a keys dir (and threads of one) may ask for a new key at the same
     * moment, and each writes its own temporary file and links it to the name, which only the
     * first link gets; the others read the first one's key. With a rename, which replaces, the
     * later key overwrote the earlier after its creator had already used it (a person's salt:
     * what was sealed under it could no longer be opened), and two writers sharing one
     * temporary name failed each other.
     */
    public static byte[] loadOrCreate(Path file, int length) {
        try {
            if (Files.exists(file)) {
                return read(file, length);
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            byte[] key = Randoms.bytes(length);
            Path tmp = temporary(file, key);
            try {
                Files.createLink(file, tmp);
            } catch (FileAlreadyExistsException e) {
                return read(file, length); // created meanwhile: everyone keeps the first key
            } catch (UnsupportedOperationException | FileSystemException e) {
                // No hard links on this file system (some refuse them with EPERM): a rename, as
                // close to create-once as it allows.
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            fsyncDirectory(file.toAbsolutePath().getParent());
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create key file " + file, e);
        }
    }

    private static byte[] read(Path file, int length) throws IOException {
        byte[] key = Files.readAllBytes(file);
        if (key.length != length) {
            throw new IllegalStateException("key file " + file + " has the wrong length");
        }
        return key;
    }

    /**
     * Writes {@code content} to {@code file} (replacing it) so that only its owner can read or
     * write it, durably: a temporary file, fsync, atomic rename, directory fsync. Writers at the
     * same moment each have their own temporary file; the last rename wins.
     */
    public static void writeOwnerOnly(Path file, byte[] content) throws IOException {
        Path tmp = temporary(file, content);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        fsyncDirectory(file.toAbsolutePath().getParent());
    }

    /** A new owner-only file beside {@code file}, of a name no other writer has, holding {@code content} on the device. */
    private static Path temporary(Path file, byte[] content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + "." + Randoms.token(12) + ".tmp");
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
        return tmp;
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
