package io.precis.consent.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.consent.ConsentService;
import io.precis.consent.MutableClock;
import io.precis.consent.Purposes;
import io.precis.consent.identity.Pseudonym;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditVerifierTest {
    @TempDir
    Path data;
    Path keys;
    Path log;

    @BeforeEach
    void writeThreeChanges() {
        keys = data.resolve("keys");
        log = data.resolve("consent/consent.log");
        MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
        try (ConsentService s = ConsentService.open(data, keys, Purposes.NONE, "4", clock)) {
            s.update(new Pseudonym("1aaaaaaaaaaaaaaaaaaaaaa"), Map.of("profiling", true), "user");
            s.update(new Pseudonym("1bbbbbbbbbbbbbbbbbbbbbb"), Map.of("measurement", true), "tcf");
            s.update(new Pseudonym("1aaaaaaaaaaaaaaaaaaaaaa"), Map.of("profiling", false), "user");
        }
    }

    private AuditResult verify() {
        return AuditVerifier.verify(data, keys);
    }

    /** 1-based line of byte {@code offset}. */
    private static long lineOf(byte[] bytes, int offset) {
        long line = 1;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }

    @Test
    void intactLogVerifies() {
        AuditResult r = verify();
        assertTrue(r.ok());
        assertEquals(3, r.entries());
        assertNull(r.firstBrokenLine());
    }

    @Test
    void emptyOrMissingLogVerifiesWithZeroEntries(@TempDir Path empty) {
        assertEquals(new AuditResult(true, 0, null, null), AuditVerifier.verify(empty, empty.resolve("keys")));
    }

    @Test
    void editingAnySingleByteOfTheLogFailsAndNamesTheEditedLine() throws Exception {
        byte[] original = Files.readAllBytes(log);
        for (int i = 0; i < original.length; i++) {
            byte[] edited = original.clone();
            edited[i] = (byte) (edited[i] == 'A' ? 'B' : 'A');
            Files.write(log, edited);
            AuditResult r = verify();
            assertFalse(r.ok(), "edit at byte " + i + " went unnoticed");
            assertEquals(lineOf(original, i), r.firstBrokenLine(), "edit at byte " + i + ": " + r.reason());
        }
        Files.write(log, original);
        assertTrue(verify().ok());
    }

    @Test
    void removingAMiddleLineBreaksTheLinkOfTheNextOne() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(log));
        lines.remove(1);
        Files.write(log, lines);
        AuditResult r = verify();
        assertFalse(r.ok());
        assertEquals(2L, r.firstBrokenLine());
        assertEquals(1, r.entries());
        assertTrue(r.reason().contains("link"), r.reason());
    }

    @Test
    void swappingTwoLinesIsDetected() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(log));
        String second = lines.get(1);
        lines.set(1, lines.get(2));
        lines.set(2, second);
        Files.write(log, lines);
        assertEquals(2L, verify().firstBrokenLine());
    }

    @Test
    void aLogSignedByAnotherKeyFailsAtTheFirstLine(@TempDir Path otherKeys) {
        io.precis.consent.receipt.ReceiptKey.openOrCreate(otherKeys);
        AuditResult r = AuditVerifier.verify(data, otherKeys);
        assertFalse(r.ok());
        assertEquals(1L, r.firstBrokenLine());
    }

    @Test
    void aTruncatedLastLineIsReported() throws Exception {
        byte[] original = Files.readAllBytes(log);
        Files.write(log, Arrays.copyOf(original, original.length - 10));
        AuditResult r = verify();
        assertEquals(3L, r.firstBrokenLine());
        assertTrue(new String(Files.readAllBytes(log), StandardCharsets.UTF_8).length() > 0);
    }

    @Test
    void consentServiceRefusesToOpenALogWhoseLinksAreBroken() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(log));
        lines.remove(0);
        Files.write(log, lines);
        MutableClock clock = new MutableClock(Instant.parse("2025-01-02T00:00:00Z"));
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> ConsentService.open(data, keys, Purposes.NONE, "4", clock));
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    }
}
