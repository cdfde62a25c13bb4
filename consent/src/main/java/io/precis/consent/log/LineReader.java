package io.precis.consent.log;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the consent log a line at a time, so a log of any size is read with one line and a
 * 64 KiB buffer in memory. Not thread-safe; close it when done.
 */
public final class LineReader implements AutoCloseable {
    /** Read buffer: large enough that a sequential scan is not syscall-bound. */
    private static final int BUFFER = 64 * 1024;

    private final InputStream in;
    private final byte[] buf = new byte[BUFFER];
    private int pos;
    private int limit;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
    private long offset;
    private long number;
    private boolean done;

    /** A reader of {@code file}; a missing file reads as empty. */
    public LineReader(Path file) throws IOException {
        this.in = Files.exists(file) ? Files.newInputStream(file)
                : InputStream.nullInputStream();
    }

    /** The next line (numbered from 1), or null at the end; the last one is incomplete when no newline ends it. */
    public ConsentLog.Line next() throws IOException {
        if (done) {
            return null;
        }
        line.reset();
        long start = offset;
        while (fill()) {
            for (int i = pos; i < limit; i++) {
                if (buf[i] == '\n') {
                    line.write(buf, pos, i - pos);
                    offset += i + 1 - pos;
                    pos = i + 1;
                    return new ConsentLog.Line(++number, start, offset, line.toString(StandardCharsets.UTF_8), true);
                }
            }
            line.write(buf, pos, limit - pos);
            offset += limit - pos;
            pos = limit;
        }
        done = true;
        return line.size() == 0 ? null
                : new ConsentLog.Line(++number, start, offset, line.toString(StandardCharsets.UTF_8), false);
    }

    /** Whether unread bytes are in the buffer, reading more when it is empty. */
    private boolean fill() throws IOException {
        if (pos < limit) {
            return true;
        }
        int n = in.readNBytes(buf, 0, buf.length);
        pos = 0;
        limit = Math.max(n, 0);
        return limit > 0;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
