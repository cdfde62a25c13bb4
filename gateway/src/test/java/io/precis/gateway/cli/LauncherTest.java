package io.precis.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code ./precis} itself (bash, from the repository root): help, version and every usage error
 * it answers before it would build anything, so these never start a Maven build inside a test.
 */
class LauncherTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    private static final String BENCH_USAGE = "usage: ./precis bench NAME [args...]   (load: gateway, cluster, triggers, events, consent,"
            + " startup, gatling; JMH: matcher, reports, consent-service, behaviour, token)";

    private static Cli.Result precis(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", ROOT.resolve("precis").toString()));
        cmd.addAll(List.of(args));
        return Cli.run(ROOT, cmd, java.util.Map.of());
    }

    @Test
    void helpInEveryFormPrintsTheUsageAndExitsZero() throws Exception {
        for (String form : new String[] {"--help", "-h", "help"}) {
            Cli.Result r = precis(form);
            assertEquals(0, r.exit(), form);
            assertTrue(r.out().contains("./precis run [--port N] [--data-dir DIR]"), form + ": " + r.out());
            assertTrue(r.out().contains("./precis audit verify"), form + ": " + r.out());
            assertTrue(r.out().contains("./precis bench NAME [args...]"), form + ": " + r.out());
            assertTrue(r.out().contains("load: gateway, cluster, triggers, events, consent, startup, gatling"), form + ": " + r.out());
            assertEquals("", r.err(), form);
        }
    }

    @Test
    void runHelpPrintsTheFlagsOfRunWithoutStartingAnything() throws Exception {
        for (String form : new String[] {"--help", "-h"}) {
            Cli.Result r = precis("run", "--port", "1", form);
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().startsWith("usage: ./precis run [--port N] [--data-dir DIR] [--keys-dir DIR] [--no-demo]"),
                    r.out());
            assertTrue(r.out().contains("--no-demo        no demo advertiser"), r.out());
        }
    }

    @Test
    void versionIsTheMavenProjectVersion() throws Exception {
        String pom = Files.readString(ROOT.resolve("gateway/pom.xml"));
        Matcher parent = Pattern.compile("<parent>.*?<version>([^<]+)</version>", Pattern.DOTALL).matcher(pom);
        assertTrue(parent.find());
        Cli.Result r = precis("--version");
        assertEquals(0, r.exit(), r.err());
        assertEquals("precis " + parent.group(1), r.out().strip());
    }

    @Test
    void unknownCommandsAndOptionsSayWhatWasWrong() throws Exception {
        Cli.Result r = precis("frobnicate");
        assertEquals(2, r.exit());
        assertEquals("precis: unknown command frobnicate\nrun ./precis --help for usage", r.err().strip());
        r = precis("--frobnicate");
        assertEquals(2, r.exit());
        assertEquals("precis: unknown option --frobnicate\nrun ./precis --help for usage", r.err().strip());
    }

    @Test
    void keysAuditAndBenchWithoutASubcommandPrintTheirUsage() throws Exception {
        assertUsage(precis("keys"), "precis: keys needs a subcommand",
                "usage: ./precis keys rotate|destroy-expired [--data-dir DIR] [--keys-dir DIR] [--overlap-days N]");
        assertUsage(precis("audit"), "precis: audit needs a subcommand",
                "usage: ./precis audit verify [--data-dir DIR] [--keys-dir DIR]");
        assertUsage(precis("bench"), "precis: bench needs a benchmark name",
                BENCH_USAGE);
        assertUsage(precis("keys", "spin"), "precis: unknown keys subcommand spin",
                "usage: ./precis keys rotate|destroy-expired [--data-dir DIR] [--keys-dir DIR] [--overlap-days N]");
        assertUsage(precis("bench", "nothing"), "precis: unknown benchmark nothing",
                BENCH_USAGE);
        assertUsage(precis("audit", "verify", "--data-dir"), "precis: --data-dir needs a value",
                "usage: ./precis audit verify [--data-dir DIR] [--keys-dir DIR]");
    }

    private static void assertUsage(Cli.Result r, String what, String usage) {
        assertEquals(2, r.exit(), r.err());
        assertEquals(what + "\n" + usage, r.err().strip());
        assertFalse(r.err().contains("line "), "no bash error: " + r.err());
    }
}
