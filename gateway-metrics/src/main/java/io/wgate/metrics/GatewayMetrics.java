package io.wgate.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.util.internal.PlatformDependent;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The metrics of one gateway: a Micrometer {@link PrometheusMeterRegistry} with the interface meters
 * ({@link InterfaceMeters}), the per-peer and info collector ({@link PeerCollector}) and Micrometer's JVM binders
 * (memory, GC, threads, class loading, processor, uptime).
 *
 * <p>A scrape is {@link #refresh()} (one task on the engine's loop that copies its state) followed by
 * {@link #write} on the metrics loop. Nothing here touches the packet path.
 */
public final class GatewayMetrics implements AutoCloseable {
    /** Exposed as {@code wgate_netty_direct_memory_bytes}, when Netty keeps the count (no Cleaner). */
    static final String NETTY_DIRECT_MEMORY = "wgate.netty.direct.memory";

    /** What a scrape writes: the body and its {@code Content-Type}. */
    public record Exposition(String contentType, byte[] body) {
    }

    private final GatewaySource source;
    private final MetricsOptions options;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ExpositionFormats formats = ExpositionFormats.init();
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private volatile GatewaySnapshot latest = GatewaySnapshot.EMPTY;

    public GatewayMetrics(GatewaySource source, MetricsOptions options, String version) {
        this.source = Objects.requireNonNull(source, "source");
        this.options = Objects.requireNonNull(options, "options");
        // Two of ProcessorMetrics' names fail promtool's lint (an abbreviated unit, a "_count" gauge); the rest stay.
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")
                || id.getName().equals("system.cpu.count")));
        new InterfaceMeters(source, this::latest).bindTo(registry);
        registry.getPrometheusRegistry().register(new PeerCollector(source, this::latest, options, version,
                new LoopCpu(source::loopThreads, LoopCpu.threadMxBean(), System::nanoTime)));
        new JvmMemoryMetrics().bindTo(registry);
        if (PlatformDependent.usedDirectMemory() >= 0) {
            // Netty counts its direct buffers itself when it makes them without the JDK's Cleaner (deploy/jvm.options):
            // they are then missing from jvm_buffer_memory_used_bytes{id="direct"}.
            Gauge.builder(NETTY_DIRECT_MEMORY, PlatformDependent::usedDirectMemory).baseUnit(BaseUnits.BYTES)
                    .description("Direct memory held by Netty's buffers (packet pools), by Netty's own count; not in"
                            + " jvm_buffer_memory_used_bytes")
                    .register(registry);
        }
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public GatewaySource source() {
        return source;
    }

    public MetricsOptions options() {
        return options;
    }

    /** The snapshot the next {@link #write} reads. */
    GatewaySnapshot latest() {
        return latest;
    }

    /**
     * Takes a new snapshot on the engine's loop; the future completes once it is the one {@link #write} reads.
     */
    public CompletableFuture<GatewaySnapshot> refresh() {
        return source.snapshot(options.peerSeriesLimit()).thenApply(snapshot -> {
            latest = snapshot;
            return snapshot;
        });
    }

    /**
     * Writes every series from the latest snapshot in the format {@code accept} asks for: OpenMetrics text for
     * {@code application/openmetrics-text}, else the Prometheus text format 0.0.4 (the protobuf format is not
     * offered).
     */
    public Exposition write(String accept) {
        ExpositionFormatWriter writer = formats.findWriter(accept);
        if (!writer.isAvailable()) {
            writer = formats.getPrometheusTextFormatWriter();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 << 10);
        try {
            writer.write(out, registry.getPrometheusRegistry().scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
        }
        return new Exposition(writer.getContentType(), out.toByteArray());
    }

    /** The registry, for tests and further binders. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }
}
