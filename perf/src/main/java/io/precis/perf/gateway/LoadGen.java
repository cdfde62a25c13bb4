package io.precis.perf.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * An HTTP load generator on one Vert.x event loop and a pool of {@code connections} keep-alive
 * connections: open model (requests sent at a fixed rate whatever the answers; each latency is
 * measured from the request's scheduled time, so a backlog in the client counts, no coordinated
 * omission) or closed model (every connection sends its next request when the answer arrives).
 */
public final class LoadGen implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    private final HttpClientAgent client;
    /** What went wrong in the current run: a status code or an exception's class, and how often. */
    private final java.util.Map<String, Integer> errorKinds = new java.util.concurrent.ConcurrentSkipListMap<>();

    /** One request: method, path, headers as name/value pairs, and body (null for none). */
    public record Request(HttpMethod method, String path, List<String> headers, Buffer body) {
        public static Request postJson(String path, String json, String... headers) {
            List<String> h = new java.util.ArrayList<>(List.of("Content-Type", "application/json",
                    "User-Agent", BenchWorkload.browserUserAgent()));
            h.addAll(List.of(headers));
            return new Request(HttpMethod.POST, path, h, Buffer.buffer(json));
        }
    }

    /** What a run measured; latencies in microseconds. */
    public record Result(double offered, double answered, long p50, long p99, long max, int errors, int count,
                         double meanBytes, String errorKinds) {
        public boolean under(long p99Micros) {
            return errors == 0 && p99 <= p99Micros && answered >= offered * 0.95;
        }

        @Override
        public String toString() {
            return String.format("offered %.0f/s, answered %.0f/s, p50 %.2f ms, p99 %.2f ms, max %.1f ms, errors %d%s",
                    offered, answered, p50 / 1000.0, p99 / 1000.0, max / 1000.0, errors,
                    errors == 0 ? "" : " " + errorKinds);
        }
    }

    private static final int KEEP_ALIVE_SECONDS = 5;

    public LoadGen(int port, int connections) {
        // Idle connections are retired after 5 s, before a server's own limit on an idle
        // keep-alive connection (the gateway closes one with no request head 10 s after its last
        // answer): a request sent on a connection the server was closing failed as
        // HttpClosedException, and the open-model phases counted those as errors.
        client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
                        .setKeepAlive(true).setKeepAliveTimeout(KEEP_ALIVE_SECONDS).setPipelining(false),
                new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    }

    private Future<Integer> send(Request r, long[] bytes) {
        RequestOptions o = new RequestOptions().setMethod(r.method()).setURI(r.path());
        for (int i = 0; i < r.headers().size(); i += 2) {
            o.putHeader(r.headers().get(i), r.headers().get(i + 1));
        }
        return client.request(o)
                .compose(req -> r.body() == null ? req.send() : req.send(r.body()))
                .compose(resp -> resp.body().map(b -> {
                    bytes[0] += b.length();
                    return resp.statusCode();
                }));
    }

    /** Open model: {@code rate} requests per second for {@code seconds}, request i from {@code requests}. */
    public Result open(double rate, double seconds, IntFunction<Request> requests) throws Exception {
        int total = (int) Math.max(1, Math.round(rate * seconds));
        long[] latency = new long[total];
        long[] bytes = new long[1];
        AtomicInteger done = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        CompletableFuture<Long> finished = new CompletableFuture<>();
        long start = System.nanoTime();
        double intervalNanos = 1e9 / rate;
        int[] sent = {0};
        vertx.runOnContext(v -> vertx.setPeriodic(1, 1, id -> {
            long now = System.nanoTime();
            while (sent[0] < total && start + (long) (sent[0] * intervalNanos) <= now) {
                int i = sent[0]++;
                long scheduled = start + (long) (i * intervalNanos);
                send(requests.apply(i), bytes).onComplete(ar -> {
                    latency[i] = (System.nanoTime() - scheduled) / 1000;
                    countError(ar, errors);
                    if (done.incrementAndGet() == total) {
                        finished.complete(System.nanoTime());
                    }
                });
            }
            if (sent[0] == total) {
                vertx.cancelTimer(id);
            }
        }));
        long end = finished.get((long) seconds + 60, TimeUnit.SECONDS);
        return result(rate, total / ((end - start) / 1e9), latency, errors.get(), bytes[0]);
    }

    /**
     * Closed model: every connection of the pool busy for {@code seconds}, or until
     * {@code requests} answers null (no more requests).
     */
    public Result closed(int concurrency, double seconds, IntFunction<Request> requests) throws Exception {
        long[] latency = new long[(int) (seconds * 200_000)];
        long[] bytes = new long[1];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger live = new AtomicInteger(concurrency);
        CompletableFuture<Long> finished = new CompletableFuture<>();
        long start = System.nanoTime();
        long stop = start + (long) (seconds * 1e9);
        Runnable[] loop = new Runnable[1];
        loop[0] = () -> {
            int i = next.getAndIncrement();
            Request r = System.nanoTime() >= stop || i >= latency.length ? null : requests.apply(i);
            if (r == null) {
                if (live.decrementAndGet() == 0) {
                    finished.complete(System.nanoTime());
                }
                return;
            }
            long t0 = System.nanoTime();
            send(r, bytes).onComplete(ar -> {
                latency[i] = (System.nanoTime() - t0) / 1000;
                countError(ar, errors);
                loop[0].run();
            });
        };
        vertx.runOnContext(v -> {
            for (int c = 0; c < concurrency; c++) {
                loop[0].run();
            }
        });
        long end = finished.get((long) seconds + 60, TimeUnit.SECONDS);
        int count = Math.min(next.get() - concurrency, latency.length);
        count = Math.max(0, count);
        double answered = count / ((end - start) / 1e9);
        return result(answered, answered, Arrays.copyOf(latency, count), errors.get(), bytes[0]);
    }

    private void countError(io.vertx.core.AsyncResult<Integer> ar, AtomicInteger errors) {
        if (ar.failed() || ar.result() >= 400) {
            errors.incrementAndGet();
            errorKinds.merge(ar.failed() ? ar.cause().getClass().getSimpleName() : "HTTP " + ar.result(), 1, Integer::sum);
        }
    }

    private Result result(double offered, double answered, long[] latency, int errors, long bytes) {
        String kinds = errorKinds.toString();
        errorKinds.clear();
        long[] sorted = latency.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return new Result(offered, answered, n == 0 ? 0 : sorted[n / 2], n == 0 ? 0 : sorted[Math.max(0, (int) Math.ceil(n * 0.99) - 1)],
                n == 0 ? 0 : sorted[n - 1], errors, n, n == 0 ? 0 : bytes / (double) n, kinds);
    }

    @Override
    public void close() {
        vertx.close();
    }
}
