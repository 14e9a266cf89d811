package io.wgate.server.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.server.config.WgQuickConfig;
import io.wgate.server.uapi.DeviceStatus;
import io.wgate.server.uapi.PeerStatus;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The start rehearsal (the AOT cache's training run) really carries a packet through two gateways: without
 * privileges, on loopback and two socket pairs in place of TUN devices.
 */
class StartRehearsalTest {

    private static final String NAME = "wgsr" + ProcessHandle.current().pid() % 100_000;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "crypto workers {0}")
    @ValueSource(ints = {0, 2})
    void aPacketGoesThroughTheHandshakeAndBothGatewaysAndTheUapiSetPointedAAtB(int workers) throws Exception {
        DeviceStatus device = StartRehearsal.run(a(), b("AllowedIPs = 172.16.1.0/24, 10.10.10.0/24"),
                InetAddress.getByName("172.16.1.1"), InetAddress.getByName("172.16.1.2"),
                GatewayOptions.defaults().withCryptoWorkers(workers), dir); // a UAPI errno would have thrown

        assertEquals(1, device.peers().size(), device.toString());
        PeerStatus peer = device.peers().getFirst();
        // the UAPI set's endpoint: the configuration has none
        assertEquals(InetAddress.getLoopbackAddress(), peer.endpoint().orElseThrow().getAddress(), peer.toString());
        assertEquals(25, peer.persistentKeepaliveSeconds(), peer.toString());
        assertTrue(peer.lastHandshakeEpochSeconds() > 0, peer.toString());
        assertTrue(peer.txBytes() >= 148 + 32 + 48, peer.toString()); // initiation, the packet, sealed
        assertTrue(peer.rxBytes() >= 92, peer.toString()); // B's response
    }

    @Test
    void aPacketThatBDropsFailsTheRehearsalNamingIt() throws Exception {
        // B's AllowedIPs for A do not hold the packet's source: B authenticates it and drops it.
        IOException e = assertThrows(IOException.class, () -> StartRehearsal.run(a(), b("AllowedIPs = 10.10.10.0/24"),
                InetAddress.getByName("172.16.1.1"), InetAddress.getByName("172.16.1.2"), GatewayOptions.defaults(),
                dir, Duration.ofSeconds(1)));

        assertTrue(e.getMessage().contains("did not come out of B's TUN"), e.getMessage());
        Matcher handshake = Pattern.compile("last_handshake_time_sec=(\\d+)").matcher(e.getMessage());
        assertTrue(handshake.find() && Long.parseLong(handshake.group(1)) > 0,
                "the handshake was done and the packet sent, B dropped it: " + e.getMessage());
    }

    @Test
    void theRehearsalPacketIsAValidIpv4UdpDatagram() throws Exception {
        byte[] packet = StartRehearsal.ipv4Udp(InetAddress.getByName("192.0.2.1"), InetAddress.getByName("192.0.2.2"),
                new byte[] {1, 2, 3});

        assertEquals(31, packet.length);
        assertEquals(0x45, packet[0]);
        assertEquals(31, ((packet[2] & 0xff) << 8) | (packet[3] & 0xff));
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += ((packet[i] & 0xff) << 8) | (packet[i + 1] & 0xff);
        }
        while (sum > 0xffff) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        assertEquals(0xffff, sum, "the header checksum verifies");
        assertArrayEquals(new byte[] {(byte) 192, 0, 2, 1, (byte) 192, 0, 2, 2},
                java.util.Arrays.copyOfRange(packet, 12, 20));
    }

    /** The Main Office, its peer (the Satellite) without an endpoint until the rehearsal's UAPI set. */
    private static WgQuickConfig a() throws Exception {
        return TestGateways.mainOffice(NAME + "a", List.of());
    }

    /** The Satellite with {@code allowedIps} for the Main Office, no endpoint and no keepalive: nothing leaves. */
    private static WgQuickConfig b(String allowedIps) throws Exception {
        return TestGateways.satellite(NAME + "b", List.of(), "Endpoint = 198.51.100.2:51820", "",
                "PersistentKeepalive = 25", "", "AllowedIPs = 172.16.1.0/24, 10.10.10.0/24", allowedIps);
    }
}
