package io.precis.gateway.observability;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.vertx.core.Vertx;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's traces. Off unless {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set: then Vert.x gets
 * no tracer at all and {@link #tracer()} is OpenTelemetry's no-op, so {@code /v1/ad} pays nothing
 * for it. On, Vert.x makes a server span per request (named {@code METHOD /route/template} by
 * {@link #route}), the routes add child spans ({@code consent}, {@code match}, {@code rank},
 * {@code sign}; {@code impression}, {@code click}, {@code conversion}), and every span passes
 * {@link PrivacySpanExporter} on its way out, which keeps only allow-listed attributes: Vert.x
 * records the full URL and query ({@code ?user=} ids) on its server spans. {@code service.name}
 * is {@code precis}. Thread-safe.
 */
public final class Tracing implements AutoCloseable {
    /** The standard OpenTelemetry variables (as the SDK's autoconfigure reads them). */
    public static final String ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public static final String PROTOCOL = "OTEL_EXPORTER_OTLP_PROTOCOL";
    private static final String SCOPE = "io.precis.gateway";

    private final OpenTelemetry otel;
    private final SdkTracerProvider provider;
    private final Tracer tracer;

    private Tracing(OpenTelemetry otel, SdkTracerProvider provider) {
        this.otel = otel;
        this.provider = provider;
        this.tracer = otel.getTracer(SCOPE);
    }

    /** No tracing: no Vert.x tracer, a no-op {@link #tracer()}. */
    public static Tracing off() {
        return new Tracing(OpenTelemetry.noop(), null);
    }

    /**
     * OTLP export to {@code OTEL_EXPORTER_OTLP_ENDPOINT} when it is set ({@code http/protobuf}
     * by default, {@code grpc} when {@code OTEL_EXPORTER_OTLP_PROTOCOL} says so), else off.
     */
    public static Tracing fromEnvironment(Map<String, String> env) {
        String endpoint = env.get(ENDPOINT);
        if (endpoint == null || endpoint.isBlank()) {
            return off();
        }
        String base = endpoint.strip().replaceAll("/+$", "");
        SpanExporter otlp;
        try {
            otlp = "grpc".equals(env.get(PROTOCOL))
                    ? OtlpGrpcSpanExporter.builder().setEndpoint(base).build()
                    // The HTTP exporter takes the full signal URL; the variable names the base (spec).
                    : OtlpHttpSpanExporter.builder().setEndpoint(base + "/v1/traces").build();
        } catch (IllegalArgumentException e) {
            throw new io.precis.gateway.StartupException(ENDPOINT + " must be an http(s) URL such as"
                    + " http://localhost:4318, not " + base);
        }
        return on(BatchSpanProcessor.builder(new PrivacySpanExporter(otlp)).build());
    }

    /** Every span to {@code exporter} as it ends, scrubbed (tests read an in-memory exporter). */
    public static Tracing exportingTo(SpanExporter exporter) {
        return on(SimpleSpanProcessor.create(new PrivacySpanExporter(exporter)));
    }

    private static Tracing on(SpanProcessor processor) {
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(
                        Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "precis"))))
                .addSpanProcessor(processor)
                .build();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(provider)
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        return new Tracing(sdk, provider);
    }

    /** Whether spans are recorded at all. */
    public boolean enabled() {
        return provider != null;
    }

    /** For the gateway's own child spans; a no-op tracer when off. */
    public Tracer tracer() {
        return tracer;
    }

    /** A Vert.x instance whose HTTP server traces requests when this is on, and a plain one when off. */
    public Vertx newVertx(io.vertx.core.VertxOptions options) {
        return enabled() ? Vertx.builder().with(options).withTracer(new OpenTelemetryTracingFactory(otel)).build()
                : Vertx.vertx(options);
    }

    /**
     * Names the current server span after its route template ({@code POST /v1/campaigns/:id}),
     * never the concrete path, which holds ids. Call on the request's context once the route is known.
     */
    public static void route(String method, String template) {
        Span span = Span.current();
        if (span.isRecording()) {
            span.updateName(method + " " + template);
            span.setAttribute(PrivacySpanExporter.HTTP_ROUTE, template);
        }
    }

    /** Flushes what is pending (5 s at most) and stops exporting. */
    @Override
    public void close() {
        if (provider != null) {
            provider.shutdown().join(5, TimeUnit.SECONDS);
        }
    }
}
