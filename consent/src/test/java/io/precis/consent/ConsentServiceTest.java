package io.precis.consent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.consent.identity.Pseudonym;
import io.precis.consent.receipt.Receipt;
import io.precis.consent.receipt.ReceiptsTestAccess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsentServiceTest {
    private static final Pseudonym ALICE = new Pseudonym("1aaaaaaaaaaaaaaaaaaaaaa");
    private static final Pseudonym BOB = new Pseudonym("1bbbbbbbbbbbbbbbbbbbbbb");

    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));

    @TempDir
    Path data;

    private ConsentService open() {
        return ConsentService.open(data, data.resolve("keys"), Purposes.NONE, "4", clock);
    }

    @Test
    void withoutAStoredChoiceTheDefaultsApplyWithoutReceipt() {
        try (ConsentService s = open()) {
            ConsentState st = s.current(ALICE);
            assertEquals(Purposes.NONE, st.purposes());
            assertEquals("default", st.source());
            assertNull(st.receipt());
            assertNull(st.updatedAt());
            assertEquals(List.of(), s.history(ALICE));
        }
        try (ConsentService s = ConsentService.open(data, data.resolve("keys"), Purposes.ALL, "4", clock)) {
            assertEquals(Purposes.ALL, s.current(ALICE).purposes());
        }
    }

    @Test
    void partialUpdateChangesOnlyTheGivenPurposesAndTakesEffectImmediately() {
        try (ConsentService s = open()) {
            ConsentState a = s.update(ALICE, Map.of("personalisation", true, "measurement", true), "user");
            assertEquals(new Purposes(true, false, true, false), a.purposes());
            assertEquals(a, s.current(ALICE));
            ConsentState b = s.update(ALICE, Map.of("measurement", false), "user");
            assertEquals(new Purposes(true, false, false, false), s.current(ALICE).purposes());
            assertEquals(b, s.current(ALICE));
            assertEquals(Purposes.NONE, s.current(BOB).purposes());
            assertEquals(Instant.parse("2025-01-01T00:00:00Z"), b.updatedAt());
        }
    }

    @Test
    void unknownPurposeOrSourceIsRejectedAndNothingIsWritten() throws Exception {
        try (ConsentService s = open()) {
            assertThrows(IllegalArgumentException.class, () -> s.update(ALICE, Map.of("personalization", true), "user"));
            assertThrows(IllegalArgumentException.class, () -> s.update(ALICE, Map.of("profiling", true), "admin"));
            assertEquals(List.of(), s.history(ALICE));
        }
        assertEquals(0, Files.size(data.resolve("consent/consent.log")));
    }

    @Test
    void stateSurvivesRestartByReplayingTheLog() {
        ConsentState last;
        try (ConsentService s = open()) {
            s.update(ALICE, Map.of("profiling", true), "user");
            clock.advance(Duration.ofMinutes(5));
            last = s.update(ALICE, Map.of("precise_geo", true), "tcf");
            s.update(BOB, Map.of("measurement", true), "user");
        }
        try (ConsentService s = open()) {
            assertEquals(last, s.current(ALICE));
            assertEquals(2, s.history(ALICE).size());
            assertEquals(new Purposes(false, false, true, false), s.current(BOB).purposes());
        }
    }

    @Test
    void historyIsOldestFirstAndEachReceiptLinksToThePreviousOneOfTheSameSubject() throws Exception {
        try (ConsentService s = open()) {
            s.update(ALICE, Map.of("personalisation", true), "user");
            s.update(BOB, Map.of("personalisation", true), "user");
            clock.advance(Duration.ofSeconds(1));
            s.update(ALICE, Map.of("profiling", true), "user");
            clock.advance(Duration.ofSeconds(1));
            s.update(ALICE, Map.of("personalisation", false), "user");

            List<ConsentState> h = s.history(ALICE);
            assertEquals(3, h.size());
            String prev = null;
            long lastIat = 0;
            for (ConsentState st : h) {
                JsonNode payload = io.precis.consent.receipt.ReceiptsTestAccess.verify(st.receipt(), s.publicJwk());
                assertEquals(ALICE.value(), payload.get("sub").asText());
                assertEquals("4", payload.get("policy").asText());
                assertEquals(prev, payload.get("prev").isNull() ? null : payload.get("prev").asText());
                assertTrue(payload.get("iat").asLong() >= lastIat);
                lastIat = payload.get("iat").asLong();
                prev = Receipt.hash(st.receipt());
            }
            assertEquals(new Purposes(false, true, false, false), h.get(2).purposes());
            assertTrue(ReceiptsTestAccess.verify(s.history(BOB).get(0).receipt(), s.publicJwk()).get("prev").isNull());
        }
    }

    @Test
    void afterKeyRotationTheChoiceUnderTheOlderAliasStillAppliesAndCarriesOver() {
        Pseudonym aliceOld = ALICE;
        Pseudonym aliceNew = new Pseudonym("2aaaaaaaaaaaaaaaaaaaaaa");
        try (ConsentService s = open()) {
            s.update(aliceOld, Map.of("measurement", true), "user");
            assertEquals(new Purposes(false, false, true, false), s.current(List.of(aliceNew, aliceOld)).purposes());
            ConsentState st = s.update(List.of(aliceNew, aliceOld), Map.of("profiling", true), "user");
            assertEquals(new Purposes(false, true, true, false), st.purposes());
            assertEquals(st, s.current(aliceNew));
        }
    }

    @Test
    void everyUpdateIsOnDiskWhenItReturns() throws Exception {
        try (ConsentService s = open()) {
            s.update(ALICE, Map.of("profiling", true), "user");
            List<String> lines = Files.readAllLines(data.resolve("consent/consent.log"));
            assertEquals(1, lines.size());
            assertTrue(lines.get(0).contains(s.current(ALICE).receipt()));
        }
    }

    @Test
    void tornLastLineFromACrashIsDroppedAtOpen() throws Exception {
        try (ConsentService s = open()) {
            s.update(ALICE, Map.of("profiling", true), "user");
        }
        Files.writeString(data.resolve("consent/consent.log"), "{\"prev_line\":\"abc\",\"rec",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        try (ConsentService s = open()) {
            assertEquals(new Purposes(false, true, false, false), s.current(ALICE).purposes());
            s.update(ALICE, Map.of("measurement", true), "user");
        }
        assertTrue(io.precis.consent.audit.AuditVerifier.verify(data, data.resolve("keys")).ok());
    }

    @Test
    void concurrentUpdatesAreAllRecordedInOneValidChain() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (ConsentService s = open()) {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                Pseudonym p = i % 2 == 0 ? ALICE : BOB;
                boolean v = i % 3 == 0;
                fs.add(pool.submit(() -> s.update(p, Map.of("profiling", v), "user")));
            }
            for (Future<?> f : fs) {
                f.get();
            }
            assertEquals(100, s.history(ALICE).size());
            assertEquals(100, s.history(BOB).size());
        } finally {
            pool.shutdown();
        }
        var r = io.precis.consent.audit.AuditVerifier.verify(data, data.resolve("keys"));
        assertTrue(r.ok(), String.valueOf(r));
        assertEquals(200, r.entries());
    }

    @Test
    void manyPeoplesUpdatesShareFsyncsAndEachIsOnDiskWhenItReturns() throws Exception {
        int threads = 32;
        int perThread = 20;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        Path log = data.resolve("consent/consent.log");
        try (ConsentService s = open()) {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        ConsentState st = s.update(new Pseudonym("u" + thread + "-" + i), Map.of("profiling", true), "user");
                        if (i % 5 == 0) {
                            assertTrue(Files.readString(log).contains(st.receipt()), "returned before its line was on disk");
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
            assertTrue(s.commits() < threads * perThread, s.commits() + " fsyncs for " + threads * perThread + " updates");
        } finally {
            pool.shutdown();
        }
        var r = io.precis.consent.audit.AuditVerifier.verify(data, data.resolve("keys"));
        assertTrue(r.ok(), String.valueOf(r));
        assertEquals(threads * perThread, r.entries());
    }

    @Test
    void aLostOrForeignIndexIsRebuiltFromTheLog() throws Exception {
        ConsentState last;
        try (ConsentService s = open()) {
            s.update(ALICE, Map.of("profiling", true), "user");
            s.update(BOB, Map.of("measurement", true), "user");
            last = s.update(ALICE, Map.of("precise_geo", true), "user");
        }
        Path index = data.resolve("consent/consent.index");
        Files.delete(index);
        try (ConsentService s = ConsentService.open(data, data.resolve("keys"), Purposes.NONE, "4", clock, 1)) {
            assertEquals(last, s.current(ALICE));
            assertEquals(2, s.history(ALICE).size());
            assertEquals(1, s.history(BOB).size());
        }
        // An index of another log (same offsets, other lines) must not be believed.
        Path other = data.resolve("other");
        try (ConsentService s = ConsentService.open(other, data.resolve("keys"), Purposes.NONE, "4", clock)) {
            s.update(BOB, Map.of("profiling", true), "user");
            s.update(ALICE, Map.of("measurement", true), "user");
            s.update(BOB, Map.of("precise_geo", true), "user");
        }
        Files.copy(other.resolve("consent/consent.index"), index, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (ConsentService s = open()) {
            assertEquals(last, s.current(ALICE));
            assertEquals(2, s.history(ALICE).size());
            assertEquals(new Purposes(false, false, true, false), s.current(BOB).purposes());
        }
    }

    @Test
    void aSecondServiceOnTheSameDataDirIsRefusedAndTheFirstKeepsWorking() {
        try (ConsentService s = open()) {
            s.update(ALICE, Map.of("profiling", true), "user");
            IllegalStateException e = assertThrows(IllegalStateException.class, this::open);
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
            s.update(ALICE, Map.of("measurement", true), "user");
            assertEquals(2, s.history(ALICE).size());
        }
        assertTrue(io.precis.consent.audit.AuditVerifier.verify(data, data.resolve("keys")).ok());
    }

    @Test
    void publicJwkIsAnEd25519OkpKey() {
        try (ConsentService s = open()) {
            Map<String, Object> jwk = s.publicJwk();
            assertEquals("OKP", jwk.get("kty"));
            assertEquals("Ed25519", jwk.get("crv"));
            assertEquals(43, ((String) jwk.get("x")).length());
            assertNotNull(jwk.get("kid"));
        }
    }
}
