package io.precis.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The error paths keep personal data out of every log: malformed requests that carry a raw user
 * id (bad escapes, bad JSON, oversize bodies and heads, bad tokens) are sent, and everything
 * logged meanwhile (java.util.logging at every level, a console handler, System.out and err)
 * is scanned for the id after checking that the capture saw those requests being handled; so are
 * the trace spans they made, as exported, and the access and audit logs.
 */
class ErrorPathLeakTest {
    private static final String RAW_ID = "errpath-user-4b1d93e7";
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void malformedRequestsCarryingARawIdLeaveNoTraceOfItInAnyLog() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream out = System.out;
        PrintStream err = System.err;
        System.setOut(new PrintStream(tee(out, console), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(tee(err, console), true, StandardCharsets.UTF_8));
        // What an operator's console shows: a handler created now writes to the captured stderr.
        ConsoleHandler consoleHandler = new ConsoleHandler();
        consoleHandler.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(consoleHandler);
        List<String> answers = new ArrayList<>();
        SpanCollector spans = new SpanCollector();
        try (LogCapture logs = new LogCapture(); TestGateway gw = TestGateway.traced(dir, c -> c, spans)) {
            String publisher = gw.account("publisher", "Error Paths");
            int port = Integer.parseInt(gw.base.substring(gw.base.lastIndexOf(':') + 1));
            String form = "Content-Type: application/x-www-form-urlencoded";
            String json = "Content-Type: application/json";
            String auth = "Authorization: Bearer " + publisher;
            String cookie = "Cookie: precis_uid=" + RAW_ID;
            String[][] requests = {
                    {"PUT", "/v1/consent?user=" + RAW_ID + "&x=%zz", "{}", form, auth},
                    {"PUT", "/v1/consent?user=" + RAW_ID + "&x=%zz", "{}", json, auth},
                    {"GET", "/v1/me?user=" + RAW_ID + "&x=%", null, auth},
                    {"GET", "/v1/consent/history?user=%zz" + RAW_ID, null, auth},
                    {"POST", "/v1/ad?x=%zz&u=" + RAW_ID, "{}", form, cookie},
                    {"POST", "/v1/behaviour?user=" + RAW_ID, "user=" + RAW_ID + "&x=%zz", form, auth},
                    {"GET", "/v1/campaigns/" + RAW_ID + "%zz", null, cookie},
                    {"GET", "/" + RAW_ID + "%zz", null, cookie},
                    {"POST", "/v1/nothing?u=" + RAW_ID + "&x=%zz", "{}", form},
                    {"POST", "/v1/ad", "{\"user\": {\"id\": \"" + RAW_ID + "\"", json},
                    {"POST", "/v1/behaviour", "{\"user\": \"" + RAW_ID + "\", \"events\": [{\"type\": \"view\", \"ts\":"
                            + " \"" + RAW_ID + "\", \"value\": 1e400}]}", json, auth},
                    {"POST", "/v1/ad", "{\"user\": {\"id\": \"" + RAW_ID + "\"}, \"pad\": \""
                            + "x".repeat(70 * 1024) + "\"}", json},
                    {"GET", "/v1/t/imp?t=" + RAW_ID, null, cookie},
                    {"GET", "/v1/t/click?t=" + URLEncoder.encode(RAW_ID + ".sig", StandardCharsets.UTF_8), null, cookie},
                    {"POST", "/v1/t/conversion", "{\"click\": \"" + RAW_ID + "\", \"value\": 1}", json, cookie},
                    {"GET", "/v1/reports?campaign=" + RAW_ID.repeat(300), null, cookie},
                    {"GET", "/v1/me", null, cookie, "X-Big: " + RAW_ID.repeat(1000)},
            };
            for (String[] r : requests) {
                String[] headers = java.util.Arrays.copyOfRange(r, 3, r.length);
                RawHttp.Answer a = RawHttp.exchange(port, r[0], r[1], r[2], ANSWER_WITHIN, headers);
                answers.add(r[0] + " " + r[1].substring(0, Math.min(r[1].length(), 40)) + " -> "
                        + (a == null ? "no answer" : a.status()));
            }
            gw.close();

            String captured = logs.text();
            String printed = console.toString(StandardCharsets.UTF_8);
            // The capture must have seen the error paths at work, or finding nothing proves nothing.
            assertTrue(captured.contains(io.precis.gateway.http.ErrorHandler.class.getName()),
                    "the log capture saw no error-path line: " + answers);
            assertTrue(printed.contains(io.precis.gateway.http.ErrorHandler.class.getSimpleName())
                            || printed.contains("ErrorHandler"),
                    "the console capture saw no error-path line");
            List<String> findings = new ArrayList<>();
            for (String line : logs.lines()) {
                if (line.contains(RAW_ID)) {
                    findings.add("log line from " + line.substring(0, line.indexOf(']') + 1));
                }
            }
            if (printed.contains(RAW_ID)) {
                findings.add("console output");
            }
            // Every request made a span (Vert.x records the full URL on it, before the exporter scrubs it).
            assertTrue(spans.spans().size() >= requests.length, "traced: " + spans.spans().size());
            for (var s : spans.spans()) {
                if (SpanCollector.text(s).contains(RAW_ID)) {
                    findings.add("span " + s.getName());
                }
            }
            for (String log : List.of("access.log", "audit.log")) {
                java.nio.file.Path file = dir.resolve("logs").resolve(log);
                assertTrue(java.nio.file.Files.exists(file), log);
                if (java.nio.file.Files.readString(file).contains(RAW_ID)) {
                    findings.add(log);
                }
            }
            assertTrue(findings.isEmpty(), "raw id logged by " + findings + " for " + answers);
            assertFalse(answers.stream().anyMatch(a -> a.endsWith("no answer")), "every request answered: " + answers);
        } finally {
            Logger.getLogger("").removeHandler(consoleHandler);
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** Writes to both streams: the test keeps its output visible and captures it. */
    private static OutputStream tee(OutputStream a, OutputStream b) {
        return new OutputStream() {
            @Override
            public void write(int x) throws java.io.IOException {
                a.write(x);
                synchronized (b) {
                    b.write(x);
                }
            }

            @Override
            public void write(byte[] buf, int off, int len) throws java.io.IOException {
                a.write(buf, off, len);
                synchronized (b) {
                    b.write(buf, off, len);
                }
            }
        };
    }
}
