package io.precis.consent.audit;

import io.precis.consent.log.ConsentLog;
import io.precis.consent.receipt.Receipt;
import io.precis.consent.receipt.ReceiptKey;
import io.precis.consent.receipt.Receipts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks the whole consent log: that every line links to the one before it, that every receipt
 * verifies under the receipt key, and that each receipt's {@code prev} is the hash of the
 * previous receipt of the same subject. Reports the first line that fails. Reads only; never
 * repairs or creates anything.
 */
public final class AuditVerifier {
    private AuditVerifier() {}

    public static AuditResult verify(Path dataDir, Path keysDir) {
        List<ConsentLog.Line> lines;
        try {
            lines = ConsentLog.readLines(ConsentLog.fileOf(dataDir));
        } catch (IOException e) {
            return AuditResult.broken(1, "cannot read the consent log: " + e.getMessage());
        }
        if (lines.isEmpty()) {
            return AuditResult.passed(0);
        }
        byte[] publicKey;
        try {
            publicKey = ReceiptKey.openExisting(keysDir).publicKey();
        } catch (RuntimeException e) {
            return AuditResult.broken(1, "no receipt key to verify with: " + e.getMessage());
        }
        String prevLine = null;
        Map<String, String> lastReceiptOfSubject = new HashMap<>();
        for (ConsentLog.Line line : lines) {
            long n = line.number();
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
        }
        return AuditResult.passed(lines.size());
    }
}
