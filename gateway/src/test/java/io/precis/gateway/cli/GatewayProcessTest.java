package io.precis.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.gateway.TestGateway;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code ./precis run} and the operator commands say, from separate processes started as
 * the launcher starts them ({@code java -cp ... Main}): the start-up banner and log, a busy port,
 * a data dir already in use, the log file's name and the logged shutdown.
 */
class GatewayProcessTest {
    private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");
    private static final Map<String, String> ENV = Map.of(
            "PRECIS_ADMIN_TOKEN", TestGateway.ADMIN_TOKEN, "PRECIS_HOST", "127.0.0.1");

    @TempDir
    Path dir;

    @Test
    void startupNamesTheTokenSourceLogsTheConfigAndAClashingSecondGatewayIsToldWhy() throws Exception {
        Path data = dir.resolve("data");
        ProcessBuilder pb = new ProcessBuilder(Cli.java("io.precis.gateway.Main",
                "--port", "0", "--data-dir", data.toString(), "--no-demo")).redirectErrorStream(true);
        pb.environment().putAll(ENV);
        Process first = pb.start();
        StringBuilder banner = new StringBuilder();
        int port;
        try {
            port = awaitBanner(first, banner);
            String shown = banner.toString();
            assertTrue(shown.contains("admin token:     from the environment (PRECIS_ADMIN_TOKEN)"), shown);
            assertTrue(shown.contains("log file:        " + data.toAbsolutePath().resolve("logs/precis.log")), shown);
            assertFalse(shown.contains(TestGateway.ADMIN_TOKEN), "the token itself is never printed");

            // A second gateway on the same data dir: refused, naming the first one's pid.
            Cli.Result second = Cli.run(dir, Cli.java("io.precis.gateway.Main",
                    "--port", "0", "--data-dir", data.toString(), "--no-demo"), ENV);
            assertEquals(1, second.exit(), second.err());
            assertEquals("precis: the data dir " + data.toAbsolutePath() + " is in use by another gateway (pid "
                    + first.pid() + "); stop it or use another --data-dir", second.err().strip());

            // A third on the first one's port: told the port is busy, without a stack trace.
            Cli.Result third = Cli.run(dir, Cli.java("io.precis.gateway.Main",
                    "--port", String.valueOf(port), "--data-dir", dir.resolve("other").toString(), "--no-demo"), ENV);
            assertEquals(1, third.exit(), third.err());
            assertTrue(third.err().strip().endsWith(
                    "precis: port " + port + " is in use; try --port N (0 picks a free port)"), third.err());
            assertFalse(third.err().contains("Exception") || third.err().contains("\tat "), third.err());
        } finally {
            first.destroy(); // SIGTERM, as Ctrl-C or a service manager stops it
            assertTrue(first.waitFor(60, TimeUnit.SECONDS), "the gateway stops on SIGTERM");
        }
        Path logs = data.resolve("logs");
        try (Stream<Path> files = Files.list(logs)) {
            assertEquals(List.of("access.log", "audit.log", "precis.log"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "the README's file names, no .0 suffix and no lock file");
        }
        String log = Files.readString(logs.resolve("precis.log"));
        assertTrue(log.contains("INFO io.precis.gateway.Main: started host=127.0.0.1 port=" + port
                + " dataDir=" + data.toAbsolutePath()), log);
        assertTrue(log.contains(" adminToken=environment "), log);
        // On Linux (x86-64 or ARM64) the server runs on Netty's native epoll transport, whose jar
        // the launcher's class path carries; elsewhere on the JDK's, saying why.
        String os = System.getProperty("os.name");
        String arch = System.getProperty("os.arch");
        if (os.equals("Linux") && (arch.equals("amd64") || arch.equals("aarch64"))) {
            assertTrue(log.contains(" transport=\"epoll\""), log);
        } else {
            assertTrue(log.contains(" transport=\"nio"), log);
        }
        assertTrue(log.contains("INFO io.precis.gateway.Main: shutting down"), log);
        assertTrue(log.contains("INFO io.precis.gateway.Main: stopped"), log);
        assertFalse(log.contains("database shutdown failed"),
                "the database is closed by the gateway after draining, not by H2's own shutdown hook: " + log);
        assertFalse(log.contains(TestGateway.ADMIN_TOKEN), "no secret in the log");
    }

    @Test
    void theDataDirIsFreeAgainOnceTheGatewayInThisProcessCloses() {
        Path data = dir.resolve("data");
        try (TestGateway gw = TestGateway.start(data)) {
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> TestGateway.start(data).close());
            assertTrue(String.valueOf(e.getMessage()).contains("is in use by another gateway (pid "
                    + ProcessHandle.current().pid() + ")"), e.getMessage());
        }
        TestGateway.start(data).close();
    }

    @Test
    void aBusyPortInTheGatewayProcessIsNamedWithoutAStackTrace() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Cli.Result r = Cli.run(dir, Cli.java("io.precis.gateway.Main",
                    "--port", String.valueOf(port), "--data-dir", dir.resolve("data").toString(), "--no-demo"), ENV);
            assertEquals(1, r.exit(), r.err());
            assertTrue(r.err().strip().endsWith("precis: port " + port + " is in use; try --port N (0 picks a free port)"),
                    r.err());
            assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
            assertFalse(r.out().contains("listening"), r.out());
        }
    }

    @Test
    void anUnknownFlagOfRunIsNamed() throws Exception {
        Cli.Result r = Cli.run(dir, Cli.java("io.precis.gateway.Main", "--prot", "8080"), ENV);
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("unknown argument --prot\nusage: precis run"), r.err());
    }

    @Test
    void rotateWithANonNumericOverlapAndAuditOfAMissingDirFailWithAClearMessage() throws Exception {
        Cli.Result r = Cli.run(dir, Cli.java("io.precis.consent.cli.ConsentCli",
                "keys", "rotate", "--keys-dir", dir.resolve("keys").toString(), "--overlap-days", "abc"), Map.of());
        assertEquals(2, r.exit());
        assertEquals("error: --overlap-days must be a whole number of days, not \"abc\"", r.err().strip());
        r = Cli.run(dir, Cli.java("io.precis.consent.cli.ConsentCli",
                "audit", "verify", "--keys-dir", "/no/such/dir/keys", "--data-dir", "/no/such/dir"), Map.of());
        assertEquals(2, r.exit());
        assertEquals("", r.out(), "no ok line");
        assertTrue(r.err().startsWith("error: no consent log at /no/such/dir/consent/consent.log"), r.err());
    }

    /**
     * Reads the output up to the banner's "log file:" line and returns the port. The lines are
     * read on their own thread (which drains the rest), so a gateway that goes quiet fails the
     * test at the deadline instead of hanging it.
     */
    private static int awaitBanner(Process p, StringBuilder seen) throws Exception {
        java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Thread reader = new Thread(() -> {
            try {
                out.lines().forEach(lines::add);
            } catch (java.io.UncheckedIOException closed) {
                // the process ended and its output with it
            }
        }, "gateway-output");
        reader.setDaemon(true);
        reader.start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        int port = -1;
        while (Instant.now().isBefore(deadline)) {
            String line = lines.poll(Duration.between(Instant.now(), deadline).toMillis() + 1, TimeUnit.MILLISECONDS);
            if (line == null) {
                break;
            }
            seen.append(line).append('\n');
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                port = Integer.parseInt(m.group(1));
            }
            if (port > 0 && line.contains("log file:")) {
                return port;
            }
        }
        throw new AssertionError("no banner ending in \"log file:\" within 90 s:\n" + seen);
    }
}
