package io.precis.perf.consent;

import io.precis.consent.ConsentService;
import io.precis.consent.ConsentState;
import io.precis.consent.Purposes;
import io.precis.consent.identity.Pseudonym;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Consent updates per second through {@link ConsentService#update}: every call a different
 * user (so nothing but the service's own locking serialises them), each returning only once
 * its receipt is on disk, from 16 threads at once as the gateway's worker pool calls it. The
 * log lives in a fresh directory under {@code java.io.tmpdir} (the real file system: an fsync
 * costs what it costs there).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Threads(16)
public class ConsentUpdateBench {
    private static final Map<String, Boolean> CHANGE = Map.of("personalisation", true, "measurement", true);

    private Path dir;
    private ConsentService service;
    private final AtomicLong users = new AtomicLong();

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("precis-consent-bench");
        service = ConsentService.open(dir.resolve("data"), dir.resolve("keys"), Purposes.NONE, "4",
                Clock.systemUTC());
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        service.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public ConsentState updateOfADistinctUser() {
        // A pseudonym is 43 base64url characters (HMAC-SHA256), as the Pseudonymiser makes them.
        String id = String.format("bench%038d", users.incrementAndGet());
        return service.update(new Pseudonym(id), CHANGE, "user");
    }
}
