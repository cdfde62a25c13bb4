package io.precis.gateway.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.testing.trace.TestSpanData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.precis.gateway.Ads;
import io.precis.gateway.Campaigns;
import io.precis.gateway.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The span tree of an ad request and of tracking events, read from an in-memory exporter. */
class TracingTest {
    private static final Duration WITHIN = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void anAdRequestIsOneServerSpanWithConsentMatchRankAndSignChildren() throws Exception {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        try (TestGateway gw = TestGateway.traced(dir, c -> c, spans)) {
            String key = gw.advertiser("Traced");
            gw.campaign(key, Campaigns.keywords("Coffee", "[\"coffee\"]", "CPC", 1));
            Ads ads = new Ads(gw);
            JsonNode ad = ads.serve("news.example", "fresh coffee beans every morning");

            SpanData server = await(spans, s -> s.getName().equals("POST /v1/ad"));
            assertEquals(SpanKind.SERVER, server.getKind());
            assertEquals("/v1/ad", server.getAttributes().get(AttributeKey.stringKey("http.route")));
            assertEquals("precis", server.getResource().getAttributes().get(AttributeKey.stringKey("service.name")));
            Map<String, SpanData> children = spans.getFinishedSpanItems().stream()
                    .filter(s -> s.getParentSpanId().equals(server.getSpanId()))
                    .collect(Collectors.toMap(SpanData::getName, s -> s, (a, b) -> a));
            assertEquals(Set.of("consent", "match", "rank", "sign"), children.keySet());
            for (SpanData child : children.values()) {
                assertEquals(server.getTraceId(), child.getTraceId());
                assertFalse(child.getStartEpochNanos() < server.getStartEpochNanos(), child.getName());
            }
            // In order: consent before matching, matching before ranking, ranking before signing.
            assertFalse(children.get("match").getStartEpochNanos() < children.get("consent").getEndEpochNanos());
            assertFalse(children.get("rank").getStartEpochNanos() < children.get("match").getEndEpochNanos());
            assertFalse(children.get("sign").getStartEpochNanos() < children.get("rank").getEndEpochNanos());
            assertEquals(1L, children.get("rank").getAttributes().get(AttributeKey.longKey("precis.ads")));

            // A caller's W3C traceparent is continued.
            String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
            assertEquals(200, gw.send(gw.builder("/health", null)
                    .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01").GET().build()).status());
            SpanData health = await(spans, s -> s.getName().equals("GET /health"));
            assertEquals(traceId, health.getTraceId());
            assertEquals("00f067aa0ba902b7", health.getParentSpanId());

            assertEquals(204, ads.impression(ad));
            String clickId = ads.click(ad);
            assertEquals(202, ads.convert(clickId, 5, "order-1"));
            for (String[] event : new String[][] {{"GET /v1/t/imp", "impression"}, {"GET /v1/t/click", "click"},
                    {"POST /v1/t/conversion", "conversion"}}) {
                SpanData request = await(spans, s -> s.getName().equals(event[0]));
                SpanData child = await(spans, s -> s.getName().equals(event[1]));
                assertEquals(request.getSpanId(), child.getParentSpanId(), event[1]);
                assertEquals("counted", child.getAttributes().get(AttributeKey.stringKey("precis.result")), event[1]);
            }
        }
    }

    @Test
    void exportedSpansKeepNoUrlQueryPathEventOrErrorMessage() {
        InMemorySpanExporter out = InMemorySpanExporter.create();
        SpanData raw = TestSpanData.builder()
                .setName("GET /v1/me?user=u-123")
                .setKind(SpanKind.SERVER)
                .setStartEpochNanos(1).setEndEpochNanos(2).setHasEnded(true)
                .setStatus(StatusData.create(StatusCode.ERROR, "bad request /v1/me?user=u-123"))
                .setAttributes(Attributes.builder()
                        .put("http.url", "http://127.0.0.1/v1/me?user=u-123")
                        .put("url.path", "/v1/campaigns/c-1").put("url.query", "user=u-123")
                        .put("http.request.method", "GET").put("http.response.status_code", "200")
                        .put("http.route", "/v1/me").put("precis.result", "counted").build())
                .setEvents(List.of(EventData.create(1, "exception", Attributes.of(
                        AttributeKey.stringKey("exception.message"), "user=u-123"))))
                .setTotalRecordedEvents(1)
                .build();
        new PrivacySpanExporter(out).export(List.of(raw));
        SpanData sent = out.getFinishedSpanItems().get(0);
        assertEquals("GET /v1/me", sent.getName());
        assertEquals(Set.of("http.request.method", "http.response.status_code", "http.route", "precis.result"),
                sent.getAttributes().asMap().keySet().stream().map(AttributeKey::getKey).collect(Collectors.toSet()));
        assertTrue(sent.getEvents().isEmpty());
        assertEquals(StatusCode.ERROR, sent.getStatus().getStatusCode());
        assertEquals("", sent.getStatus().getDescription());
    }

    @Test
    void withoutAnOtlpEndpointVertxGetsNoTracerAndSpansAreNoOps() throws Exception {
        Tracing off = Tracing.fromEnvironment(Map.of());
        assertFalse(off.enabled());
        assertFalse(off.tracer().spanBuilder("x").startSpan().isRecording());
        Vertx vertx = off.newVertx(new io.vertx.core.VertxOptions());
        try {
            assertNull(((VertxInternal) vertx).tracer(), "no Vert.x tracer: requests pay nothing for tracing");
        } finally {
            vertx.close().await();
        }
        try (Tracing on = Tracing.fromEnvironment(Map.of(Tracing.ENDPOINT, "http://127.0.0.1:4318"))) {
            assertTrue(on.enabled());
        }
        var bad = org.junit.jupiter.api.Assertions.assertThrows(io.precis.gateway.StartupException.class,
                () -> Tracing.fromEnvironment(Map.of(Tracing.ENDPOINT, "collector:4318")));
        assertTrue(bad.getMessage().contains(Tracing.ENDPOINT), bad.getMessage());
    }

    /** The first finished span that {@code which} accepts, polled for until {@link #WITHIN}. */
    static SpanData await(InMemorySpanExporter spans, Predicate<SpanData> which) throws InterruptedException {
        Instant deadline = Instant.now().plus(WITHIN);
        while (Instant.now().isBefore(deadline)) {
            for (SpanData s : spans.getFinishedSpanItems()) {
                if (which.test(s)) {
                    return s;
                }
            }
            Thread.sleep(10); // polling with a deadline: the server span ends as the answer is written
        }
        throw new AssertionError("no such span among " + spans.getFinishedSpanItems().stream()
                .map(SpanData::getName).toList());
    }
}
