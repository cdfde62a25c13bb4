package io.precis.consent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.consent.ConsentService;
import io.precis.consent.MutableClock;
import io.precis.consent.Purposes;
import io.precis.consent.identity.Pseudonym;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsentCliTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        return ConsentCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), clock);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8).strip();
    }

    @Test
    void keysRotateStartsTheNextEpochAndDestroyExpiredWaitsForTheOverlap(@TempDir Path keys) {
        assertEquals(0, run("keys", "rotate", "--keys-dir", keys.toString(), "--overlap-days", "7"));
        assertTrue(out().startsWith("started pseudonym epoch 2"), out());
        assertEquals(0, run("keys", "destroy-expired", "--keys-dir", keys.toString()));
        assertEquals("destroyed 0 expired pseudonym keys", out());
        assertTrue(Files.exists(keys.resolve("pseudonym/epoch-1.key")));

        clock.advance(Duration.ofDays(7));
        assertEquals(0, run("keys", "destroy-expired", "--keys-dir", keys.toString()));
        assertEquals("destroyed 1 expired pseudonym key", out());
        assertFalse(Files.exists(keys.resolve("pseudonym/epoch-1.key")));
    }

    @Test
    void auditVerifyPrintsOkOrTheBrokenLineWithExitStatus(@TempDir Path data) throws Exception {
        Path keys = data.resolve("keys");
        try (ConsentService s = ConsentService.open(data, keys, Purposes.NONE, "4", clock)) {
            s.update(new Pseudonym("1aaaaaaaaaaaaaaaaaaaaaa"), Map.of("profiling", true), "user");
            s.update(new Pseudonym("1aaaaaaaaaaaaaaaaaaaaaa"), Map.of("measurement", true), "user");
        }
        assertEquals(0, run("audit", "verify", "--data-dir", data.toString(), "--keys-dir", keys.toString()));
        assertEquals("ok: 2 entries", out());

        Path log = data.resolve("consent/consent.log");
        String text = Files.readString(log);
        int secondLine = text.indexOf('\n') + 1;
        int at = text.indexOf("\"receipt\":\"", secondLine) + 20;
        char c = text.charAt(at);
        Files.writeString(log, text.substring(0, at) + (c == 'x' ? 'y' : 'x') + text.substring(at + 1));
        assertEquals(1, run("audit", "verify", "--data-dir", data.toString(), "--keys-dir", keys.toString()));
        assertTrue(out().startsWith("broken at line 2: "), out());
    }

    @Test
    void auditVerifySaysTheTailIsMissingWhenTheLastLineWasCut(@TempDir Path data) throws Exception {
        Path keys = data.resolve("keys");
        try (ConsentService s = ConsentService.open(data, keys, Purposes.NONE, "4", clock)) {
            s.update(new Pseudonym("1aaaaaaaaaaaaaaaaaaaaaa"), Map.of("profiling", true), "user");
            s.update(new Pseudonym("1bbbbbbbbbbbbbbbbbbbbbb"), Map.of("measurement", true), "user");
        }
        Path log = data.resolve("consent/consent.log");
        Files.write(log, Files.readAllLines(log).subList(0, 1));
        assertEquals(1, run("audit", "verify", "--data-dir", data.toString(), "--keys-dir", keys.toString()));
        assertTrue(out().startsWith("broken at line 2: the log's tail is missing"), out());
    }

    @Test
    void badUsageExitsWith2(@TempDir Path keys) {
        assertEquals(2, run("keys"));
        assertEquals(2, run("keys", "spin", "--keys-dir", keys.toString()));
        assertEquals(2, run("keys", "rotate"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--keys-dir"));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8).strip();
    }

    @Test
    void overlapDaysThatIsNotANumberIsAClearUsageError(@TempDir Path keys) {
        assertEquals(2, run("keys", "rotate", "--keys-dir", keys.toString(), "--overlap-days", "abc"));
        assertEquals("error: --overlap-days must be a whole number of days, not \"abc\"", err());
        assertFalse(Files.exists(keys.resolve("pseudonym/epoch-2.key")), "nothing rotated");
    }

    @Test
    void unknownOptionsAndCommandsAreNamed(@TempDir Path keys) {
        assertEquals(2, run("keys", "rotate", "--keys-dir", keys.toString(), "--overlap", "3"));
        assertTrue(err().startsWith("error: unknown option --overlap for keys rotate\nusage: precis keys rotate"), err());
        assertEquals(2, run("keys", "spin", "--keys-dir", keys.toString()));
        assertTrue(err().startsWith("error: unknown command keys spin\n"), err());
        assertEquals(2, run("audit", "verify", "--data-dir"));
        assertTrue(err().startsWith("error: --data-dir needs a value\n"), err());
    }

    @Test
    void auditVerifyOfADirWithoutAConsentLogFailsInsteadOfPassing(@TempDir Path tmp) {
        Path none = tmp.resolve("no/such/dir");
        assertEquals(2, run("audit", "verify", "--data-dir", none.toString(), "--keys-dir", none.resolve("keys").toString()));
        assertEquals("", out(), "no ok line");
        assertTrue(err().startsWith("error: no consent log at " + none.resolve("consent/consent.log")), err());
    }
}
