package io.precis.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The guard's timers against what they keep alive. A body timer left running after its request
 * was answered held the whole request (its routing context, headers and body) for the header
 * timeout: under load tens of thousands of answered requests at once, promoted to the old
 * generation, and the gateway's young pauses grew to tens of milliseconds copying them.
 */
class ConnectionGuardTest {
    private Vertx vertx;
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void anAnsweredRequestWithABodyIsNotKeptAliveByItsBodyTimer() throws Exception {
        // A header timeout far longer than the test: only a cancelled timer lets the request go.
        ConnectionGuard guard = new ConnectionGuard(vertx, Duration.ofMinutes(5), 100);
        AtomicReference<WeakReference<HttpServerRequest>> seen = new AtomicReference<>();
        Router router = Router.router(vertx);
        router.route().handler(guard::watch);
        router.route().handler(BodyHandler.create());
        router.post("/echo").handler(ctx -> {
            seen.set(new WeakReference<>(ctx.request()));
            ctx.response().end(ctx.body().buffer());
        });
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .connectionHandler(guard)
                .requestHandler(request -> {
                    guard.headArrived(request);
                    router.handle(request);
                });
        int port = server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();

        HttpResponse<String> answer;
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/echo"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode());
            assertEquals("{\"a\":1}", answer.body(), "the request really went through the guard with its body");
            // The connection stays open (keep-alive): only the guard's own timers could hold the request.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (seen.get().get() != null && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(50);
            }
            assertNull(seen.get().get(), "the answered request is still reachable: a guard timer holds it");
        }
    }
}
