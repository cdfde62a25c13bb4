package io.precis.perf.gateway;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A server for a benchmark in a JVM of its own (the same java, class path and JVM options as
 * this one), so that the load generator's work and garbage do not share its heap; killed on close.
 */
final class Child implements AutoCloseable {
    private final Process process;

    private Child(Process process) {
        this.process = process;
    }

    /** Starts {@code mainClass} with {@code args}; its output goes to {@code log}. */
    static Child start(Path log, Class<?> mainClass, String... args) throws IOException {
        return start(log, List.of(), mainClass, args);
    }

    /**
     * As above, with {@code jvmOptions} after this JVM's own; one of them that names a collector
     * replaces this JVM's (the load generator's collector need not be the server's).
     */
    static Child start(Path log, List<String> jvmOptions, Class<?> mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        boolean ownCollector = jvmOptions.stream().anyMatch(o -> o.matches("-XX:\\+Use\\w+GC"));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-agentlib") || a.startsWith("-javaagent")
                    || ownCollector && a.matches("-XX:[+-](Use\\w+GC|ZGenerational)")) {
                continue;
            }
            cmd.add(a);
        }
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Child(p);
    }

    /** Waits (polling, up to {@code seconds}) until {@code file} exists; fails if the child died. */
    void awaitFile(Path file, int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!Files.exists(file)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the benchmark server stopped (exit " + process.exitValue() + ")");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the benchmark server was not ready within " + seconds + " s");
            }
            Thread.sleep(100);
        }
    }

    /** The CPU time the server's JVM has used so far (every thread), in nanoseconds; -1 where the OS does not say. */
    long cpuNanos() {
        return process.toHandle().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
