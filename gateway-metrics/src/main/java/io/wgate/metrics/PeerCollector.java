package io.wgate.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The series whose label sets change while the gateway runs, written from the scrape's {@link GatewaySnapshot}:
 *
 * <ul>
 *   <li>prometheus_wireguard_exporter's family, verbatim: {@code wireguard_sent_bytes_total},
 *       {@code wireguard_received_bytes_total}, {@code wireguard_latest_handshake_seconds} (UNIX time, 0 = never)
 *       and, with the {@code handshake-delay} option, {@code wireguard_latest_handshake_delay_seconds}; labels
 *       {@code interface}, {@code public_key}, {@code allowed_ips} (comma-joined, {@code (none)} when empty, as
 *       {@code wg show dump}), {@code friendly_name} for peers that have one and, with the {@code remote-endpoint}
 *       option, {@code remote_ip} and {@code remote_port} for peers that have an endpoint;</li>
 *   <li>{@code wgate_peer_*}: packets and bytes per direction, session age and staged packets, labels
 *       {@code interface} and {@code public_key};</li>
 *   <li>info series: {@code wgate_build_info{version}}, {@code wgate_aead_info{implementation}},
 *       {@code wgate_offload_info{offload}} (one per offload in effect; one that switches off at run time goes);</li>
 *   <li>{@code wgate_event_loop_cpu_seconds_total{loop}} and {@code wgate_event_loop_busy_ratio{loop}}
 *       ({@link LoopCpu}).</li>
 * </ul>
 *
 * A removed peer's series disappear, as the exporter's do; interface totals stay in {@link InterfaceMeters}.
 * Called on the metrics loop only, during a scrape.
 */
final class PeerCollector implements MultiCollector {

    private final GatewaySource source;
    private final Supplier<GatewaySnapshot> latest;
    private final MetricsOptions options;
    private final String version;
    private final LoopCpu loopCpu;

    PeerCollector(GatewaySource source, Supplier<GatewaySnapshot> latest, MetricsOptions options, String version,
                  LoopCpu loopCpu) {
        this.source = source;
        this.latest = latest;
        this.options = options;
        this.version = version;
        this.loopCpu = loopCpu;
    }

    @Override
    public List<String> getPrometheusNames() {
        List<String> names = new ArrayList<>(List.of("wireguard_sent_bytes", "wireguard_received_bytes",
                "wireguard_latest_handshake_seconds", "wgate_peer_sent_bytes", "wgate_peer_received_bytes",
                "wgate_peer_sent_packets", "wgate_peer_received_packets", "wgate_peer_keypair_age_seconds",
                "wgate_peer_staged_packets", "wgate_build", "wgate_aead", "wgate_offload",
                "wgate_event_loop_cpu_seconds", "wgate_event_loop_busy_ratio"));
        if (options.handshakeDelay()) {
            names.add("wireguard_latest_handshake_delay_seconds");
        }
        return names;
    }

    @Override
    public MetricSnapshots collect() {
        GatewaySnapshot snapshot = latest.get();
        EngineSnapshot engine = snapshot.engine();
        String iface = source.interfaceName();
        CounterSnapshot.Builder sent = CounterSnapshot.builder().name("wireguard_sent_bytes")
                .help("Bytes sent to the peer");
        CounterSnapshot.Builder received = CounterSnapshot.builder().name("wireguard_received_bytes")
                .help("Bytes received from the peer");
        GaugeSnapshot.Builder handshake = GaugeSnapshot.builder().name("wireguard_latest_handshake_seconds")
                .help("Seconds from the last handshake");
        GaugeSnapshot.Builder delay = GaugeSnapshot.builder().name("wireguard_latest_handshake_delay_seconds")
                .help("Seconds since the last handshake");
        CounterSnapshot.Builder peerSentBytes = CounterSnapshot.builder().name("wgate_peer_sent_bytes")
                .help("UDP payload bytes sent to the peer");
        CounterSnapshot.Builder peerReceivedBytes = CounterSnapshot.builder().name("wgate_peer_received_bytes")
                .help("UDP payload bytes received from the peer");
        CounterSnapshot.Builder peerSentPackets = CounterSnapshot.builder().name("wgate_peer_sent_packets")
                .help("Datagrams sent to the peer");
        CounterSnapshot.Builder peerReceivedPackets = CounterSnapshot.builder().name("wgate_peer_received_packets")
                .help("Datagrams received from the peer");
        GaugeSnapshot.Builder keypairAge = GaugeSnapshot.builder().name("wgate_peer_keypair_age_seconds")
                .help("Age of the session the peer is sent with (absent without one)");
        GaugeSnapshot.Builder staged = GaugeSnapshot.builder().name("wgate_peer_staged_packets")
                .help("Packets waiting for a session with the peer");
        long nowSeconds = Math.floorDiv(engine.epochNanos(), 1_000_000_000L);
        for (PeerSnapshot peer : engine.peers()) {
            Labels compat = exporterLabels(iface, peer);
            sent.dataPoint(counter(peer.txBytes(), compat));
            received.dataPoint(counter(peer.rxBytes(), compat));
            handshake.dataPoint(gauge(peer.lastHandshakeEpochSeconds(), compat));
            delay.dataPoint(gauge(nowSeconds - peer.lastHandshakeEpochSeconds(), compat));
            Labels own = Labels.of("interface", iface, "public_key", peer.publicKey());
            peerSentBytes.dataPoint(counter(peer.txBytes(), own));
            peerReceivedBytes.dataPoint(counter(peer.rxBytes(), own));
            peerSentPackets.dataPoint(counter(peer.txPackets(), own));
            peerReceivedPackets.dataPoint(counter(peer.rxPackets(), own));
            if (peer.keypairAgeNanos() >= 0) {
                keypairAge.dataPoint(gauge(peer.keypairAgeNanos() / 1e9, own));
            }
            staged.dataPoint(gauge(peer.stagedPackets(), own));
        }
        List<MetricSnapshot> all = new ArrayList<>(List.of(sent.build(), received.build(), handshake.build()));
        if (options.handshakeDelay()) {
            all.add(delay.build());
        }
        all.addAll(List.of(peerSentBytes.build(), peerReceivedBytes.build(), peerSentPackets.build(),
                peerReceivedPackets.build(), keypairAge.build(), staged.build()));
        all.add(info("wgate_build", "The wgate version", Labels.of("version", version)));
        all.add(info("wgate_aead", "The ChaCha20-Poly1305 implementation in use",
                Labels.of("interface", iface, "implementation", source.aeadName())));
        InfoSnapshot.Builder offloads = InfoSnapshot.builder().name("wgate_offload")
                .help("The batching offloads in effect now, one series each");
        for (String offload : snapshot.offloads()) {
            offloads.dataPoint(InfoDataPointSnapshot.builder()
                    .labels(Labels.of("interface", iface, "offload", offload)).build());
        }
        all.add(offloads.build());
        all.addAll(loopCpu.collect(iface));
        return new MetricSnapshots(all);
    }

    /** The exporter's labels; only the labels a peer has, as the exporter leaves out what a peer lacks. */
    private Labels exporterLabels(String iface, PeerSnapshot peer) {
        List<String> names = new ArrayList<>(List.of("interface", "public_key", "allowed_ips"));
        List<String> values = new ArrayList<>(List.of(iface, peer.publicKey(),
                peer.allowedIps().isEmpty() ? "(none)" : String.join(",", peer.allowedIps())));
        if (peer.friendlyName() != null && !peer.friendlyName().isEmpty()) {
            names.add("friendly_name");
            values.add(peer.friendlyName());
        }
        if (options.remoteEndpoint() && peer.endpoint() != null && peer.endpoint().getAddress() != null) {
            names.add("remote_ip");
            values.add(peer.endpoint().getAddress().getHostAddress());
            names.add("remote_port");
            values.add(Integer.toString(peer.endpoint().getPort()));
        }
        return Labels.of(names, values);
    }

    private static CounterDataPointSnapshot counter(double value, Labels labels) {
        return CounterDataPointSnapshot.builder().value(value).labels(labels).build();
    }

    private static GaugeDataPointSnapshot gauge(double value, Labels labels) {
        return GaugeDataPointSnapshot.builder().value(value).labels(labels).build();
    }

    private static InfoSnapshot info(String name, String help, Labels labels) {
        return InfoSnapshot.builder().name(name).help(help)
                .dataPoint(InfoDataPointSnapshot.builder().labels(labels).build()).build();
    }
}
