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

    @Test
    void removingTheLastLineIsDetectedAsAMissingTail() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(log));
        Files.write(log, lines.subList(0, 2));
        AuditResult r = verify();
        assertFalse(r.ok());
        assertEquals(3L, r.firstBrokenLine());
        assertEquals(2, r.entries());
        assertTrue(r.reason().contains("tail is missing"), r.reason());
    }

    @Test
    void removingEveryLineIsDetectedAsAMissingTail() throws Exception {
        Files.write(log, new byte[0]);
        AuditResult r = verify();
        assertFalse(r.ok());
        assertTrue(r.reason().contains("tail is missing"), r.reason());
    }

    @Test
    void replacingTheLastLineWithAnotherValidChainIsDetectedByTheHead() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(log));
        Files.write(log, lines.subList(0, 2));
        Files.delete(data.resolve("consent/consent.head"));
        MutableClock clock = new MutableClock(Instant.parse("2025-01-03T00:00:00Z"));
        // A valid third line with other content, from a copy of the log: its head names it.
        Path other = data.resolve("other");
        Files.createDirectories(other.resolve("consent"));
        Files.write(other.resolve("consent/consent.log"), lines.subList(0, 2));
        try (ConsentService s = ConsentService.open(other, keys, Purposes.NONE, "4", clock)) {
            s.update(new Pseudonym("1bbbbbbbbbbbbbbbbbbbbbb"), Map.of("profiling", true), "user");
        }
        Files.copy(other.resolve("consent/consent.head"), data.resolve("consent/consent.head"));
        Files.write(log, lines);
        AuditResult r = verify();
        assertFalse(r.ok());
        assertEquals(3L, r.firstBrokenLine());
        assertTrue(r.reason().contains("signed head"), r.reason());
    }

    @Test
    void aHeadThatLagsTheLogByTheLastBatchStillVerifiesAndTheServiceCatchesItUp() throws Exception {
        // A crash between the log's fsync and the head's write leaves the head one batch behind:
        // build that state from a head written when the log had two lines.
        Path head = data.resolve("consent/consent.head");
        List<String> lines = new ArrayList<>(Files.readAllLines(log));
        Files.write(log, lines.subList(0, 2));
        Files.delete(head);
        MutableClock clock = new MutableClock(Instant.parse("2025-01-03T00:00:00Z"));
        ConsentService.open(data, keys, Purposes.NONE, "4", clock).close();
        byte[] atTwo = Files.readAllBytes(head);
        Files.write(log, lines);

        AuditResult r = verify();
        assertTrue(r.ok(), String.valueOf(r));
        assertEquals(3, r.entries());
        try (ConsentService s = ConsentService.open(data, keys, Purposes.NONE, "4", clock)) {
            assertEquals(2, s.history(new Pseudonym("1aaaaaaaaaaaaaaaaaaaaaa")).size());
        }
        assertFalse(Arrays.equals(atTwo, Files.readAllBytes(head)), "the open brought the head up to line 3");
        Files.write(log, lines.subList(0, 2));
        assertTrue(verify().reason().contains("tail is missing"));
    }

    @Test
    void aLogWithoutItsSignedHeadFails() throws Exception {
        Files.delete(data.resolve("consent/consent.head"));
        AuditResult r = verify();
        assertFalse(r.ok());
        assertTrue(r.reason().contains("no signed head"), r.reason());
    }

    @Test
    void aForgedHeadFails(@TempDir Path otherKeys) throws Exception {
        Path head = data.resolve("consent/consent.head");
        String text = Files.readString(head).strip();
        String[] parts = text.split("\\.");
        String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"lines\":3", "\"lines\":2");
        Files.writeString(head, parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2] + "\n");
        AuditResult r = verify();
        assertFalse(r.ok());
        assertTrue(r.reason().contains("head does not verify"), r.reason());
    }

    @Test
    void consentServiceRefusesToOpenALogWhoseTailWasRemoved() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(log));
        Files.write(log, lines.subList(0, 2));
        MutableClock clock = new MutableClock(Instant.parse("2025-01-02T00:00:00Z"));
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> ConsentService.open(data, keys, Purposes.NONE, "4", clock));
        assertTrue(e.getMessage().contains("removed from its end"), e.getMessage());
    }
}
