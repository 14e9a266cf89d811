package io.wgate.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class AutoMtuTest {

    private final FakeCommandRunner ip = new FakeCommandRunner();

    private static final String ETH0_1500 = "2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP "
            + "mode DEFAULT group default qlen 1000\n    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff\n";

    @Test
    void takesTheRouteMtuAttributeMinus80() throws Exception {
        ip.answer("ip route get 198.51.100.2",
                "198.51.100.2 via 192.0.2.1 dev eth0 src 192.0.2.10 uid 0 \n    cache mtu 1400 \n");
        assertEquals(1320, AutoMtu.tunnelMtu(ip, List.of(InetAddress.ofLiteral("198.51.100.2"))));
        assertEquals(List.of("ip route get 198.51.100.2"), ip.commands());
    }

    @Test
    void fallsBackToTheEgressDeviceMtu() throws Exception {
        ip.answer("ip route get 198.51.100.2", "198.51.100.2 via 192.0.2.1 dev eth0 src 192.0.2.10 uid 0 \n    cache \n");
        ip.answer("ip link show dev eth0", ETH0_1500);
        assertEquals(1420, AutoMtu.tunnelMtu(ip, List.of(InetAddress.ofLiteral("198.51.100.2"))));
    }

    @Test
    void keepsTheLargestOfSeveralEndpointsAsWgQuickDoesAndSkipsUnreachableOnes() throws Exception {
        ip.answer("ip route get 198.51.100.2", "198.51.100.2 dev eth0 src 198.51.100.1 uid 0 \n    cache \n");
        ip.answer("ip link show dev eth0", ETH0_1500);
        ip.answer("ip route get 2001:db8::2", "2001:db8::2 from :: via fe80::1 dev eth1 proto ra src 2001:db8::10 "
                + "metric 100 mtu lock 1280 pref medium\n");
        ip.fail("ip route get 203.0.113.9", 2, "RTNETLINK answers: Network is unreachable");
        List<InetAddress> endpoints = List.of(InetAddress.ofLiteral("198.51.100.2"), InetAddress.ofLiteral("203.0.113.9"),
                InetAddress.ofLiteral("2001:db8::2"));
        assertEquals(1420, AutoMtu.tunnelMtu(ip, endpoints), "max(1500, 1280) - 80");
    }

    @Test
    void aLockedRouteMtuCountsEvenWhenItIsTheOnlyAnswer() throws Exception {
        ip.answer("ip route get 2001:db8::2", "2001:db8::2 from :: via fe80::1 dev eth1 proto ra src 2001:db8::10 "
                + "metric 100 mtu lock 1280 pref medium\n");
        assertEquals(1200, AutoMtu.tunnelMtu(ip, List.of(InetAddress.ofLiteral("2001:db8::2"))));
        assertEquals(List.of("ip route get 2001:db8::2"), ip.commands(), "the route's own mtu: no device lookup");
    }

    @Test
    void withoutEndpointsUsesTheDefaultRoute() throws Exception {
        ip.answer("ip -4 route show default", "default via 192.0.2.1 dev eth0 proto dhcp src 192.0.2.10 metric 100 \n"
                + "default via 192.0.2.254 dev eth1 proto static metric 200 \n");
        ip.answer("ip link show dev eth0", ETH0_1500.replace("mtu 1500", "mtu 9001"));
        assertEquals(8921, AutoMtu.tunnelMtu(ip, List.of()));
        assertEquals(List.of("ip -4 route show default", "ip link show dev eth0"), ip.commands());
    }

    @Test
    void usesTheIpv6DefaultRouteWhenThereIsNoIpv4One() throws Exception {
        ip.answer("ip -6 route show default", "default via fe80::1 dev eth0 proto ra metric 1024 mtu 1480 pref medium\n");
        assertEquals(1400, AutoMtu.tunnelMtu(ip, List.of()));
    }

    @Test
    void fallsBackTo1500WhenNothingIsKnown() throws Exception {
        ip.fail("ip route get 198.51.100.2", 2, "RTNETLINK answers: Network is unreachable");
        assertEquals(1420, AutoMtu.tunnelMtu(ip, List.of(InetAddress.ofLiteral("198.51.100.2"))));
        assertEquals(List.of("ip route get 198.51.100.2", "ip -4 route show default", "ip -6 route show default"),
                ip.commands());
    }
}
