package io.precis.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's five-minute tour, run as written: its {@code sh} blocks are taken from README.md
 * and run with {@code bash} and {@code curl}, and the report the tour prints is checked.
 *
 * <p>The first block starts the gateway. It runs here with a stand-in {@code ./precis} that
 * records its arguments and environment instead of building with Maven and listening on 8080;
 * the gateway then starts in this JVM from exactly those arguments (parsed as {@link Main} parses
 * them, with the real invalid-click thresholds), on a free port. The second block, the tour
 * itself, runs unchanged with {@code B} pointing at that port and nothing else set: the admin
 * token it uses must be its own default, the one the first block exported.
 */
class ReadmeTourTest {
    private static final String TOUR_HEADING = "## A five-minute tour with curl";
    private static final long SCRIPT_TIMEOUT_S = 60;

    @TempDir
    Path dir;

    @Test
    void tourPastedIntoAShellCountsOneImpressionOneValidClickAndOneConversion() throws Exception {
        Tour tour = Tour.read(repositoryRoot().resolve("README.md"));
        GatewayConfig started = launchAsTheTourDoes(tour.start());
        assertFalse(started.demo(), "the tour's gateway must start without the demo campaigns, which compete for its ad");
        assertNotEquals(GatewayConfig.defaults().dataDir(), started.dataDir(),
                "the tour's gateway must have its own data dir, not ./data shared with ./precis run");
        Path dataDir = started.dataDir().toAbsolutePath().startsWith(dir) ? started.dataDir() : dir.resolve("tour-data");
        assertTrue(isFresh(dataDir), "the tour's data dir must be new and empty: " + started.dataDir());

        try (TestGateway gw = TestGateway.start(dataDir,
                test -> started.withDataDir(dataDir).withHost("127.0.0.1").withPort(0))) {
            Run run = bash(tour.steps(), dir, Map.of("B", gw.base));
            assertEquals(0, run.exit(), run.describe());
            assertEquals("", run.stderr(), run.describe());

            JsonNode ad = TestGateway.JSON.readTree(run.lineStartingWith("{\"requestId\"")).get("ads").get(0);
            assertTrue(run.stdout().contains("click -> https://shop.example/ac?precis_click="), run.describe());
            JsonNode report = TestGateway.JSON.readTree(run.lineStartingWith("{\"from\""));
            assertEquals(1, report.get("rows").size(), run.describe());
            JsonNode row = report.get("rows").get(0);
            assertEquals(ad.get("campaignId").textValue(), row.get("campaign").textValue());
            assertEquals(1, row.get("impressions").asLong(), run.describe());
            assertEquals(1, row.get("clicks").asLong(), run.describe());
            assertEquals(0, row.get("invalidClicks").asLong(), run.describe());
            assertEquals(1, row.get("conversions").asLong(), run.describe());
            assertEquals(199.0, row.get("revenue").asDouble(), 1e-9);
            // CPC: the one valid click costs the second price sealed in the ad's token, never above the bid.
            double charged = Ads.chargedMicros(ad) / 1e6;
            assertTrue(charged > 0 && charged <= 1.5, "charged " + charged);
            assertEquals(charged, row.get("spend").asDouble(), 1e-9);

            // The CSV the README shows is the CSV the tour prints. A campaign id may begin with
            // "-", which the CSV quotes with a leading ' against spreadsheet formulas.
            List<String> expected = tour.expectedCsv().stream()
                    .map(line -> line.replace("<campaign id>", ad.get("campaignId").textValue())).toList();
            List<String> printed = run.linesFrom("campaign,impressions,").stream()
                    .map(line -> line.replaceFirst("^'-", "-")).toList();
            assertEquals(expected, printed, run.describe());
        }
    }

    /**
     * Runs the tour's first block in a folder whose {@code ./precis} only records how it was
     * called, and returns the configuration the real launcher would have started with.
     */
    private GatewayConfig launchAsTheTourDoes(String startBlock) throws IOException, InterruptedException {
        Path here = Files.createDirectories(dir.resolve("launch"));
        Path launcher = here.resolve("precis");
        Files.writeString(launcher, """
                #!/bin/sh
                # Stands in for the launcher: records how the README's tour starts the gateway.
                printf '%s\\n' "$@" > launch.args
                env > launch.env
                """);
        assertTrue(launcher.toFile().setExecutable(true));
        Run run = bash(startBlock, here, Map.of());
        assertEquals(0, run.exit(), run.describe());
        assertTrue(Files.exists(here.resolve("launch.args")), "the tour's first block must run ./precis: " + startBlock);
        List<String> args = Files.readAllLines(here.resolve("launch.args"), StandardCharsets.UTF_8);
        assertEquals("run", args.getFirst(), "the tour's first block must run ./precis run");
        Map<String, String> env = new HashMap<>();
        for (String line : Files.readAllLines(here.resolve("launch.env"), StandardCharsets.UTF_8)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return GatewayConfig.parse(args.subList(1, args.size()).toArray(String[]::new), env);
    }

    private static boolean isFresh(Path d) throws IOException {
        if (!Files.exists(d)) {
            return true;
        }
        try (Stream<Path> entries = Files.list(d)) {
            return entries.findAny().isEmpty();
        }
    }

    /**
     * {@code script} run by {@code bash -euo pipefail} in {@code cwd}, with only PATH, HOME and a
     * TMPDIR inside the test's folder set besides {@code env}: nothing of this JVM's environment
     * (such as a PRECIS_ADMIN_TOKEN) reaches the script.
     */
    private Run bash(String script, Path cwd, Map<String, String> env) throws IOException, InterruptedException {
        requireTool("bash");
        requireTool("curl");
        Path file = Files.createTempFile(dir, "block", ".sh");
        Files.writeString(file, script);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder("bash", "-euo", "pipefail", file.toString())
                .directory(cwd.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().clear();
        pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().put("HOME", dir.toString());
        pb.environment().put("TMPDIR", Files.createDirectories(dir.resolve("tmp")).toString());
        pb.environment().put("LANG", "C.UTF-8");
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(SCRIPT_TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("the README block did not finish within " + SCRIPT_TIMEOUT_S + " s:\n" + script
                    + "\nprinted:\n" + Files.readString(out));
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private static void requireTool(String name) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", "command -v " + name).redirectErrorStream(true).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0,
                name + " is needed to run the README's tour (./precis test installs it as root on Debian)");
    }

    /** The folder holding the launcher and README.md (tests run in the gateway module's folder). */
    private static Path repositoryRoot() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("README.md")) && Files.isRegularFile(d.resolve("precis"))) {
                return d;
            }
        }
        throw new AssertionError("no repository root above " + Path.of("").toAbsolutePath());
    }

    /** What a bash run printed. */
    private record Run(int exit, String stdout, String stderr) {
        List<String> lines() {
            return stdout.lines().toList();
        }

        String lineStartingWith(String prefix) {
            return lines().stream().filter(l -> l.startsWith(prefix)).findFirst()
                    .orElseThrow(() -> new AssertionError("no line starting " + prefix + "\n" + describe()));
        }

        List<String> linesFrom(String prefix) {
            List<String> all = lines();
            int i = all.indexOf(lineStartingWith(prefix));
            return all.subList(i, all.size());
        }

        String describe() {
            return "exit " + exit + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }

    /**
     * The tour's section of README.md: from its heading to the next heading outside a code block.
     * Its {@code sh} blocks are, in order, how to start the gateway and the tour's steps; its
     * {@code csv} block is the report the tour prints.
     */
    private record Tour(String start, String steps, List<String> expectedCsv) {
        static Tour read(Path readme) throws IOException {
            List<String> lines = Files.readAllLines(readme, StandardCharsets.UTF_8);
            int from = lines.indexOf(TOUR_HEADING);
            assertTrue(from >= 0, "README.md has no heading " + TOUR_HEADING);
            Map<String, List<String>> blocks = new HashMap<>();
            List<String> sh = new ArrayList<>();
            String fence = null;
            StringBuilder block = new StringBuilder();
            for (String line : lines.subList(from + 1, lines.size())) {
                if (fence == null && line.startsWith("#")) {
                    break;
                }
                if (fence == null && line.startsWith("```")) {
                    fence = line.substring(3).strip();
                    block.setLength(0);
                } else if (fence != null && line.startsWith("```")) {
                    if (fence.equals("sh")) {
                        sh.add(block.toString());
                    } else {
                        blocks.put(fence, Arrays.asList(block.toString().split("\n")));
                    }
                    fence = null;
                } else if (fence != null) {
                    block.append(line).append('\n');
                }
            }
            assertEquals(2, sh.size(), "the tour has two sh blocks: start the gateway, then the steps");
            assertTrue(blocks.containsKey("csv"), "the tour shows the CSV report it prints in a csv block");
            return new Tour(sh.get(0), sh.get(1), blocks.get("csv"));
        }
    }
}
