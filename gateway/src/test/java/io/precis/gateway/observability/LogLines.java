package io.precis.gateway.observability;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.gateway.TestGateway;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Reads a JSON-lines log the gateway writes off the event loop, polling with a deadline. */
final class LogLines {
    private static final Duration WITHIN = Duration.ofSeconds(10);

    private LogLines() {}

    /** The file's lines as JSON once {@code done} accepts them; fails after {@link #WITHIN}. */
    static List<JsonNode> await(Path file, Predicate<List<JsonNode>> done) throws InterruptedException {
        Instant deadline = Instant.now().plus(WITHIN);
        List<JsonNode> lines = List.of();
        while (Instant.now().isBefore(deadline)) {
            lines = read(file);
            if (done.test(lines)) {
                return lines;
            }
            Thread.sleep(10); // polling with a deadline: the writer thread appends soon after the answer
        }
        throw new AssertionError("not there in " + WITHIN + ": " + lines);
    }

    static List<JsonNode> read(Path file) {
        List<JsonNode> out = new ArrayList<>();
        try {
            if (!Files.exists(file)) {
                return out;
            }
            for (String line : Files.readAllLines(file)) {
                out.add(TestGateway.JSON.readTree(line));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
