package io.wgate.server.demo;

import static io.wgate.server.demo.Addressing.HOST_A;
import static io.wgate.server.demo.Addressing.HOST_B;
import static io.wgate.server.demo.Addressing.SATELLITE_ROAMED_WAN;
import static io.wgate.server.demo.Addressing.SATELLITE_WAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.tun.testing.Privileged;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The namespace network without gateways: the WANs reach each other through the Internet router, the
 * LANs do not (only a tunnel joins them), roaming moves the Satellite's address, and removal leaves no
 * namespace. Also exercises the Java ping fallback ({@link Probe}) against the real {@code ping}.
 */
@Privileged
class TopologyIT {

    private final Shell shell = new Shell();
    private Topology topology;
    private Pinger ping;
    private Pinger probe;

    @BeforeEach
    void build() throws Exception {
        topology = Topology.create(shell, SiteNames.random());
        JavaRuntime runtime = TestRuntime.runtime();
        ping = new Pinger(shell, runtime);
        probe = new Pinger(shell, runtime, Optional.empty());
    }

    @AfterEach
    void remove() {
        if (topology != null) {
            assertEquals(List.of(), topology.remove());
            for (String ns : topology.names().namespaces()) {
                assertFalse(Files.exists(Path.of("/run/netns", ns)), ns + " left behind");
            }
        }
    }

    @Test
    void gatewaysReachEachOtherAcrossTheInternetRouter() throws Exception {
        SiteNames n = topology.names();
        PingResult probed = probe.ping(n.main(), SATELLITE_WAN, 2);
        assertEquals(Pinger.JAVA_PROBE, probed.tool());
        assertTrue(probed.allReplied(), probed.output());
        assertTrue(probed.avgMillis() >= 0, probed.output());
        if (ping.usesPing()) {
            assertTrue(ping.ping(n.satellite(), Addressing.MAIN_WAN, 2).allReplied());
        }
    }

    @Test
    void lansAreNotRoutedWithoutTheTunnel() throws Exception {
        SiteNames n = topology.names();
        PingResult probed = probe.ping(n.hostA(), HOST_B, 1);
        assertEquals(1, probed.sent(), probed.output());
        assertEquals(0, probed.received(), probed.output());
        assertEquals(0, ping.ping(n.hostB(), HOST_A, 1).received());
        // ...while each host reaches its own gateway.
        assertTrue(probe.ping(n.hostA(), Addressing.MAIN_LAN_GATEWAY, 1).allReplied());
        assertTrue(probe.ping(n.hostB(), Addressing.SATELLITE_LAN_GATEWAY, 1).allReplied());
    }

    @Test
    void withIpv6TheHostsReachTheirGatewaysButNotEachOther() throws Exception {
        assertEquals(List.of(), topology.remove());
        topology = Topology.create(shell, SiteNames.random(), true);
        assertTrue(topology.ipv6());
        SiteNames n = topology.names();
        Pinger pinger = ping.usesPing() ? ping : probe;
        assertTrue(pinger.ping(n.hostA(), Addressing.MAIN_LAN_GATEWAY_V6, 1).allReplied());
        assertTrue(pinger.ping(n.hostB(), Addressing.SATELLITE_LAN_GATEWAY_V6, 1).allReplied());
        assertEquals(0, pinger.ping(n.hostA(), Addressing.HOST_B_V6, 1).received());
        for (String gateway : List.of(n.main(), n.satellite())) {
            assertEquals("1", shell.checkIn(Shell.DEFAULT_TIMEOUT, gateway, "cat",
                    "/proc/sys/net/ipv6/conf/all/forwarding").stdout().strip(), gateway + " forwards IPv6");
        }
    }

    @Test
    void roamingMovesTheSatelliteToItsNewAddress() throws Exception {
        SiteNames n = topology.names();
        assertEquals(SATELLITE_WAN, topology.satelliteWan());
        assertEquals(SATELLITE_ROAMED_WAN, topology.roamSatellite());
        assertEquals(SATELLITE_ROAMED_WAN, topology.satelliteWan());
        assertTrue(probe.ping(n.main(), SATELLITE_ROAMED_WAN, 1).allReplied());
        assertEquals(0, probe.ping(n.main(), SATELLITE_WAN, 1).received());
    }
}
