package io.precis.gateway.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real headless Chromium (Debian's package, installed by {@code ./precis test}) driven over the
 * Chrome DevTools Protocol with the JDK's own WebSocket client: navigate, evaluate JavaScript,
 * take screenshots. The flags keep it off the network, which is closed here.
 */
public final class HeadlessChromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on ws://([^/]+)/");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    private HeadlessChromium(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    /** The Chromium binary, or null when it is not installed. */
    public static Path binary() {
        for (String candidate : new String[] {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        return null;
    }

    public static HeadlessChromium launch() throws Exception {
        Path bin = binary();
        if (bin == null) {
            throw new IllegalStateException("Chromium is not installed: ./precis test installs Debian's chromium");
        }
        Path profile = Files.createTempDirectory("precis-chromium");
        Process p = new ProcessBuilder(bin.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--window-size=1280,1000",
                "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank")
                .redirectErrorStream(true)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String hostPort = null;
        Instant deadline = Instant.now().plus(TIMEOUT);
        String line;
        while (hostPort == null && Instant.now().isBefore(deadline) && (line = out.readLine()) != null) {
            Matcher m = DEVTOOLS.matcher(line);
            if (m.find()) {
                hostPort = m.group(1);
            }
        }
        if (hostPort == null) {
            p.destroyForcibly();
            throw new IllegalStateException("Chromium did not start its DevTools endpoint");
        }
        Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "chromium-output");
        drain.setDaemon(true);
        drain.start();

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create("http://" + hostPort + "/json/list"))
                .build(), HttpResponse.BodyHandlers.ofString());
        String pageWs = null;
        for (JsonNode target : JSON.readTree(list.body())) {
            if ("page".equals(target.path("type").asText())) {
                pageWs = target.get("webSocketDebuggerUrl").asText();
                break;
            }
        }
        if (pageWs == null) {
            p.destroyForcibly();
            throw new IllegalStateException("Chromium has no page target");
        }
        HeadlessChromium[] self = new HeadlessChromium[1];
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(pageWs), new WebSocket.Listener() {
            private final StringBuilder buffer = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                buffer.append(data);
                if (last) {
                    String message = buffer.toString();
                    buffer.setLength(0);
                    self[0].dispatch(message);
                }
                webSocket.request(1);
                return null;
            }
        }).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        self[0] = new HeadlessChromium(p, profile, ws);
        self[0].call("Page.enable", JSON.createObjectNode());
        return self[0];
    }

    private void dispatch(String message) {
        try {
            JsonNode msg = JSON.readTree(message);
            if (msg.has("id")) {
                CompletableFuture<JsonNode> f = pending.remove(msg.get("id").asInt());
                if (f != null) {
                    if (msg.has("error")) {
                        f.completeExceptionally(new IllegalStateException(msg.get("error").toString()));
                    } else {
                        f.complete(msg.get("result"));
                    }
                }
            }
        } catch (IOException e) {
            // An unparsable event is of no interest to the tests.
        }
    }

    /** Sends one DevTools command and waits for its result. */
    public JsonNode call(String method, ObjectNode params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        pending.put(id, f);
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        msg.set("params", params);
        socket.sendText(msg.toString(), true);
        try {
            return f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("DevTools call " + method + " failed", e);
        }
    }

    /** Opens {@code url} and waits until the document has loaded. */
    public void navigate(String url) {
        call("Page.navigate", JSON.createObjectNode().put("url", url));
        waitFor("document.readyState === 'complete' && location.href.startsWith('" + url.split("#")[0] + "')");
    }

    public void reload() {
        call("Page.reload", JSON.createObjectNode());
        evalValue("new Promise(r => setTimeout(r, 50))");
        waitFor("document.readyState === 'complete'");
    }

    /** Evaluates {@code js} in the page (awaiting a promise) and returns its JSON value. */
    public JsonNode evalValue(String js) {
        JsonNode r = call("Runtime.evaluate", JSON.createObjectNode()
                .put("expression", js).put("returnByValue", true).put("awaitPromise", true));
        if (r.has("exceptionDetails")) {
            throw new IllegalStateException("page script failed: " + r.get("exceptionDetails"));
        }
        return r.path("result").path("value");
    }

    /** Polls {@code condition} (a JS boolean expression) until it holds, or fails after 30 s. */
    public void waitFor(String condition) {
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            try {
                if (evalValue("!!(" + condition + ")").asBoolean()) {
                    return;
                }
            } catch (IllegalStateException e) {
                // The page may be between documents; try again.
            }
            evalQuietly();
        }
        throw new AssertionError("timed out waiting for: " + condition);
    }

    private void evalQuietly() {
        try {
            evalValue("new Promise(r => setTimeout(r, 50))");
        } catch (IllegalStateException e) {
            Thread.onSpinWait();
        }
    }

    /** Saves a PNG of the viewport to {@code file}. */
    public void screenshot(Path file) throws IOException {
        JsonNode r = call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode(r.get("data").asText()));
    }

    @Override
    public void close() {
        socket.abort();
        // Chromium's helper processes (network service, renderers) write to the profile too: end
        // them with the browser, so the profile is not being written while it is removed.
        java.util.List<ProcessHandle> helpers = process.descendants().toList();
        process.destroy();
        helpers.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            for (ProcessHandle h : helpers) {
                h.onExit().get(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            helpers.forEach(ProcessHandle::destroyForcibly);
        }
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | java.io.UncheckedIOException e) {
            // A leftover temp profile is harmless (a file may vanish while the walk lists it).
        }
    }
}
