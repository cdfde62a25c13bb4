package io.precis.consent.log;

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

/**
 * The append-only, hash-chained consent log {@code <dataDir>/consent/consent.log}.
 *
 * <p>One line per consent change: {@code {"prev_line":"<base64url SHA-256 of the previous line's
 * bytes, null on line 1>","receipt":"<compact JWS>"}}. The receipt is signed and the link covers
 * the previous line entirely, so editing, removing or reordering any line breaks either that
 * line's signature or the next line's link. An append is acknowledged only after fsync.
 * Not thread-safe on its own: {@code ConsentService} serialises appends.
 */
public final class ConsentLog implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ConsentLog.class.getName());

    public static final String RELATIVE_PATH = "consent/consent.log";

    /** One line as read from disk (without its newline), numbered from 1. */
    public record Line(long number, String text, boolean complete) {
        /** The value the next line carries in {@code prev_line}. */
        public String hash() {
            return hashOf(text);
        }
    }

    /** The two fields of a line. */
    public record Entry(String prevLine, String receipt) {}

    private final Path file;
    private final FileChannel channel;
    private String lastHash;
    private long lines;

    private ConsentLog(Path file, FileChannel channel, String lastHash, long lines) {
        this.file = file;
        this.channel = channel;
        this.lastHash = lastHash;
        this.lines = lines;
    }

    /** The log file of {@code dataDir}. */
    public static Path fileOf(Path dataDir) {
        return dataDir.resolve(RELATIVE_PATH);
    }

    /**
     * Opens the log for appending, after dropping a torn last line (a write cut short by a
     * crash, never acknowledged) and checking every link; {@code replay} receives every entry in
     * order. Throws {@link IllegalStateException} naming the first broken line.
     */
    public static ConsentLog open(Path dataDir, java.util.function.Consumer<Entry> replay) {
        Path file = fileOf(dataDir);
        try {
            Path dir = file.getParent();
            boolean created = !Files.exists(file);
            Files.createDirectories(dir);
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            if (created) {
                fsyncDirectory(dir);
            }
            List<Line> all = readLines(file);
            if (!all.isEmpty() && !all.get(all.size() - 1).complete()) {
                long keep = Files.size(file) - all.get(all.size() - 1).text().getBytes(StandardCharsets.UTF_8).length;
                ch.truncate(keep);
                ch.force(true);
                all = all.subList(0, all.size() - 1);
            }
            String prev = null;
            for (Line line : all) {
                Entry e;
                try {
                    e = parse(line.text());
                } catch (IllegalArgumentException ex) {
                    throw new IllegalStateException("consent log " + file + " is broken at line "
                            + line.number() + ": " + ex.getMessage());
                }
                if (!java.util.Objects.equals(prev, e.prevLine())) {
                    throw new IllegalStateException("consent log " + file + " is broken at line "
                            + line.number() + ": link to the previous line does not match");
                }
                replay.accept(e);
                prev = line.hash();
            }
            ch.position(ch.size());
            return new ConsentLog(file, ch, prev, all.size());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open consent log " + file, e);
        }
    }

    /** Appends a receipt as a new line and returns once it is on disk; returns its line number. */
    public long append(String receipt) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("prev_line", lastHash);
        m.put("receipt", receipt);
        String text = Json.write(m);
        if (text.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a log line cannot contain a newline");
        }
        ByteBuffer buf = ByteBuffer.wrap((text + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to consent log " + file, e);
        }
        lastHash = hashOf(text);
        return ++lines;
    }

    public long size() {
        return lines;
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

    /** Every line of {@code file}, numbered from 1; the last one is incomplete when no newline ends it. */
    public static List<Line> readLines(Path file) throws IOException {
        List<Line> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        byte[] bytes = Files.readAllBytes(file);
        int start = 0;
        long n = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                out.add(new Line(++n, new String(bytes, start, i - start, StandardCharsets.UTF_8), true));
                start = i + 1;
            }
        }
        if (start < bytes.length) {
            out.add(new Line(++n, new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8), false));
        }
        return out;
    }

    static String hashOf(String text) {
        return Base64Url.encode(Digests.sha256(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (UnsupportedOperationException e) {
            // This platform cannot open a directory: the file's own fsync is the best left.
        } catch (IOException e) {
            // The entry itself is synced; only the directory entry of a new file may not be.
            LOG.log(System.Logger.Level.WARNING, "cannot fsync the directory " + dir + ": " + e.getClass().getSimpleName());
        }
    }
}
