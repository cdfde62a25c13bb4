package io.precis.gateway.redis;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A Lua script run atomically by Redis (nothing else runs while it does: this is what makes a
 * check-and-take one step across instances). Loaded once with {@code SCRIPT LOAD}, then run by
 * its SHA; after a Redis restart ({@code NOSCRIPT}) it is loaded again. Thread-safe.
 */
final class Script {
    private final String name;
    private final String source;
    private volatile String sha;

    private Script(String name, String source) {
        this.name = name;
        this.source = source;
    }

    /** The script in resource {@code /io/precis/gateway/redis/NAME.lua}. */
    static Script load(String name) {
        try (InputStream in = Script.class.getResourceAsStream(name + ".lua")) {
            if (in == null) {
                throw new IllegalStateException("no script " + name);
            }
            return new Script(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String name() {
        return name;
    }

    /** Runs the script with {@code keys} and {@code args}; never blocks. */
    CompletableFuture<Response> run(SharedRedis redis, List<String> keys, List<String> args) {
        String known = sha;
        if (known == null) {
            return redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(source)).thenCompose(r -> {
                sha = r.toString();
                return evalsha(redis, sha, keys, args);
            });
        }
        return evalsha(redis, known, keys, args).exceptionallyCompose(e -> {
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                    ? e.getCause() : e;
            if (cause instanceof SharedRedis.NoScript) {
                sha = null;
                return run(redis, keys, args);
            }
            return CompletableFuture.failedFuture(cause);
        });
    }

    private static CompletableFuture<Response> evalsha(SharedRedis redis, String sha, List<String> keys,
                                                       List<String> args) {
        Request r = Request.cmd(Command.EVALSHA).arg(sha).arg(keys.size());
        keys.forEach(r::arg);
        args.forEach(r::arg);
        return redis.send(r);
    }
}
