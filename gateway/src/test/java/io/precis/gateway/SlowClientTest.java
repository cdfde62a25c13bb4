package io.precis.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that connect and say nothing, send half a request, or trickle it byte by byte are
 * closed after the configured timeouts, and connections beyond the limit are turned away
 * without taking the gateway down.
 */
class SlowClientTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private static int portOf(TestGateway gw) {
        return Integer.parseInt(gw.base.substring(gw.base.lastIndexOf(':') + 1));
    }

    private static Socket open(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(50);
        return s;
    }

    /** True once the server has closed {@code s} (end of stream or reset). */
    private static boolean closedByServer(Socket s) {
        try {
            byte[] buf = new byte[1024];
            while (true) {
                int n = s.getInputStream().read(buf);
                if (n < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    private static void send(Socket s, String text) {
        try {
            OutputStream out = s.getOutputStream();
            out.write(text.getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            // Closed by the server already: what the test waits for.
        }
    }

    @Test
    void idleHalfSentAndTricklingConnectionsAreClosed() throws Exception {
        try (TestGateway gw = TestGateway.start(dir, c -> c.withConnectionLimits(
                new GatewayConfig.ConnectionLimits(Duration.ofSeconds(2), Duration.ofSeconds(1), 200)))) {
            int port = portOf(gw);
            List<Socket> idle = new ArrayList<>();
            List<Socket> half = new ArrayList<>();
            List<Socket> trickle = new ArrayList<>();
            List<Socket> trickleBody = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                idle.add(open(port));
                Socket h = open(port);
                send(h, "POST /v1/ad HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n");
                half.add(h);
                Socket b = open(port);
                send(b, "POST /v1/ad HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"slot\"");
                half.add(b);
                trickle.add(open(port));
                Socket body = open(port);
                send(body, "POST /v1/ad HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 60000\r\n\r\n{");
                trickleBody.add(body);
            }
            // A keep-alive connection that made one request and then went quiet.
            Socket kept = open(port);
            send(kept, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
            List<Socket> all = new ArrayList<>(idle);
            all.addAll(half);
            all.addAll(trickle);
            all.addAll(trickleBody);
            all.add(kept);
            String head = "GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(1000) + "\r\n\r\n";
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            int sent = 0;
            List<Socket> open = new ArrayList<>(all);
            while (!open.isEmpty() && System.nanoTime() < deadline) {
                // One byte of the head per round to each trickler: never silent, never done.
                char next = head.charAt(Math.min(sent++, head.length() - 1));
                trickle.forEach(t -> send(t, String.valueOf(next)));
                trickleBody.forEach(t -> send(t, " "));
                open.removeIf(SlowClientTest::closedByServer);
            }
            assertTrue(open.isEmpty(), open.size() + " of " + all.size() + " connections still open after " + DEADLINE);
            for (Socket s : all) {
                s.close();
            }
            assertEquals(200, gw.get("/health", null).status());
        }
    }

    @Test
    void connectionsBeyondTheLimitAreTurnedAwayAndHealthAnswersOnceOthersClose() throws Exception {
        int limit = 16;
        try (TestGateway gw = TestGateway.start(dir, c -> c.withConnectionLimits(
                new GatewayConfig.ConnectionLimits(Duration.ofSeconds(60), Duration.ofSeconds(60), limit)))) {
            int port = portOf(gw);
            List<Socket> held = new ArrayList<>();
            for (int i = 0; i < limit; i++) {
                Socket s = open(port);
                send(s, "GET /health HTTP/1.1\r\nHost: x\r\n"); // half a request, held open
                held.add(s);
            }
            // Beyond the limit a fresh connection is closed without an answer.
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            boolean turnedAway = false;
            while (!turnedAway && System.nanoTime() < deadline) {
                turnedAway = !healthAnswered(port);
                if (!turnedAway) {
                    // The accept of a held one may not have been counted yet; hold this one too.
                    held.add(open(port));
                }
            }
            assertTrue(turnedAway, "a connection beyond the limit of " + limit + " was served");
            for (Socket s : held) {
                s.close();
            }
            boolean answered = false;
            deadline = System.nanoTime() + DEADLINE.toNanos();
            while (!answered && System.nanoTime() < deadline) {
                answered = healthAnswered(port);
            }
            assertTrue(answered, "/health answers on a fresh connection once the held ones closed");
        }
    }

    @Test
    void twoThousandHalfOpenConnectionsDoNotStopHealthOrAds() throws Exception {
        var os = (com.sun.management.UnixOperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        // Each held connection is two descriptors in this JVM (the client's and the gateway's end);
        // the test raises no limit, so it holds what the limit leaves, 2,000 where it allows.
        long spare = os.getMaxFileDescriptorCount() - os.getOpenFileDescriptorCount() - 1024;
        int n = (int) Math.max(100, Math.min(2000, spare / 2));
        try (TestGateway gw = TestGateway.start(dir, c -> c.withConnectionLimits(
                new GatewayConfig.ConnectionLimits(Duration.ofSeconds(120), Duration.ofSeconds(120), 4 * n)))) {
            String key = gw.advertiser("Slowloris");
            gw.campaign(key, Campaigns.keywords("Coffee", "[\"咖啡\"]", "CPM", 5));
            int port = portOf(gw);
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) {
                    Socket s = open(port);
                    // Half a request line, half a head, or a head promising a body that never comes.
                    send(s, switch (i % 3) {
                        case 0 -> "GET /hea";
                        case 1 -> "POST /v1/ad HTTP/1.1\r\nHost: x\r\nContent-Le";
                        default -> "POST /v1/ad HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{\"slot\"";
                    });
                    held.add(s);
                }
                assertTrue(answers(port, "GET", "/health", null, 200), "/health did not answer beside " + n
                        + " half-open connections");
                assertTrue(answers(port, "POST", "/v1/ad", Campaigns.adRequest("news.example", "咖啡"), 200),
                        "/v1/ad did not answer beside " + n + " half-open connections");
                // They were held throughout (a sample: each look waits 50 ms for a close).
                for (int i = 0; i < n; i += n / 20) {
                    assertFalse(closedByServer(held.get(i)), "half-open connection " + i + " was closed early");
                }
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    /** True once {@code method path} on a fresh connection answers {@code status}, polled until a deadline. */
    private static boolean answers(int port, String method, String path, String body, int status) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            RawHttp.Answer a = RawHttp.exchange(port, method, path, body, Duration.ofSeconds(5),
                    "Content-Type: application/json");
            if (a != null && a.status() == status) {
                return true;
            }
        }
        return false;
    }

    @Test
    void theDefaultLimitKeepsFilesForTheGatewayAndTheEnvironmentSetsTheLimits() {
        long files = ((com.sun.management.UnixOperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getMaxFileDescriptorCount();
        GatewayConfig.ConnectionLimits d = GatewayConfig.defaults().connections();
        assertTrue(d.max() <= files - 512, d.max() + " connections for a limit of " + files + " files");
        assertEquals(Duration.ofSeconds(60), d.idle());
        assertEquals(Duration.ofSeconds(10), d.header());
        GatewayConfig.ConnectionLimits set = GatewayConfig.parse(new String[0], java.util.Map.of(
                "PRECIS_IDLE_TIMEOUT_S", "30", "PRECIS_HEADER_TIMEOUT_S", "5", "PRECIS_MAX_CONNECTIONS", "100"))
                .connections();
        assertEquals(new GatewayConfig.ConnectionLimits(Duration.ofSeconds(30), Duration.ofSeconds(5), 100), set);
        assertThrows(IllegalArgumentException.class, () -> GatewayConfig.parse(new String[0],
                java.util.Map.of("PRECIS_MAX_CONNECTIONS", "0")));
    }

    /**
     * True when {@code GET /health} on a fresh connection answers 200, false when the server
     * closes the connection without an answer; a hang fails the test.
     */
    private static boolean healthAnswered(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            send(s, "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            byte[] answer = s.getInputStream().readAllBytes();
            return new String(answer, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200");
        } catch (SocketTimeoutException e) {
            throw new AssertionError("/health neither answered nor closed within 10 s", e);
        } catch (IOException e) {
            return false; // reset: turned away
        }
    }
}
