package io.precis.gateway.ad;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

/**
 * The spans of one request's matching: {@code match} (candidates found and checked) until the
 * matcher starts its auction ({@link #run}), then {@code rank} (scores, auction, prices).
 * One request's, on one thread: not thread-safe.
 */
final class MatchSpans implements Runnable {
    private final Tracer tracer;
    private final Context parent;
    private Span current;

    MatchSpans(Tracer tracer, Context parent) {
        this.tracer = tracer;
        this.parent = parent;
        this.current = tracer.spanBuilder("match").setParent(parent).startSpan();
    }

    /** The auction starts. */
    @Override
    public void run() {
        current.end();
        current = tracer.spanBuilder("rank").setParent(parent).startSpan();
    }

    /** Matching is over with {@code ads} winners (recorded on the last span). */
    void end(int ads) {
        current.setAttribute("precis.ads", ads);
        current.end();
    }
}
