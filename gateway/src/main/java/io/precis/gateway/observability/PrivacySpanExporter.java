package io.precis.gateway.observability;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Keeps personal data out of exported spans: only allow-listed attributes leave (method, status,
 * scheme, route template and the gateway's own {@code precis.*} counts and outcomes), events and
 * status descriptions (exception messages, which may quote a URI) are dropped, and a span name
 * is cut at any {@code ?}. Vert.x's HTTP server spans carry {@code http.url}, {@code url.path}
 * and {@code url.query}, which hold {@code ?user=} ids and path ids: an allow-list, not a deny
 * list, so that an attribute a future Vert.x adds is dropped too. Thread-safe when the delegate is.
 */
public final class PrivacySpanExporter implements SpanExporter {
    static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
    /** Attributes that may leave, besides the gateway's own {@code precis.*} ones. */
    private static final Set<String> ALLOWED = Set.of("http.request.method", "http.response.status_code",
            "url.scheme", HTTP_ROUTE.getKey());
    private static final String OWN = "precis.";

    private final SpanExporter delegate;

    public PrivacySpanExporter(SpanExporter delegate) {
        this.delegate = delegate;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        return delegate.export(spans.stream().map(PrivacySpanExporter::scrub).toList());
    }

    static SpanData scrub(SpanData span) {
        AttributesBuilder kept = Attributes.builder();
        span.getAttributes().forEach((key, value) -> {
            if (allowed(key.getKey())) {
                @SuppressWarnings("unchecked")
                AttributeKey<Object> k = (AttributeKey<Object>) key;
                kept.put(k, value);
            }
        });
        Attributes attributes = kept.build();
        String name = span.getName();
        int q = name.indexOf('?');
        String safeName = q >= 0 ? name.substring(0, q) : name;
        StatusData status = span.getStatus().getStatusCode() == StatusCode.UNSET ? span.getStatus()
                : StatusData.create(span.getStatus().getStatusCode(), "");
        return new DelegatingSpanData(span) {
            @Override
            public String getName() {
                return safeName;
            }

            @Override
            public Attributes getAttributes() {
                return attributes;
            }

            @Override
            public int getTotalAttributeCount() {
                return attributes.size();
            }

            @Override
            public List<EventData> getEvents() {
                return List.of();
            }

            @Override
            public int getTotalRecordedEvents() {
                return 0;
            }

            @Override
            public StatusData getStatus() {
                return status;
            }
        };
    }

    static boolean allowed(String key) {
        return ALLOWED.contains(key) || key.startsWith(OWN);
    }

    @Override
    public CompletableResultCode flush() {
        return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
        return delegate.shutdown();
    }
}
