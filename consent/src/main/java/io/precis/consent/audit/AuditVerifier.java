package io.precis.consent.audit;

import io.precis.consent.log.ConsentLog;
import io.precis.consent.receipt.Receipt;
import io.precis.consent.receipt.ReceiptKey;
import io.precis.consent.receipt.Receipts;
import io.precis.consent.log.LineReader;
import io.precis.consent.log.LogHead;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Optional;
import java.util.Map;
import java.util.Objects;

/**
 * Checks the whole consent log: that every line links to the one before it, that every receipt
 * verifies under the receipt key, that each receipt's {@code prev} is the hash of the previous
 * receipt of the same subject, and that the log reaches its signed {@link LogHead} (so lines
 * cut from its end are found). A log longer than its head is sound: the head may lag by the
 * batch being committed when the gateway stopped. Reports the first line that fails. Streams
 * the log (one line in memory; the last receipt hash of each subject is kept). Reads only;
 * never repairs or creates anything.
 */
public final class AuditVerifier {
    private AuditVerifier() {}

    public static AuditResult verify(Path dataDir, Path keysDir) {
        try (LineReader reader = new LineReader(ConsentLog.fileOf(dataDir))) {
            return verify(reader, dataDir, keysDir);
        } catch (IOException | UncheckedIOException e) {
            return AuditResult.broken(1, "cannot read the consent log: " + e.getMessage());
        }
    }

    private static AuditResult verify(LineReader reader, Path dataDir, Path keysDir) throws IOException {
        ConsentLog.Line first = reader.next();
        Optional<String> headText = LogHead.read(dataDir);
        if (first == null && headText.isEmpty()) {
            return AuditResult.passed(0);
        }
        byte[] publicKey;
        try {
            publicKey = ReceiptKey.openExisting(keysDir).publicKey();
        } catch (RuntimeException e) {
            return AuditResult.broken(1, "no receipt key to verify with: " + e.getMessage());
        }
        String prevLine = null;
        long n = 0;
        LogHead head = null;
        String headLineHash = null;
        Map<String, String> lastReceiptOfSubject = new HashMap<>();
        for (ConsentLog.Line line = first; line != null; line = reader.next()) {
            n = line.number();
            if (!line.complete()) {
                return AuditResult.broken(n, "incomplete last line (no newline)");
            }
            ConsentLog.Entry entry;
            try {
                entry = ConsentLog.parse(line.text());
            } catch (IllegalArgumentException e) {
                return AuditResult.broken(n, "not a consent log entry");
            }
            if (!Objects.equals(prevLine, entry.prevLine())) {
                return AuditResult.broken(n, "link to the previous line does not match"
                        + " (a line was edited, removed or reordered)");
            }
            Receipt r;
            try {
                r = Receipts.verify(entry.receipt(), publicKey);
            } catch (IllegalArgumentException e) {
                return AuditResult.broken(n, e.getMessage());
            }
            String expectedPrev = lastReceiptOfSubject.get(r.sub());
            if (!Objects.equals(expectedPrev, r.prev())) {
                return AuditResult.broken(n, "receipt's prev is not the hash of the previous receipt of its subject");
            }
            lastReceiptOfSubject.put(r.sub(), r.hash());
            prevLine = line.hash();
            if (n == 1) {
                // Checked once the first line shows the key is right, so a wrong key names line 1.
                if (headText.isEmpty()) {
                    return AuditResult.broken(1, "the log has no signed head (" + LogHead.RELATIVE_PATH
                            + "): lines removed from its end could not be found");
                }
                try {
                    head = LogHead.verify(headText.get(), publicKey);
                } catch (IllegalArgumentException e) {
                    return AuditResult.broken(1, "the log's signed head does not verify: " + e.getMessage());
                }
            }
            if (n == head.lines()) {
                headLineHash = line.hash();
            }
        }
        if (n == 0) {
            return AuditResult.broken(1, "the log is empty but its signed head names lines: its tail is missing");
        }
        if (n < head.lines()) {
            return AuditResult.broken(n + 1, "the log's tail is missing: it ends at line " + n
                    + " but its signed head names line " + head.lines());
        }
        if (!head.lastLine().equals(headLineHash)) {
            return AuditResult.broken(head.lines(), "line " + head.lines() + " is not the one the log's signed head names");
        }
        return AuditResult.passed(n);
    }
}
