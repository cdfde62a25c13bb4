package io.precis.consent.log;

import io.precis.consent.crypto.KeyFiles;

import io.precis.consent.Json;
import io.precis.consent.crypto.Base64Url;
import io.precis.consent.crypto.Digests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The append-only, hash-chained consent log {@code <dataDir>/consent/consent.log}.
 *
 * <p>One line per consent change: {@code {"prev_line":"<base64url SHA-256 of the previous line's
 * bytes, null on line 1>","receipt":"<compact JWS>"}}. The receipt is signed and the link covers
 * the previous line entirely, so editing, removing or reordering any line breaks either that
 * line's signature or the next line's link; removing lines at the end is caught by the signed
 * {@link LogHead}. A batch of lines is acknowledged only after one fsync.
 *
 * <p>Appends are not thread-safe: only {@link LogWriter}'s thread appends. {@link #readAt} may be
 * called from any thread at any time (positional reads).
 */
public final class ConsentLog implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ConsentLog.class.getName());

    public static final String RELATIVE_PATH = "consent/consent.log";

    /**
     * One line as read from disk (without its newline), numbered from 1.
     *
     * @param offset the byte offset of its first byte in the file
     * @param end the offset just past it and its newline
     * @param complete false only for a last line that no newline ends
     */
    public record Line(long number, long offset, long end, String text, boolean complete) {
        /** The value the next line carries in {@code prev_line}. */
        public String hash() {
            return hashOf(text);
        }
    }

    /** The two fields of a line. */
    public record Entry(String prevLine, String receipt) {}

    /** What {@link #open} hands on for each good line. */
    @FunctionalInterface
    public interface Replay {
        void accept(Line line, Entry entry);
    }

    private final Path file;
    private final FileChannel channel;
    private String lastHash;
    private long lines;
    private long size;

    private ConsentLog(Path file, FileChannel channel, String lastHash, long lines, long size) {
        this.file = file;
        this.channel = channel;
        this.lastHash = lastHash;
        this.lines = lines;
        this.size = size;
    }

    /** The log file of {@code dataDir}. */
    public static Path fileOf(Path dataDir) {
        return dataDir.resolve(RELATIVE_PATH);
    }

    /**
     * Opens the log for appending, reading it once from start to end (streamed: a line at a
     * time in memory), after dropping a torn last line (a write cut short by a crash, never
     * acknowledged) and checking every link; {@code replay} receives every line in order.
     * Throws {@link IllegalStateException} naming the first broken line.
     */
    public static ConsentLog open(Path dataDir, Replay replay) {
        Path file = fileOf(dataDir);
        try {
            Path dir = file.getParent();
            boolean created = !Files.exists(file);
            Files.createDirectories(dir);
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            if (created) {
                KeyFiles.fsyncDirectory(dir);
            }
            String prev = null;
            long count = 0;
            long end = 0;
            try (LineReader reader = new LineReader(file)) {
                for (Line line = reader.next(); line != null; line = reader.next()) {
                    if (!line.complete()) {
                        ch.truncate(line.offset());
                        ch.force(true);
                        break;
                    }
                    Entry e;
                    try {
                        e = parse(line.text());
                    } catch (IllegalArgumentException ex) {
                        throw new IllegalStateException("consent log " + file + " is broken at line "
                                + line.number() + ": " + ex.getMessage());
                    }
                    if (!Objects.equals(prev, e.prevLine())) {
                        throw new IllegalStateException("consent log " + file + " is broken at line "
                                + line.number() + ": link to the previous line does not match");
                    }
                    replay.accept(line, e);
                    prev = line.hash();
                    count = line.number();
                    end = line.end();
                }
            }
            ch.position(end);
            return new ConsentLog(file, ch, prev, count, end);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open consent log " + file, e);
        }
    }

    /** Where a line went: its number, its offset and its hash (the next line's {@code prev_line}). */
    public record Appended(long number, long offset, String hash) {}

    /**
     * Appends {@code receipts} as new lines, in order, with one write and one fsync; returns
     * once they are on disk. On failure the file is cut back to what it held before, so a
     * failed batch leaves no partial line behind.
     */
    public List<Appended> append(List<String> receipts) {
        List<Appended> out = new ArrayList<>(receipts.size());
        StringBuilder text = new StringBuilder(receipts.size() * 512);
        String prev = lastHash;
        long offset = size;
        for (String receipt : receipts) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("prev_line", prev);
            m.put("receipt", receipt);
            String line = Json.write(m);
            if (line.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("a log line cannot contain a newline");
            }
            prev = hashOf(line);
            out.add(new Appended(lines + out.size() + 1, offset, prev));
            offset += line.getBytes(StandardCharsets.UTF_8).length + 1;
            text.append(line).append('\n');
        }
        ByteBuffer buf = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
        try {
            while (buf.hasRemaining()) {
                channel.write(buf, size + buf.position());
            }
            channel.force(false);
        } catch (IOException e) {
            try {
                channel.truncate(size);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new UncheckedIOException("cannot append to consent log " + file, e);
        }
        lastHash = prev;
        lines += receipts.size();
        size = offset;
        return out;
    }

    /** The text of the line that starts at byte {@code offset} (an offset {@link #append} or a replay gave). */
    public String readAt(long offset) {
        try {
            // A line is ~600 bytes (a receipt and a hash); longer ones grow the buffer.
            ByteBuffer buf = ByteBuffer.allocate(1024);
            while (true) {
                int n = channel.read(buf, offset + buf.position());
                byte[] a = buf.array();
                for (int i = 0; i < buf.position(); i++) {
                    if (a[i] == '\n') {
                        return new String(a, 0, i, StandardCharsets.UTF_8);
                    }
                }
                if (n < 0) {
                    throw new IllegalStateException("consent log " + file + " has no whole line at offset " + offset);
                }
                if (!buf.hasRemaining()) {
                    buf = ByteBuffer.allocate(buf.capacity() * 2).put(buf.flip());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read consent log " + file, e);
        }
    }

    /** Lines in the log. */
    public long size() {
        return lines;
    }

    /** Bytes in the log. */
    public long bytes() {
        return size;
    }

    /** The hash of the last line, null when the log is empty. */
    public String lastHash() {
        return lastHash;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close consent log " + file, e);
        }
    }

    /** Parses one line; throws {@link IllegalArgumentException} when it is not a log entry. */
    public static Entry parse(String text) {
        Map<String, Object> m = Json.readObject(text);
        Object prev = m.get("prev_line");
        Object receipt = m.get("receipt");
        if (!m.containsKey("prev_line") || !(prev == null || prev instanceof String) || !(receipt instanceof String)) {
            throw new IllegalArgumentException("line is not a consent log entry");
        }
        return new Entry((String) prev, (String) receipt);
    }

    static String hashOf(String text) {
        return Base64Url.encode(Digests.sha256(text.getBytes(StandardCharsets.UTF_8)));
    }
}
