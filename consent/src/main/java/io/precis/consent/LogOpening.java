package io.precis.consent;

import io.precis.consent.log.ConsentLog;
import io.precis.consent.log.LineReader;
import io.precis.consent.log.LogHead;
import io.precis.consent.log.LogIndex;
import io.precis.consent.receipt.ReceiptKey;
import io.precis.consent.receipt.Receipts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Opens the consent log for {@link ConsentService} in one streamed pass: checks every link,
 * brings the {@link LogIndex} up to date (rebuilding it when it does not match the log), checks
 * the log against its signed {@link LogHead}, and checks the last line's signature. Refuses
 * (with {@link IllegalStateException} naming what is wrong and pointing to
 * {@code precis audit verify}) a log that is broken or shorter than its head.
 */
final class LogOpening {
    private static final System.Logger LOG = System.getLogger(LogOpening.class.getName());

    private final LogIndex index;
    private final long covered;
    private final String coveredHash;
    private final LogHead head;
    private boolean coverageMatches;
    private String headLineHash;
    private String lastReceipt;
    private long lastIndexed = -1;
    private String lastIndexedHash;

    private LogOpening(LogIndex index, LogHead head) {
        this.index = index;
        this.covered = index.coveredOffset();
        this.coveredHash = index.coveredHash();
        this.coverageMatches = covered < 0;
        this.head = head;
    }

    static ConsentLog open(Path dataDir, ReceiptKey key, LogIndex index, Clock clock) {
        LogHead head = LogHead.read(dataDir).map(text -> verifiedHead(text, key)).orElse(null);
        LogOpening o = new LogOpening(index, head);
        ConsentLog log = ConsentLog.open(dataDir, o::replay);
        try {
            if (o.lastIndexed >= 0) {
                index.covered(o.lastIndexed, o.lastIndexedHash);
            }
            o.checkHead(log);
            o.checkLastSignature(log, key);
            if (!o.coverageMatches) {
                LOG.log(System.Logger.Level.WARNING, "consent log index does not match the log; rebuilding it");
                o.rebuild(dataDir);
            }
            if (log.size() > 0 && (head == null || head.lines() < log.size())) {
                if (head == null) {
                    LOG.log(System.Logger.Level.WARNING, "consent log has no signed head; writing one"
                            + " (expected once, on the first start after upgrading)");
                }
                new LogHead(log.size(), log.lastHash(), clock.instant().getEpochSecond()).write(dataDir, key);
            }
            return log;
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
    }

    private static LogHead verifiedHead(String text, ReceiptKey key) {
        try {
            return LogHead.verify(text, key.publicKey());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("consent log head " + LogHead.RELATIVE_PATH + " does not verify: "
                    + e.getMessage() + "; run `precis audit verify`");
        }
    }

    private void replay(ConsentLog.Line line, ConsentLog.Entry entry) {
        if (line.offset() == covered) {
            coverageMatches = line.hash().equals(coveredHash);
        }
        if (head != null && line.number() == head.lines()) {
            headLineHash = line.hash();
        }
        if (line.offset() > covered) {
            index.add(sub(line, entry), line.offset());
            lastIndexed = line.offset();
            lastIndexedHash = line.hash();
        }
        lastReceipt = entry.receipt();
    }

    private static String sub(ConsentLog.Line line, ConsentLog.Entry entry) {
        try {
            return Receipts.parse(entry.receipt()).sub();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("consent log holds an unreadable receipt at line " + line.number()
                    + ": run `precis audit verify`", e);
        }
    }

    private void checkHead(ConsentLog log) {
        if (head == null) {
            return;
        }
        if (log.size() < head.lines()) {
            throw new IllegalStateException("consent log ends at line " + log.size() + " but its signed head names"
                    + " line " + head.lines() + ": lines were removed from its end; run `precis audit verify`");
        }
        if (!head.lastLine().equals(headLineHash)) {
            throw new IllegalStateException("consent log line " + head.lines() + " is not the one its signed head"
                    + " names; run `precis audit verify`");
        }
    }

    /** The last line's signature proves the key in the keys dir is the one that wrote the log. */
    private void checkLastSignature(ConsentLog log, ReceiptKey key) {
        if (lastReceipt != null) {
            try {
                Receipts.verify(lastReceipt, key.publicKey());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("consent log line " + log.size() + " does not verify under the"
                        + " receipt key: " + e.getMessage() + "; run `precis audit verify`");
            }
        }
    }

    /** Indexes every line again from an empty index (the log's links were checked by the pass before). */
    private void rebuild(Path dataDir) {
        index.clear();
        try (LineReader reader = new LineReader(ConsentLog.fileOf(dataDir))) {
            ConsentLog.Line last = null;
            for (ConsentLog.Line line = reader.next(); line != null && line.complete(); line = reader.next()) {
                index.add(sub(line, ConsentLog.parse(line.text())), line.offset());
                last = line;
            }
            if (last != null) {
                index.covered(last.offset(), last.hash());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rebuild the consent log index", e);
        }
    }
}
