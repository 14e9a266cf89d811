package io.wgate.metrics;

import static io.wgate.metrics.Expositions.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.wgate.core.testkit.EnginePair;
import io.wgate.core.testkit.Packets;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The native series: what each counts, that totals survive peer removal, and the formats offered. */
class GatewayMetricsTest {

    private final EnginePair pair = new EnginePair(31);
    private final FakeSource source = new FakeSource(pair, pair.bob.engine);
    private GatewayMetrics metrics = new GatewayMetrics(source, MetricsOptions.DEFAULTS, "1.2.3");

    @AfterEach
    void close() {
        metrics.close();
        pair.close();
    }

    private void aliceToBob(int seed) {
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(60, seed)));
        pair.bob.takeTunnel().forEach(ByteBuf::release);
    }

    @Test
    void countsHandshakesTrafficAndDropsByReason() {
        aliceToBob(1);
        aliceToBob(2);
        pair.inject(pair.bob, Unpooled.wrappedBuffer(new byte[] {9, 0, 0, 0, 1, 2}), EnginePair.ALICE_ADDRESS);
        source.udpBackpressure = 5;
        source.dataSocketOverflows = 4;
        source.handshakeSocketOverflows = 40_000;
        source.endpointReresolutions = 2;
        String text = Expositions.scrape(metrics);
        String wg = "interface=\"wg-test\"";
        assertEquals(1, value(text, "wgate_handshake_messages_total", wg, "type=\"initiation\"",
                "direction=\"received\""));
        assertEquals(1, value(text, "wgate_handshake_messages_total", "type=\"response\"", "direction=\"sent\""));
        assertEquals(0, value(text, "wgate_handshake_messages_total", "type=\"initiation\"", "direction=\"sent\""));
        assertEquals(1, value(text, "wgate_handshakes_completed_total", wg));
        assertEquals(3, value(text, "wgate_received_packets_total", wg));
        assertEquals(pair.bob.peer.rxBytes(), value(text, "wgate_received_bytes_total", wg));
        assertEquals(3, value(text, "wgate_peer_received_packets_total", "public_key=\""));
        assertEquals(1, value(text, "wgate_dropped_packets_total", "layer=\"engine\"", "reason=\"malformed_header\""));
        assertEquals(0, value(text, "wgate_dropped_packets_total", "layer=\"engine\"", "reason=\"replayed\""));
        assertEquals(5, value(text, "wgate_dropped_packets_total", "layer=\"udp\"", "reason=\"backpressure\""));
        assertEquals(4, value(text, "wgate_dropped_packets_total", "layer=\"udp\"", "reason=\"data_socket_overflow\""));
        assertEquals(40_000, value(text, "wgate_dropped_packets_total", "layer=\"udp\"",
                "reason=\"handshake_socket_overflow\""));
        assertEquals(0, value(text, "wgate_dropped_packets_total", "layer=\"tun\"", "reason=\"oversized_read\""));
        assertEquals(0, value(text, "wgate_handshakes_failed_total", "reason=\"timeout\""));
        assertEquals(2, value(text, "wgate_endpoint_reresolutions_total", wg));
        assertEquals(0, value(text, "wgate_under_load", wg));
        assertEquals(1, value(text, "wgate_peers", wg));
        assertTrue(value(text, "wgate_peer_keypair_age_seconds", wg) >= 0);
        assertEquals(1, value(text, "wgate_build_info", "version=\"1.2.3\""));
        assertEquals(1, value(text, "wgate_aead_info", "implementation=\"openssl\""));
        assertEquals(1, value(text, "wgate_offload_info", "offload=\"udp-gso\""));
        assertTrue(value(text, "wgate_event_loop_cpu_seconds_total", "loop=\"engine\"") > 0);
        assertTrue(text.contains("jvm_memory_used_bytes{"), "Micrometer's JVM binders");
        // The tests run Netty as deploy/jvm.options does, without the Cleaner (pom.xml test.jvm.args): Netty counts.
        assertTrue(io.netty.util.internal.PlatformDependent.useDirectBufferNoCleaner());
        io.netty.buffer.ByteBuf direct = io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(1 << 20);
        try {
            assertTrue(value(Expositions.scrape(metrics), "wgate_netty_direct_memory_bytes") >= 1 << 20);
        } finally {
            direct.release();
        }
        assertTrue(text.contains("jvm_gc_"), "GC metrics");
    }

    @Test
    void interfaceTotalsStayMonotonicWhenAPeerIsRemovedAndItsSeriesGo() {
        aliceToBob(1);
        String before = Expositions.scrape(metrics);
        double received = value(before, "wgate_received_bytes_total");
        assertTrue(received > 0);
        pair.bob.engine.removePeer(pair.bob.peer);
        String after = Expositions.scrape(metrics);
        assertEquals(received, value(after, "wgate_received_bytes_total"));
        assertEquals(value(before, "wgate_sent_packets_total"), value(after, "wgate_sent_packets_total"));
        assertFalse(after.contains("wireguard_sent_bytes_total{"), "a removed peer's series go, as the exporter's");
        assertFalse(after.contains("wgate_peer_sent_bytes_total{"));
        assertEquals(0, value(after, "wgate_peers"));
    }

    @Test
    void anOffloadSwitchedOffAtRunTimeLosesItsInfoSeries() {
        assertTrue(Expositions.scrape(metrics).contains("offload=\"udp-gso\""));
        source.offloadSummary = "tun: tso uso; udp: gro";
        String text = Expositions.scrape(metrics);
        assertFalse(text.contains("offload=\"udp-gso\""));
        assertEquals(1, value(text, "wgate_offload_info", "offload=\"udp-gro\""));
    }

    @Test
    void perPeerSeriesCanBeCappedOrSwitchedOff() {
        pair.bob.engine.addPeer(pair.entropyKey());
        pair.bob.engine.addPeer(pair.entropyKey());
        metrics.close();
        metrics = new GatewayMetrics(source, MetricsOptions.parse(MetricsOptions.DEFAULTS, "peer-series=1"), "x");
        String capped = Expositions.scrape(metrics);
        assertEquals(1, capped.lines().filter(l -> l.startsWith("wireguard_sent_bytes_total{")).count());
        assertEquals(3, value(capped, "wgate_peers"));
        assertEquals(2, value(capped, "wgate_peers_without_series"));
        metrics.close();
        metrics = new GatewayMetrics(source, MetricsOptions.parse(MetricsOptions.DEFAULTS, "peer-series=0"), "x");
        String off = Expositions.scrape(metrics);
        assertFalse(off.contains("wireguard_sent_bytes_total{"));
        assertFalse(off.contains("wgate_peer_"));
        assertEquals(3, value(off, "wgate_peers_without_series"));
    }

    @Test
    void openMetricsIsWrittenWhenAskedFor() {
        metrics.refresh().join();
        GatewayMetrics.Exposition open = metrics.write("application/openmetrics-text; version=1.0.0");
        assertTrue(open.contentType().startsWith("application/openmetrics-text"), open.contentType());
        String text = new String(open.body(), StandardCharsets.UTF_8);
        assertTrue(text.endsWith("# EOF\n"), "OpenMetrics ends with # EOF");
        assertTrue(text.contains("# TYPE wgate_build info"));
        GatewayMetrics.Exposition plain = metrics.write("text/plain");
        assertTrue(plain.contentType().startsWith("text/plain; version=0.0.4"), plain.contentType());
        GatewayMetrics.Exposition protobuf = metrics.write("application/vnd.google.protobuf;"
                + "proto=io.prometheus.client.MetricFamily;encoding=delimited");
        assertTrue(protobuf.contentType().startsWith("text/plain"), "no protobuf: " + protobuf.contentType());
    }
}
