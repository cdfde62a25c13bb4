package io.precis.perf.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The CPU time the kernel's own threads (the children of {@code kthreadd}, pid 2) used between two
 * readings of {@code /proc}: work that neither the server nor the load generator asked for, but
 * that takes the same cores. On the machine of perf/README.md's "The machine's memory monitor"
 * the kernel's DAMON thread ({@code kdamond.0}) took a core for 5 to 120 ms every half second, and
 * each time the gateway stopped answering for as long. Empty where there is no {@code /proc}.
 */
final class KernelCpu {
    private final Map<Integer, Task> threads;

    private record Task(String name, long cpuNanos) {}

    private KernelCpu(Map<Integer, Task> threads) {
        this.threads = threads;
    }

    /** The kernel threads' CPU time so far. */
    static KernelCpu read() {
        Map<Integer, Task> threads = new HashMap<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String pid = p.getFileName().toString();
                if (!pid.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    int close = stat.lastIndexOf(')');
                    String[] rest = stat.substring(close + 2).split(" ");
                    if (!rest[1].equals("2")) {
                        continue;
                    }
                    long cpu = Long.parseLong(Files.readString(p.resolve("schedstat")).split(" ")[0]);
                    threads.put(Integer.parseInt(pid), new Task(stat.substring(stat.indexOf('(') + 1, close), cpu));
                } catch (IOException | RuntimeException e) {
                    // The thread ended, or this kernel does not keep schedstat: not counted.
                }
            }
        } catch (IOException e) {
            // No /proc: nothing to report.
        }
        return new KernelCpu(threads);
    }

    /**
     * What the kernel threads used since {@code before}: the total and the busiest three, as
     * {@code "412 ms (kdamond.0 398, kworker/0:1 9, ksoftirqd/1 3)"}; {@code "unknown"} without
     * {@code /proc}.
     */
    String since(KernelCpu before) {
        if (threads.isEmpty()) {
            return "unknown";
        }
        List<Map.Entry<String, Long>> used = threads.entrySet().stream()
                .map(e -> Map.entry(e.getValue().name(), e.getValue().cpuNanos()
                        - before.threads.getOrDefault(e.getKey(), new Task("", 0)).cpuNanos()))
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .toList();
        long total = used.stream().mapToLong(Map.Entry::getValue).sum();
        return String.format("%.0f ms", total / 1e6) + (used.isEmpty() ? "" : used.stream().limit(3)
                .map(e -> String.format("%s %.0f", e.getKey(), e.getValue() / 1e6))
                .collect(Collectors.joining(", ", " (", ")")));
    }
}
