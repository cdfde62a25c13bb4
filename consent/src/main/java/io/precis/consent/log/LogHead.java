package io.precis.consent.log;

import io.precis.consent.receipt.ReceiptKey;
import io.precis.consent.receipt.Receipts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The signed head of the consent log, {@code <dataDir>/consent/consent.head}: how many lines the
 * log had at the last group commit and the hash of the last of them, as a compact JWS signed
 * with the receipt key (header {@code typ} {@value #TYP}). A log cut short at its end still
 * links line to line; only the head tells that lines are missing.
 *
 * <p>The head is written after the lines it names are on disk (write to a temporary file,
 * fsync, atomic rename), so it may lag the log by the batch being committed when the process
 * stopped, but never names lines the log does not hold. A log longer than its head is
 * therefore sound; a log shorter than its head, or whose line {@link #lines} is not the one
 * named, has lost its tail.
 *
 * @param lines lines in the log when it was written (at least 1)
 * @param lastLine the hash ({@code prev_line} value) of line {@code lines}
 * @param iat when it was written, in Unix seconds
 */
public record LogHead(long lines, String lastLine, long iat) {
    public static final String RELATIVE_PATH = "consent/consent.head";
    public static final String TYP = "precis-consent-head";

    /** The head file of {@code dataDir}. */
    public static Path fileOf(Path dataDir) {
        return dataDir.resolve(RELATIVE_PATH);
    }

    /** The head of {@code dataDir} as stored (unverified text), or empty when there is none. */
    public static Optional<String> read(Path dataDir) {
        Path f = fileOf(dataDir);
        try {
            return Files.exists(f) ? Optional.of(Files.readString(f, StandardCharsets.US_ASCII).strip()) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read consent log head " + f, e);
        }
    }

    /**
     * The head in {@code compact} after checking its signature under {@code publicKey}; throws
     * {@link IllegalArgumentException} naming what is wrong.
     */
    public static LogHead verify(String compact, byte[] publicKey) {
        Map<String, Object> p = Receipts.verifyTyped(compact, TYP, publicKey);
        if (!(p.get("lines") instanceof Number n) || !(p.get("last_line") instanceof String last)
                || !(p.get("iat") instanceof Number iat) || n.longValue() < 1) {
            throw new IllegalArgumentException("consent log head is incomplete");
        }
        return new LogHead(n.longValue(), last, iat.longValue());
    }

    /** Signs this head with {@code key} and replaces the head file of {@code dataDir} with it atomically. */
    public void write(Path dataDir, ReceiptKey key) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("lines", lines);
        payload.put("last_line", lastLine);
        payload.put("iat", iat);
        byte[] bytes = (Receipts.signTyped(key, TYP, payload) + "\n").getBytes(StandardCharsets.US_ASCII);
        Path f = fileOf(dataDir);
        Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(false);
            }
            Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write consent log head " + f, e);
        }
    }
}
