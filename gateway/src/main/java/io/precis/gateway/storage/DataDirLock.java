package io.precis.gateway.storage;

import io.precis.gateway.StartupException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One gateway per data dir: an OS file lock on {@code <data-dir>/gateway.lock}, held for the
 * gateway's life, with the holder's pid written in it so that a second gateway can say who has
 * the dir. The OS drops the lock when the process dies (even by {@code kill -9}), so a stale
 * file never keeps a gateway out. Two gateways on one dir would share the database, the consent
 * log and the key files, none of which is written for that.
 */
public final class DataDirLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock of {@code dataDir} (creating the dir), or throws a StartupException naming the holder. */
    public static DataDirLock acquire(Path dataDir) {
        Path file = dataDir.resolve("gateway.lock");
        FileChannel ch = null;
        try {
            Files.createDirectories(dataDir);
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by another gateway in this same process
            }
            if (lock == null) {
                String pid = holder(ch);
                ch.close();
                throw new StartupException("the data dir " + dataDir.toAbsolutePath()
                        + " is in use by another gateway" + (pid.isEmpty() ? "" : " (pid " + pid + ")")
                        + "; stop it or use another --data-dir");
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            ch.force(false);
            return new DataDirLock(ch, lock);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new IllegalStateException("cannot lock the data dir " + dataDir.toAbsolutePath(), e);
        }
    }

    private static String holder(FileChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(32);
        ch.read(buf, 0);
        String text = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).strip();
        return text.matches("\\d+") ? text : "";
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // the channel was only opened to be locked; nothing was written through it
            }
        }
    }

    /** Releases the lock; the file stays (its pid is only read while the lock is held). */
    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the OS releases the lock with the process anyway
            java.util.logging.Logger.getLogger(DataDirLock.class.getName())
                    .warning("data dir lock did not release cleanly: " + e.getClass().getSimpleName());
        }
    }
}
