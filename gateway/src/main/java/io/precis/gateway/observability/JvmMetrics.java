package io.precis.gateway.observability;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;

/**
 * The JVM's heap, garbage collection, JIT compilation and threads, read from its MXBeans at each scrape, named as
 * OpenTelemetry's JVM semantic conventions name them ({@code jvm.memory.used}, ...). A few
 * observable instruments instead of the runtime-telemetry instrumentation library, which does
 * not resolve from the Maven mirror here.
 */
final class JvmMetrics {
    private static final AttributeKey<String> MEMORY_TYPE = AttributeKey.stringKey("jvm.memory.type");
    private static final AttributeKey<String> GC = AttributeKey.stringKey("jvm.gc.name");
    private static final Attributes HEAP = Attributes.of(MEMORY_TYPE, "heap");
    private static final Attributes NON_HEAP = Attributes.of(MEMORY_TYPE, "non_heap");

    private JvmMetrics() {}

    static void register(Meter meter) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        meter.upDownCounterBuilder("jvm.memory.used").setUnit("By")
                .setDescription("memory in use, heap and non-heap")
                .buildWithCallback(m -> {
                    m.record(memory.getHeapMemoryUsage().getUsed(), HEAP);
                    m.record(memory.getNonHeapMemoryUsage().getUsed(), NON_HEAP);
                });
        meter.upDownCounterBuilder("jvm.memory.committed").setUnit("By")
                .setDescription("memory committed by the operating system, heap and non-heap")
                .buildWithCallback(m -> {
                    m.record(memory.getHeapMemoryUsage().getCommitted(), HEAP);
                    m.record(memory.getNonHeapMemoryUsage().getCommitted(), NON_HEAP);
                });
        meter.upDownCounterBuilder("jvm.memory.limit").setUnit("By")
                .setDescription("the most heap the JVM may use (-Xmx)")
                .buildWithCallback(m -> {
                    long max = memory.getHeapMemoryUsage().getMax();
                    if (max >= 0) {
                        m.record(max, HEAP);
                    }
                });
        meter.counterBuilder("jvm.gc.collections")
                .setDescription("garbage collections, by collector")
                .buildWithCallback(m -> {
                    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                        m.record(Math.max(0, gc.getCollectionCount()), Attributes.of(GC, gc.getName()));
                    }
                });
        meter.counterBuilder("jvm.gc.time").ofDoubles().setUnit("s")
                .setDescription("time spent collecting garbage (approximate), by collector")
                .buildWithCallback(m -> {
                    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                        m.record(Math.max(0, gc.getCollectionTime()) / 1000.0, Attributes.of(GC, gc.getName()));
                    }
                });
        java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit != null && jit.isCompilationTimeMonitoringSupported()) {
            // How long the JIT compilers have run: still rising means the code is still warming
            // (on two cores the compiler threads take CPU from requests; perf/README).
            meter.counterBuilder("jvm.compilation.time").ofDoubles().setUnit("s")
                    .setDescription("time the JIT compilers have spent compiling (approximate)")
                    .buildWithCallback(m -> m.record(jit.getTotalCompilationTime() / 1000.0));
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        meter.upDownCounterBuilder("jvm.thread.count")
                .setDescription("live threads, daemon or not")
                .buildWithCallback(m -> {
                    int daemon = threads.getDaemonThreadCount();
                    AttributeKey<Boolean> isDaemon = AttributeKey.booleanKey("jvm.thread.daemon");
                    m.record(daemon, Attributes.of(isDaemon, true));
                    m.record(threads.getThreadCount() - daemon, Attributes.of(isDaemon, false));
                });
    }
}
