package io.precis.gateway;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every span a traced test gateway exported, kept past the gateway's close (an
 * InMemorySpanExporter forgets its spans on shutdown), with each span's exported text
 * (name, attributes, events, status, resource, links) for leak scans.
 */
public final class SpanCollector implements SpanExporter {
    private final List<SpanData> spans = new CopyOnWriteArrayList<>();

    @Override
    public CompletableResultCode export(Collection<SpanData> batch) {
        spans.addAll(batch);
        return CompletableResultCode.ofSuccess();
    }

    public List<SpanData> spans() {
        return List.copyOf(spans);
    }

    /** Everything an OTLP collector would receive of {@code s}, as text. */
    public static String text(SpanData s) {
        return String.join("|", s.getName(), s.getAttributes().toString(), s.getEvents().toString(),
                s.getStatus().toString(), s.getResource().toString(), s.getLinks().toString());
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }
}
