package io.precis.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import io.precis.reports.invalid.InvalidClickPolicy;

/** A real gateway on a random port over a temp data dir, with a plain HTTP client to call it. */
public final class TestGateway implements AutoCloseable {
    public static final String ADMIN_TOKEN = "test-admin-token-0123456789";
    public static final ObjectMapper JSON = new ObjectMapper();
    /** Clicks from Java's own HTTP client would rightly be judged robots; tests act as a browser. */
    public static final String BROWSER_UA =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";

    private final PrecisGateway gateway;
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    public final Path dataDir;
    public final String base;

    private TestGateway(Path dataDir, java.util.function.UnaryOperator<GatewayConfig> tweak, java.time.Clock clock) {
        this(dataDir, tweak, clock, io.precis.gateway.observability.Tracing.off());
    }

    private TestGateway(Path dataDir, java.util.function.UnaryOperator<GatewayConfig> tweak, java.time.Clock clock,
                        io.precis.gateway.observability.Tracing tracing) {
        this.dataDir = dataDir;
        GatewayConfig config = GatewayConfig.defaults()
                .withHost("127.0.0.1").withPort(0).withDataDir(dataDir).withDemo(false).withAdminToken(ADMIN_TOKEN)
                // Tests click right after the impression; the too-fast rule has its own test.
                .withClickPolicy(new InvalidClickPolicy(Duration.ZERO, 10, 50));
        this.gateway = PrecisGateway.start(tweak.apply(config), clock, tracing);
        this.base = "http://127.0.0.1:" + gateway.port();
        OPEN.add(this);
    }

    /** Gateways running in this JVM, whose token keys {@link #openToken} tries. */
    private static final java.util.Set<TestGateway> OPEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A report's period around today in UTC, {@code from=YESTERDAY&to=TOMORROW}: events recorded
     * just before midnight UTC are still in it when the report is asked for just after, as a
     * period of today alone would not hold them.
     */
    public static String aroundToday() {
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        return "from=" + today.minusDays(1) + "&to=" + today.plusDays(1);
    }

    /**
     * The content of a sealed tracking token from an {@code impressionUrl} or {@code clickUrl}
     * served by a running test gateway, opened with that gateway's own token key. Tokens are
     * opaque to clients; tests read them as the measurement side does, at the epoch so that a
     * simulated clock's expiry never gets in the way of reading.
     */
    public static io.precis.reports.token.TrackingToken openToken(String url) {
        String token = java.net.URLDecoder.decode(url.substring(url.indexOf("t=") + 2), StandardCharsets.UTF_8);
        var kind = url.contains("/v1/t/click") ? io.precis.reports.token.TokenKind.CLICK
                : io.precis.reports.token.TokenKind.IMPRESSION;
        for (TestGateway gw : OPEN) {
            byte[] key = io.precis.consent.crypto.KeyFiles.loadOrCreate(
                    gw.gateway.config().keysDirOrDefault().resolve("token.key"), 32);
            var reader = new io.precis.reports.token.TokenSigner(key,
                    java.time.Clock.fixed(java.time.Instant.EPOCH, java.time.ZoneOffset.UTC));
            try {
                return reader.verify(token, kind);
            } catch (io.precis.reports.token.InvalidTokenException anotherGatewaysToken) {
                // tried the next running gateway's key
            }
        }
        throw new AssertionError("no running test gateway issued this token");
    }

    /** The running gateway itself, for tests that read its state directly. */
    public PrecisGateway gateway() {
        return gateway;
    }

    public static TestGateway start(Path dataDir) {
        return new TestGateway(dataDir, c -> c, java.time.Clock.systemUTC());
    }

    /** A gateway whose configuration {@code tweak} changes from the test defaults. */
    public static TestGateway start(Path dataDir, java.util.function.UnaryOperator<GatewayConfig> tweak) {
        return new TestGateway(dataDir, tweak, java.time.Clock.systemUTC());
    }

    /** A gateway whose spans go, scrubbed as for OTLP, to {@code spans} (an in-memory exporter). */
    public static TestGateway traced(Path dataDir, java.util.function.UnaryOperator<GatewayConfig> tweak,
                                     io.opentelemetry.sdk.trace.export.SpanExporter spans) {
        return new TestGateway(dataDir, tweak, java.time.Clock.systemUTC(),
                io.precis.gateway.observability.Tracing.exportingTo(spans));
    }

    /** A gateway that tells time by {@code clock}. */
    public static TestGateway start(Path dataDir, java.util.function.UnaryOperator<GatewayConfig> tweak,
                                    java.time.Clock clock) {
        return new TestGateway(dataDir, tweak, clock);
    }

    /** An HTTP answer as the client sees it. */
    public record Resp(int status, HttpHeaders headers, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    public Resp get(String path, String key) {
        return send(builder(path, key).GET().build());
    }

    public Resp delete(String path, String key) {
        return send(builder(path, key).DELETE().build());
    }

    public Resp post(String path, String body, String key) {
        return send(builder(path, key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public Resp put(String path, String body, String key) {
        return send(builder(path, key).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public HttpRequest.Builder builder(String path, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path))
                .timeout(Duration.ofSeconds(20))
                .header("User-Agent", BROWSER_UA);
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return b;
    }

    public Resp send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Resp(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new AssertionError("request failed: " + request.uri().getPath(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Creates an account of {@code type} and returns its API key. */
    public String account(String type, String name) {
        Resp r = post("/v1/admin/accounts", "{\"type\":\"" + type + "\",\"name\":\"" + name + "\"}", ADMIN_TOKEN);
        assertEquals(201, r.status(), r.body());
        return r.json().get("apiKey").textValue();
    }

    public String advertiser(String name) {
        return account("advertiser", name);
    }

    /** Creates a campaign from {@code json} and returns its id. */
    public String campaign(String key, String json) {
        Resp r = post("/v1/campaigns", json, key);
        assertEquals(201, r.status(), r.body());
        return r.json().get("id").textValue();
    }

    /** Requests an ad; returns the response (200 with ads, or 204). */
    public Resp ad(String json) {
        return post("/v1/ad", json, null);
    }

    @Override
    public void close() {
        OPEN.remove(this);
        gateway.close();
    }
}
