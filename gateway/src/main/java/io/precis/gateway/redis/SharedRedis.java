package io.precis.gateway.redis;

import io.precis.gateway.storage.StoreUnavailableException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Redis every gateway instance shares, for the counters that must be one truth across
 * instances: frequency caps, budget holds and spend, invalid-click counters, rate limits.
 *
 * <p>Its I/O runs on a Vert.x instance of its own (one event loop), so a blocking
 * {@link #call} from a worker thread waits on a thread it does not occupy, and no gateway event
 * loop ever waits: event loops use {@link #send}, which only returns a future. Scripts are
 * loaded lazily and again after a Redis restart ({@code NOSCRIPT}). A Redis that is away or
 * slower than {@link #TIMEOUT_MS} fails the call with {@link StoreUnavailableException}: the
 * request is answered 503 and the next one tries again, so the gateway recovers on its own.
 * Thread-safe.
 */
public final class SharedRedis implements AutoCloseable {
    /**
     * A call waits at most this long: Redis answers in well under a millisecond on a LAN, so
     * two seconds means it is away; a request then fails fast instead of holding a thread.
     */
    static final long TIMEOUT_MS = 2_000;
    /** Connections per instance: enough for every match and writer thread at once. */
    private static final int POOL = 32;

    private final Vertx vertx;
    private final Redis client;

    private SharedRedis(Vertx vertx, Redis client) {
        this.vertx = vertx;
        this.client = client;
    }

    /** A client of the Redis at {@code url} ({@code redis://[:password@]host:port[/db]}); connects lazily. */
    public static SharedRedis connect(String url) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        Redis client = Redis.createClient(vertx, new RedisOptions().setConnectionString(url)
                .setMaxPoolSize(POOL).setMaxPoolWaiting(4096).setMaxWaitingHandlers(4096)
                .setNetClientOptions(new NetClientOptions().setConnectTimeout((int) TIMEOUT_MS / 2)
                        .setTcpNoDelay(true)));
        return new SharedRedis(vertx, client);
    }

    /** Sends {@code r}; never blocks. The future fails with {@link StoreUnavailableException}. */
    public CompletableFuture<Response> send(Request r) {
        return unavailableOnFailure(client.send(r));
    }

    /** Sends {@code rs} as one pipeline (one round trip); never blocks. */
    public CompletableFuture<List<Response>> batch(List<Request> rs) {
        return unavailableOnFailure(client.batch(rs));
    }

    /**
     * Sends {@code r} and waits for the answer: for worker threads only (the matcher's, the
     * event writer's), never an event loop.
     *
     * @throws StoreUnavailableException when Redis is away or does not answer in time
     */
    public Response call(Request r) {
        return await(send(r));
    }

    /** As {@link #call}, for a pipeline. */
    public List<Response> callBatch(List<Request> rs) {
        return await(batch(rs));
    }

    /** Runs {@code script} and waits: for worker threads only. */
    public Response call(Script script, List<String> keys, List<String> args) {
        return await(script.run(this, keys, args));
    }

    private static <T> T await(CompletableFuture<T> f) {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("a blocking Redis call on an event loop");
        }
        try {
            return f.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new StoreUnavailableException("Redis did not answer within " + TIMEOUT_MS + " ms", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re
                    : new StoreUnavailableException("Redis call failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted waiting for Redis", e);
        }
    }

    private static <T> CompletableFuture<T> unavailableOnFailure(Future<T> f) {
        CompletableFuture<T> out = new CompletableFuture<>();
        f.onComplete(ar -> {
            if (ar.succeeded()) {
                out.complete(ar.result());
            } else if (ar.cause() instanceof StoreUnavailableException) {
                out.completeExceptionally(ar.cause());
            } else if (String.valueOf(ar.cause().getMessage()).startsWith("NOSCRIPT")) {
                out.completeExceptionally(new NoScript(ar.cause()));
            } else {
                // Connection refused or reset, a pool timeout, a server loading its data: away.
                out.completeExceptionally(new StoreUnavailableException("Redis is unavailable", ar.cause()));
            }
        });
        return out;
    }

    /**
     * Whether Redis answers PING within {@code seconds}, asking again every 200 ms: at start, a
     * loaded machine may take a few seconds to make the first connection. Blocking.
     */
    public boolean answersWithin(int seconds) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!ping()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Whether Redis answers PING now (health checks and tests). Blocking; not on an event loop. */
    public boolean ping() {
        try {
            return "PONG".equals(call(Request.cmd(Command.PING)).toString());
        } catch (StoreUnavailableException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            client.close().toCompletionStage().toCompletableFuture().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // Closing: what did not close is dropped with the Vert.x instance below.
        }
        vertx.close();
    }

    /** Redis forgot a loaded script (it restarted): load it again and retry once. */
    static final class NoScript extends RuntimeException {
        NoScript(Throwable cause) {
            super("NOSCRIPT", cause);
        }
    }
}
