package io.precis.perf.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The ceiling for any Vert.x service on this machine: a bare Vert.x HTTP server (the gateway's
 * Vert.x version, one server on one event loop as the gateway has today) that reads each request's
 * body and answers 200 with one fixed JSON body of a given size.
 *
 * <p>{@code BareServer SIZE PORT_FILE}: listens on a free loopback port, writes it to PORT_FILE,
 * serves until killed.
 */
public final class BareServer {
    private BareServer() {}

    /** A JSON object of exactly {@code size} bytes (at least 12). */
    static Buffer body(int size) {
        String head = "{\"ads\":[],\"p\":\"";
        String tail = "\"}";
        StringBuilder b = new StringBuilder(head);
        while (b.length() < size - tail.length()) {
            b.append('x');
        }
        return Buffer.buffer(b.append(tail).toString().getBytes(StandardCharsets.US_ASCII));
    }

    public static HttpServer start(Vertx vertx, int size) throws Exception {
        Buffer body = body(Math.max(size, 20));
        String length = Integer.toString(body.length());
        return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .requestHandler(req -> req.body().onComplete(ignored -> req.response()
                        .putHeader("Content-Type", "application/json")
                        .putHeader("Content-Length", length)
                        .putHeader("Cache-Control", "no-store")
                        .end(body)))
                .listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    public static void main(String[] args) throws Exception {
        // The gateway's transport (Netty's native epoll where there is one), so that the ceiling
        // it is measured against differs from it only in what the gateway does.
        HttpServer server = start(Vertx.vertx(new io.vertx.core.VertxOptions().setPreferNativeTransport(true)),
                Integer.parseInt(args[0]));
        Path file = Path.of(args[1]);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, Integer.toString(server.actualPort()));
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Thread.currentThread().join();
    }
}
