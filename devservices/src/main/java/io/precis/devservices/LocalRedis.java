package io.precis.devservices;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private Redis server (Debian's {@code redis-server}) on a random loopback port, in memory
 * only ({@code --save "" --appendonly no}), as a child process of this JVM. {@link #stop()} and
 * {@link #start()} take it away and bring it back, empty, on the same port.
 */
public final class LocalRedis implements AutoCloseable {
    private final Path binary;
    private final Path dir;
    private final int port;
    private Process process;

    private LocalRedis(Path binary, Path dir, int port) {
        this.binary = binary;
        this.dir = dir;
        this.port = port;
    }

    /** {@code redis-server} from the PATH or {@code /usr/bin}, or null when it is not installed. */
    public static Path binary() {
        for (String d : (System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/sbin").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "redis-server"))) {
                return Path.of(d, "redis-server");
            }
        }
        return null;
    }

    /** Starts a server on a free loopback port and waits until it answers PING. */
    public static LocalRedis start(String name) {
        Path binary = binary();
        if (binary == null) {
            throw new IllegalStateException("Redis is not installed (no redis-server): ./precis test installs "
                    + "Debian's redis-server package, or apt-get install redis-server");
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("precis-redis-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a Redis directory", e);
        }
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            LocalRedis redis = new LocalRedis(binary, dir, Processes.freePort());
            try {
                redis.start();
                return redis;
            } catch (IllegalStateException e) {
                last = e;
                redis.stop();
            }
        }
        Processes.deleteTree(dir);
        throw last;
    }

    /** Starts the server (again, empty) on its port. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        try {
            process = new ProcessBuilder(List.of(binary.toString(), "--port", String.valueOf(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                    "--protected-mode", "no", "--daemonize", "no", "--loglevel", "warning"))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("server.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server", e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server ended at start (port " + port + " taken?)");
            }
            if (ping()) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted starting redis-server", e);
            }
        }
        throw new IllegalStateException("redis-server did not answer within 20 s");
    }

    private boolean ping() {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(1000);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] buf = new byte[7];
            int n = in.readNBytes(buf, 0, 7);
            return new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    /** Kills the server: everything in it is gone, as when a cache node dies. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:PORT}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        stop();
        Processes.deleteTree(dir);
    }
}
