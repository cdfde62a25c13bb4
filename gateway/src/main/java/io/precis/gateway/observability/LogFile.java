package io.precis.gateway.observability;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;

/**
 * The gateway's log file, {@code <dir>/precis.log}, under exactly that name (README.md):
 * {@link java.util.logging.FileHandler} would write {@code precis.log.0} and a {@code .lck} file.
 * No lock file is needed because the data dir lock already keeps a second gateway out. When the
 * file passes {@link #LIMIT} bytes it becomes {@code precis.log.1} (older ones shift up to
 * {@link #KEEP}) and a new {@code precis.log} starts. Every record is flushed, so a
 * {@code kill -9} loses no line that was logged. Thread-safe (the handler's methods synchronise).
 */
public final class LogFile extends StreamHandler {
    /** 10 MiB a file, 3 old files kept: weeks of INFO logging, bounded disk. */
    static final long LIMIT = 10L * 1024 * 1024;
    static final int KEEP = 3;

    private final Path file;
    private long written;

    private LogFile(Path file, java.util.logging.Formatter formatter) throws IOException {
        this.file = file;
        setFormatter(formatter);
        open();
    }

    /** Opens (appending) {@code dir/precis.log}, creating {@code dir}. */
    public static Handler open(Path dir) throws IOException {
        Files.createDirectories(dir);
        return new LogFile(dir.resolve("precis.log"), new SimpleFormatter());
    }

    /**
     * Opens (appending) {@code dir/name}, creating {@code dir}, rotated as {@code precis.log} is;
     * each record is written as its message alone on a line ({@code access.log}, {@code audit.log}).
     */
    static LogFile lines(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        return new LogFile(dir.resolve(name), new java.util.logging.Formatter() {
            @Override
            public String format(LogRecord record) {
                return record.getMessage() + "\n";
            }
        });
    }

    private void open() throws IOException {
        OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        written = Files.size(file);
        setOutputStream(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                out.write(b);
                written++;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                written += len;
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        });
    }

    @Override
    public synchronized void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        super.publish(record);
        flush();
        if (written >= LIMIT) {
            rotate();
        }
    }

    /**
     * Writes {@code lines} (messages of {@link #lines} files) and flushes once, not once a line:
     * a busy access log then costs a write per batch. Rotates after the batch when due.
     */
    synchronized void publishAll(java.util.List<String> lines) {
        for (String line : lines) {
            super.publish(new LogRecord(java.util.logging.Level.INFO, line));
        }
        flush();
        if (written >= LIMIT) {
            rotate();
        }
    }

    private void rotate() {
        try {
            super.close();
            for (int i = KEEP - 1; i >= 1; i--) {
                Path older = file.resolveSibling(file.getFileName() + "." + i);
                if (Files.exists(older)) {
                    Files.move(older, file.resolveSibling(file.getFileName() + "." + (i + 1)),
                            StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.move(file, file.resolveSibling(file.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
            open();
        } catch (IOException e) {
            reportError("cannot rotate the log file", e, java.util.logging.ErrorManager.WRITE_FAILURE);
        }
    }
}
