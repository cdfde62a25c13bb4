package io.precis.devservices;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A private PostgreSQL server on a random loopback port with a throwaway data directory, from
 * the binaries of Debian's {@code postgresql} package ({@code /usr/lib/postgresql/N/bin}, the
 * newest N; {@code PRECIS_PG_BIN} names another directory). As root it runs {@code initdb} and
 * {@code postgres} as the {@code postgres} system user the package creates, since PostgreSQL
 * refuses to run as root. Trust authentication on loopback only: it is for tests and for
 * {@code ./precis cluster}, never for production.
 *
 * <p>{@link #stop()}, {@link #crash()} and {@link #start()} let tests take the server away and
 * bring it back on the same port with the same data.
 */
public final class LocalPostgres implements AutoCloseable {
    private static final String USER = "precis";
    private static final String DATABASE = "precis";

    private final Path bin;
    private final Path dir;
    private final int port;
    private boolean running;

    private LocalPostgres(Path bin, Path dir, int port) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
    }

    /** The directory of PostgreSQL's server binaries, or null when none is installed. */
    public static Path binaries() {
        String env = System.getenv("PRECIS_PG_BIN");
        if (env != null && !env.isBlank()) {
            return Files.isExecutable(Path.of(env, "postgres")) ? Path.of(env) : null;
        }
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("postgres")) && Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparingInt(b -> version(b.getParent().getFileName().toString())))
                    .orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static int version(String name) {
        try {
            return Integer.parseInt(name.replaceAll("\\D.*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Creates a cluster in a new temporary directory, starts it and creates the {@code precis} database. */
    public static LocalPostgres start(String name) {
        Path bin = requireBinaries();
        Path dir;
        try {
            dir = Files.createTempDirectory("precis-pg-" + name + "-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a PostgreSQL data directory", e);
        }
        try {
            initdb(bin, dir);
            return launch(bin, dir, true);
        } catch (RuntimeException e) {
            Processes.deleteTree(dir);
            throw e;
        }
    }

    /**
     * The server of the cluster in {@code dir}, started on a free port; the cluster and its
     * {@code precis} database are made there first when {@code dir} has none. Its data outlives
     * {@link #stop()} (not {@link #close()}, which deletes it): for benchmarks whose data takes
     * long to load, reused by the next run. The directories above {@code dir} must let the
     * {@code postgres} user through when run as root (as {@code /tmp} does).
     */
    public static LocalPostgres openOrCreate(Path dir) {
        Path bin = requireBinaries();
        boolean fresh = !Files.exists(dir.resolve("data").resolve("PG_VERSION"));
        if (fresh) {
            try {
                Files.createDirectories(dir);
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot make a PostgreSQL data directory", e);
            }
            initdb(bin, dir);
        }
        return launch(bin, dir, fresh);
    }

    private static Path requireBinaries() {
        Path bin = binaries();
        if (bin == null) {
            throw new IllegalStateException("PostgreSQL is not installed (no /usr/lib/postgresql/N/bin): "
                    + "./precis test installs Debian's postgresql package, or apt-get install postgresql");
        }
        return bin;
    }

    /** A new cluster in {@code dir}/data, owned by the {@code postgres} user when run as root. */
    private static void initdb(Path bin, Path dir) {
        try {
            if (Processes.root()) {
                UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
                Files.setOwner(dir, users.lookupPrincipalByName("postgres"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a PostgreSQL data directory", e);
        }
        Processes.run(120, Processes.as("postgres", List.of(bin.resolve("initdb").toString(), "-D",
                dir.resolve("data").toString(), "-A", "trust", "-U", USER, "-E", "UTF8", "--locale=C", "-N")));
    }

    /** Starts the cluster in {@code dir} on a free port, creating the {@code precis} database when asked. */
    private static LocalPostgres launch(Path bin, Path dir, boolean createDatabase) {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            LocalPostgres pg = new LocalPostgres(bin, dir, Processes.freePort());
            try {
                pg.start();
                if (createDatabase) {
                    Processes.run(60, List.of(bin.resolve("createdb").toString(), "-h", "127.0.0.1",
                            "-p", String.valueOf(pg.port), "-U", USER, DATABASE));
                }
                return pg;
            } catch (IllegalStateException e) {
                last = e; // most likely the port was taken between asking and binding
                pg.stopQuietly("immediate");
            }
        }
        throw last;
    }

    private static LocalPostgres shared;
    private static final java.util.concurrent.atomic.AtomicInteger DATABASES = new java.util.concurrent.atomic.AtomicInteger();

    /** One server for the whole test JVM, started on first use and stopped when the JVM ends. */
    public static synchronized LocalPostgres shared() {
        if (shared == null) {
            LocalPostgres pg = start("shared");
            Runtime.getRuntime().addShutdownHook(new Thread(pg::close, "stop-local-postgres"));
            shared = pg;
        }
        return shared;
    }

    /** A new, empty database on this server; its JDBC URL. */
    public String createDatabase() {
        String name = "db" + DATABASES.incrementAndGet();
        Processes.run(60, List.of(bin.resolve("createdb").toString(), "-h", "127.0.0.1",
                "-p", String.valueOf(port), "-U", USER, name));
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + name + "?user=" + USER;
    }

    /** Starts the server (again) on its port, waiting until it accepts connections. */
    public synchronized void start() {
        if (running) {
            return;
        }
        Path data = dir.resolve("data");
        String options = "-p " + port + " -h 127.0.0.1 -k " + dir + " -c max_connections=300"
                + " -c shared_buffers=64MB -c listen_addresses=127.0.0.1";
        Processes.run(90, Processes.as("postgres", List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(),
                "-l", dir.resolve("server.log").toString(), "-w", "-t", "60", "-o", options, "start")));
        running = true;
    }

    /** A clean, fast shutdown: connections are closed, committed data is kept. */
    public synchronized void stop() {
        stopWith("fast");
    }

    /** As a power cut: no shutdown checkpoint; committed data survives through the WAL. */
    public synchronized void crash() {
        stopWith("immediate");
    }

    private void stopWith(String mode) {
        if (!running) {
            return;
        }
        Processes.run(90, Processes.as("postgres", List.of(bin.resolve("pg_ctl").toString(), "-D",
                dir.resolve("data").toString(), "-m", mode, "-w", "-t", "60", "stop")));
        running = false;
    }

    private void stopQuietly(String mode) {
        try {
            running = true;
            stopWith(mode);
        } catch (RuntimeException e) {
            running = false;
        }
    }

    public int port() {
        return port;
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/precis?user=precis}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE + "?user=" + USER;
    }

    /** {@code postgresql://precis@127.0.0.1:PORT/precis}, the form libpq and Vert.x read. */
    public String uri() {
        return "postgresql://" + USER + "@127.0.0.1:" + port + "/" + DATABASE;
    }

    @Override
    public synchronized void close() {
        try {
            stopWith("fast");
        } catch (RuntimeException e) {
            stopQuietly("immediate");
        }
        Processes.deleteTree(dir);
    }
}
