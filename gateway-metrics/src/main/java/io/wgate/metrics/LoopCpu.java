package io.wgate.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * How busy the gateway's event loops are, from the CPU time of their threads (user and system: the kernel's work
 * in {@code sendmmsg}, TUN reads and writes counts too), read at scrape time: nothing is measured on the loops
 * themselves. {@code wgate_event_loop_cpu_seconds_total{loop}} is the Prometheus way
 * ({@code rate(...[1m])} is the busy ratio); {@code wgate_event_loop_busy_ratio{loop}} is the same ratio over the
 * time since the previous scrape, for a quick look. Metrics loop only.
 */
final class LoopCpu {

    /** CPU nanoseconds of a thread, -1 when it is gone or the JVM cannot tell. */
    interface CpuClock {
        long cpuNanos(Thread thread);
    }

    private record Sample(long wallNanos, long cpuNanos) {
    }

    private final Supplier<Map<String, Thread>> threads;
    private final CpuClock cpu;
    private final LongSupplier wallNanos;
    private final Map<String, Sample> previous = new HashMap<>();

    LoopCpu(Supplier<Map<String, Thread>> threads, CpuClock cpu, LongSupplier wallNanos) {
        this.threads = threads;
        this.cpu = cpu;
        this.wallNanos = wallNanos;
    }

    /** The JVM's thread CPU clock. */
    static CpuClock threadMxBean() {
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        if (bean.isThreadCpuTimeSupported() && !bean.isThreadCpuTimeEnabled()) {
            bean.setThreadCpuTimeEnabled(true);
        }
        return thread -> bean.isThreadCpuTimeSupported() ? bean.getThreadCpuTime(thread.threadId()) : -1;
    }

    List<MetricSnapshot> collect(String iface) {
        CounterSnapshot.Builder seconds = CounterSnapshot.builder().name("wgate_event_loop_cpu_seconds")
                .help("CPU time of the gateway's event-loop threads (user and system)");
        GaugeSnapshot.Builder ratio = GaugeSnapshot.builder().name("wgate_event_loop_busy_ratio")
                .help("Share of the time since the previous scrape an event loop spent on the CPU (0 to 1)");
        long now = wallNanos.getAsLong();
        for (Map.Entry<String, Thread> loop : threads.get().entrySet()) {
            long cpuNanos = cpu.cpuNanos(loop.getValue());
            if (cpuNanos < 0) {
                continue;
            }
            Labels labels = Labels.of("interface", iface, "loop", loop.getKey());
            seconds.dataPoint(CounterDataPointSnapshot.builder().value(cpuNanos / 1e9).labels(labels).build());
            Sample before = previous.put(loop.getKey(), new Sample(now, cpuNanos));
            if (before != null && now > before.wallNanos()) {
                double busy = (double) (cpuNanos - before.cpuNanos()) / (now - before.wallNanos());
                ratio.dataPoint(GaugeDataPointSnapshot.builder().value(Math.max(0, Math.min(1, busy)))
                        .labels(labels).build());
            }
        }
        return List.of(seconds.build(), ratio.build());
    }
}
