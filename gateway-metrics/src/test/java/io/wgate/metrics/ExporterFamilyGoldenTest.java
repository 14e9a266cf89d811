package io.wgate.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.wgate.core.peer.Peer;
import io.wgate.core.testkit.EnginePair;
import io.wgate.core.testkit.Packets;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pins the exact text of the prometheus_wireguard_exporter family for a fixed engine state: Bob's engine after two
 * packets from Alice (seeded keys, manual clock, scraped 7 s later), plus a peer that never shook hands and has no AllowedIPs or
 * endpoint. The golden files are under {@code src/test/resources/golden/}; after a deliberate change, rerun with
 * {@code -Dgolden.update=true} and review the diff.
 */
class ExporterFamilyGoldenTest {

    private final EnginePair pair = new EnginePair(9586);
    private GatewayMetrics metrics;

    @BeforeEach
    void traffic() {
        for (int i = 0; i < 2; i++) {
            pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(100, i)));
            pair.bob.takeTunnel().forEach(ByteBuf::release);
        }
        pair.advance(EnginePair.seconds(7)); // the handshake is 7 s old at the scrape; no keepalive is due yet
        Peer quiet = pair.bob.engine.addPeer(pair.entropyKey());
        assertEquals(0, quiet.lastHandshakeEpochNanos());
    }

    @AfterEach
    void close() {
        if (metrics != null) {
            metrics.close();
        }
        pair.close();
    }

    private String exporterFamily(MetricsOptions options) {
        FakeSource source = new FakeSource(pair, pair.bob.engine);
        source.friendlyNames = Map.of(Base64.getEncoder().encodeToString(pair.alice.publicKey), "Main Office");
        metrics = new GatewayMetrics(source, options, "0.0.0-test");
        return String.join("\n", Expositions.family(Expositions.scrape(metrics), "wireguard_")) + "\n";
    }

    @Test
    void defaultFamilyMatchesTheGoldenText() throws IOException {
        assertGolden("wireguard-exporter-default.txt", exporterFamily(MetricsOptions.DEFAULTS));
    }

    @Test
    void remoteEndpointAndDelayMatchTheGoldenText() throws IOException {
        assertGolden("wireguard-exporter-remote-delay.txt",
                exporterFamily(MetricsOptions.parse(MetricsOptions.DEFAULTS, "remote-endpoint,handshake-delay")));
    }

    private static void assertGolden(String name, String actual) throws IOException {
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(Path.of("src/test/resources/golden", name), actual, StandardCharsets.UTF_8);
        }
        try (InputStream in = ExporterFamilyGoldenTest.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) {
                throw new AssertionError("no golden file " + name + "; run with -Dgolden.update=true. Actual:\n"
                        + actual);
            }
            assertEquals(new String(in.readAllBytes(), StandardCharsets.UTF_8), actual);
        }
    }
}
