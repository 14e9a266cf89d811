package io.wgate.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.core.route.Prefix;
import io.wgate.server.config.Hooks;
import io.wgate.server.config.InterfaceAddress;
import io.wgate.server.config.KeyMaterialSearch;
import io.wgate.server.config.RouteTable;
import io.wgate.server.config.WgKey;
import io.wgate.server.config.WgQuickConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LinkSetupTest {

    @TempDir
    Path stateDir;

    private final FakeCommandRunner ip = new FakeCommandRunner();

    private LinkSetup setup() {
        return new LinkSetup(ip, new NetStateStore(stateDir));
    }

    static WgQuickConfig example(String name) throws Exception {
        try (InputStream in = LinkSetupTest.class.getResourceAsStream("/io/wgate/server/config/" + name)) {
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            return WgQuickConfig.parse(name, lines).withInterfaceName("wg0");
        }
    }

    static LinkPlan plan(RouteTable table, List<String> addresses, List<String> allowed) {
        return new LinkPlan("wg0", addresses.stream().map(InterfaceAddress::parse).toList(), OptionalInt.of(1420),
                table, 0, allowed.stream().map(Prefix::parse).toList(), List.of(), Hooks.NONE);
    }

    static InetAddress ip(String literal) {
        return InetAddress.ofLiteral(literal);
    }

    /** How the fake runner shows the nft command that loads {@code script} (one argument, single-quoted). */
    static String nft(String script) {
        return "nft '" + script + "'";
    }

    /** wg-quick's IPv4 table for wg0 with Addresses 10.64.0.2/32 and 192.168.64.1/24, fwmark 51821. */
    static final String NFT_IPV4 = """
            add table ip wg-quick-wg0
            delete table ip wg-quick-wg0
            add table ip wg-quick-wg0
            add chain ip wg-quick-wg0 preraw { type filter hook prerouting priority -300; }
            add chain ip wg-quick-wg0 premangle { type filter hook prerouting priority -150; }
            add chain ip wg-quick-wg0 postmangle { type filter hook postrouting priority -150; }
            add rule ip wg-quick-wg0 preraw iifname != "wg0" ip daddr 10.64.0.2 fib saddr type != local drop
            add rule ip wg-quick-wg0 preraw iifname != "wg0" ip daddr 192.168.64.1 fib saddr type != local drop
            add rule ip wg-quick-wg0 postmangle meta l4proto udp mark 51821 ct mark set mark
            add rule ip wg-quick-wg0 premangle meta l4proto udp meta mark set ct mark
            """;

    /** The IPv6 one for Address fd00:64::2/128. */
    static final String NFT_IPV6 = """
            add table ip6 wg-quick-wg0
            delete table ip6 wg-quick-wg0
            add table ip6 wg-quick-wg0
            add chain ip6 wg-quick-wg0 preraw { type filter hook prerouting priority -300; }
            add chain ip6 wg-quick-wg0 premangle { type filter hook prerouting priority -150; }
            add chain ip6 wg-quick-wg0 postmangle { type filter hook postrouting priority -150; }
            add rule ip6 wg-quick-wg0 preraw iifname != "wg0" ip6 daddr fd00:64::2 fib saddr type != local drop
            add rule ip6 wg-quick-wg0 postmangle meta l4proto udp mark 51821 ct mark set mark
            add rule ip6 wg-quick-wg0 premangle meta l4proto udp meta mark set ct mark
            """;

    @Test
    void mainOfficeSkipsTheTunnelSubnetAlreadyRoutedByItsAddress() throws Exception {
        ip.answer("ip -4 route show dev wg0 match 172.16.1.0/24", "172.16.1.0/24 proto kernel scope link src 172.16.1.1 \n");
        AppliedLink link = setup().up(LinkPlan.of(example("main-office.conf"), List.of(ip("203.0.113.2"))));

        assertEquals(List.of(
                "ip -4 address add 172.16.1.1/24 dev wg0",
                "ip link set mtu 1420 up dev wg0",
                "ip -4 route show dev wg0 match 172.16.1.0/24",
                "ip -4 route show dev wg0 match 192.168.1.0/24",
                "ip -4 route add 192.168.1.0/24 dev wg0"), ip.commands());
        assertEquals(1420, link.mtu());
        assertEquals(0, link.fwMark());
        assertEquals(2, link.steps().size());
        String state = Files.readString(stateDir.resolve("wg0.state"));
        assertTrue(state.contains("complete true\n"), state);
        assertTrue(state.contains("step address wg0 172.16.1.1/24\nstep route wg0 192.168.1.0/24 -\n"), state);
    }

    @Test
    void satelliteTakesItsMtuFromTheRouteToTheEndpoint() throws Exception {
        ip.answer("ip route get 198.51.100.2",
                "198.51.100.2 via 192.0.2.1 dev eth0 src 192.0.2.10 uid 0 \n    cache mtu 1400 \n");
        ip.answer("ip -4 route show dev wg0 match 172.16.1.0/24", "172.16.1.0/24 proto kernel scope link src 172.16.1.2\n");
        AppliedLink link = setup().up(LinkPlan.of(example("satellite.conf"), List.of(ip("198.51.100.2"))));

        assertEquals(List.of(
                "ip -4 address add 172.16.1.2/24 dev wg0",
                "ip route get 198.51.100.2",
                "ip link set mtu 1320 up dev wg0",
                "ip -4 route show dev wg0 match 172.16.1.0/24",
                "ip -4 route show dev wg0 match 10.10.10.0/24",
                "ip -4 route add 10.10.10.0/24 dev wg0"), ip.commands());
        assertEquals(1320, link.mtu());
    }

    @Test
    void satelliteWithoutRouteMtuUsesTheEgressDevice() throws Exception {
        ip.answer("ip route get 198.51.100.2", "198.51.100.2 via 192.0.2.1 dev eth0 src 192.0.2.10 uid 0 \n    cache \n");
        ip.answer("ip link show dev eth0", "2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 9000 qdisc mq state UP "
                + "mode DEFAULT group default qlen 1000\n    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff\n");
        AppliedLink link = setup().up(LinkPlan.of(example("satellite.conf"), List.of(ip("198.51.100.2"))));
        assertEquals(8920, link.mtu());
        assertEquals(List.of("ip -4 address add 172.16.1.2/24 dev wg0", "ip route get 198.51.100.2",
                "ip link show dev eth0", "ip link set mtu 8920 up dev wg0"), ip.commands().subList(0, 4));
    }

    @Test
    void tableOffAddsNoRoutes() throws Exception {
        setup().up(plan(RouteTable.OFF, List.of("172.16.1.1/24"), List.of("10.10.10.0/24", "0.0.0.0/0")));
        assertEquals(List.of("ip -4 address add 172.16.1.1/24 dev wg0", "ip link set mtu 1420 up dev wg0"), ip.commands());
    }

    @Test
    void explicitTableRoutesEveryPrefixLongestFirstWithoutChecks() throws Exception {
        setup().up(plan(RouteTable.explicit("1234"), List.of("172.16.1.1/24", "fd00:1::1/64"),
                List.of("10.0.0.0/8", "172.16.1.0/24", "fd00:2::/48", "0.0.0.0/0", "10.10.10.0/24")));
        assertEquals(List.of(
                "ip -4 address add 172.16.1.1/24 dev wg0",
                "ip -6 address add fd00:1::1/64 dev wg0",
                "ip link set mtu 1420 up dev wg0",
                "ip -6 route add fd00:2::/48 dev wg0 table 1234",
                "ip -4 route add 172.16.1.0/24 dev wg0 table 1234",
                "ip -4 route add 10.10.10.0/24 dev wg0 table 1234",
                "ip -4 route add 10.0.0.0/8 dev wg0 table 1234",
                "ip -4 route add 0.0.0.0/0 dev wg0 table 1234"), ip.commands());
    }

    @Test
    void fullTunnelUsesFwmarkPolicyRoutingInTheFirstFreeTable() throws Exception {
        ip.answer("ip -4 route show table 51820", "default dev other0 scope link\n");
        LinkPlan plan = plan(RouteTable.AUTO, List.of("10.64.0.2/32", "fd00:64::2/128", "192.168.64.1/24"),
                List.of("0.0.0.0/0", "::/0", "10.64.0.0/16"));
        AppliedLink link = setup().up(plan);

        assertEquals(51821, link.fwMark());
        assertEquals(List.of(
                "ip -4 address add 10.64.0.2/32 dev wg0",
                "ip -6 address add fd00:64::2/128 dev wg0",
                "ip -4 address add 192.168.64.1/24 dev wg0",
                "ip link set mtu 1420 up dev wg0",
                "ip -4 route show table 51820",
                "ip -4 route show table 51821",
                "ip -6 route show table 51821",
                "ip -4 route show dev wg0 match 10.64.0.0/16",
                "ip -4 route add 10.64.0.0/16 dev wg0",
                "ip -4 rule add not fwmark 51821 table 51821",
                "ip -4 rule add table main suppress_prefixlength 0",
                "ip -4 route add 0.0.0.0/0 dev wg0 table 51821",
                "cat /proc/sys/net/ipv4/conf/all/src_valid_mark",
                "sysctl -q net.ipv4.conf.all.src_valid_mark=1",
                "nft --version",
                nft(NFT_IPV4),
                "ip -6 rule add not fwmark 51821 table 51821",
                "ip -6 rule add table main suppress_prefixlength 0",
                "ip -6 route add ::/0 dev wg0 table 51821",
                nft(NFT_IPV6)), ip.commands());
        String state = Files.readString(stateDir.resolve("wg0.state"));
        assertTrue(state.contains("fwmark 51821\n"), state);
        assertTrue(state.contains("step route wg0 0.0.0.0/0 51821\nstep nft 4 wg-quick-wg0\n"), state);
        assertTrue(state.contains("step route wg0 ::/0 51821\nstep nft 6 wg-quick-wg0\n"), state);

        ip.clear();
        assertTrue(new LinkSetup(ip, new NetStateStore(stateDir)).down("wg0"));
        assertEquals(List.of(
                "nft delete table ip6 wg-quick-wg0",
                "ip -6 route del ::/0 dev wg0 table 51821",
                "ip -6 rule del table main suppress_prefixlength 0",
                "ip -6 rule del not fwmark 51821 table 51821",
                "nft delete table ip wg-quick-wg0",
                "ip -4 route del 0.0.0.0/0 dev wg0 table 51821",
                "ip -4 rule del table main suppress_prefixlength 0",
                "ip -4 rule del not fwmark 51821 table 51821",
                "ip -4 route del 10.64.0.0/16 dev wg0",
                "ip -4 address del 192.168.64.1/24 dev wg0",
                "ip -6 address del fd00:64::2/128 dev wg0",
                "ip -4 address del 10.64.0.2/32 dev wg0"), ip.commands());
        assertFalse(Files.exists(stateDir.resolve("wg0.state")));
    }

    @Test
    void fullTunnelUsesTheConfiguredFwMarkAsTable() throws Exception {
        LinkPlan plan = plan(RouteTable.AUTO, List.of(), List.of("0.0.0.0/0")).withFwMark(0x1234);
        AppliedLink link = setup().up(plan);
        assertEquals(0x1234, link.fwMark());
        assertEquals(List.of(
                "ip link set mtu 1420 up dev wg0",
                "ip -4 rule add not fwmark 4660 table 4660",
                "ip -4 rule add table main suppress_prefixlength 0",
                "ip -4 route add 0.0.0.0/0 dev wg0 table 4660",
                "cat /proc/sys/net/ipv4/conf/all/src_valid_mark",
                "sysctl -q net.ipv4.conf.all.src_valid_mark=1",
                "nft --version",
                nft("""
                        add table ip wg-quick-wg0
                        delete table ip wg-quick-wg0
                        add table ip wg-quick-wg0
                        add chain ip wg-quick-wg0 preraw { type filter hook prerouting priority -300; }
                        add chain ip wg-quick-wg0 premangle { type filter hook prerouting priority -150; }
                        add chain ip wg-quick-wg0 postmangle { type filter hook postrouting priority -150; }
                        add rule ip wg-quick-wg0 postmangle meta l4proto udp mark 4660 ct mark set mark
                        add rule ip wg-quick-wg0 premangle meta l4proto udp meta mark set ct mark
                        """)), ip.commands());
    }

    @Test
    void withoutNftTheFirewallPartIsLeftOutWithOneWarning() throws Exception {
        ip.fail("nft --version", 127, "bash: nft: command not found\n");
        List<String> warnings = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel() == java.util.logging.Level.WARNING) {
                    warnings.add(java.text.MessageFormat.format(r.getMessage(), r.getParameters()));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(LinkSetup.class.getName());
        logger.addHandler(handler);
        try {
            setup().up(plan(RouteTable.AUTO, List.of("10.64.0.2/32", "fd00:64::2/128"), List.of("0.0.0.0/0", "::/0")));
        } finally {
            logger.removeHandler(handler);
        }

        assertEquals(List.of("nft --version"), ip.commands().stream().filter(c -> c.startsWith("nft")).toList(),
                "checked once, nothing loaded");
        assertEquals(1, warnings.size(), warnings.toString());
        assertEquals("wg0: nft is not available (nft --version exited with status 127: bash: nft: command not found): "
                + "full tunnel without the firewall rules wg-quick adds (packets for the tunnel addresses arriving on "
                + "other interfaces are not dropped, replies get no conntrack fwmark for rp_filter); wgate has no "
                + "iptables fallback, install nftables", warnings.getFirst());
        assertFalse(Files.readString(stateDir.resolve("wg0.state")).contains("step nft"));
    }

    @Test
    void anNftThatCannotBeStartedCountsAsMissing() throws Exception {
        CommandRunner noNft = command -> {
            if (command.getFirst().equals("nft")) {
                ip.run(command);
                throw new IOException("Cannot run program \"nft\": error=2, No such file or directory");
            }
            return ip.run(command);
        };
        AppliedLink link = new LinkSetup(noNft, new NetStateStore(stateDir))
                .up(plan(RouteTable.AUTO, List.of("10.64.0.2/32"), List.of("0.0.0.0/0")));
        assertEquals(51820, link.fwMark());
        assertEquals(List.of("nft --version"), ip.commands().stream().filter(c -> c.startsWith("nft")).toList());
    }

    @Test
    void aFailedNftLoadUndoesTheRoutingOfItsFamilyAndRecordsNoTable() throws Exception {
        LinkPlan plan = plan(RouteTable.AUTO, List.of("10.64.0.2/32", "fd00:64::2/128", "192.168.64.1/24"),
                List.of("0.0.0.0/0", "::/0")).withFwMark(51821);
        ip.fail(nft(NFT_IPV6), 1, "Error: Could not process rule: No such file or directory\n");

        CommandFailedException e = assertThrows(CommandFailedException.class, () -> setup().up(plan));
        assertTrue(e.getMessage().endsWith("failed (exit 1): Error: Could not process rule: No such file or directory"),
                e.getMessage());
        List<String> commands = ip.commands();
        assertEquals(List.of(
                nft(NFT_IPV6),
                "ip -6 route del ::/0 dev wg0 table 51821",
                "ip -6 rule del table main suppress_prefixlength 0",
                "ip -6 rule del not fwmark 51821 table 51821",
                "nft delete table ip wg-quick-wg0",
                "ip -4 route del 0.0.0.0/0 dev wg0 table 51821",
                "ip -4 rule del table main suppress_prefixlength 0",
                "ip -4 rule del not fwmark 51821 table 51821",
                "ip -4 address del 192.168.64.1/24 dev wg0",
                "ip -6 address del fd00:64::2/128 dev wg0",
                "ip -4 address del 10.64.0.2/32 dev wg0"), commands.subList(commands.indexOf(nft(NFT_IPV6)), commands.size()),
                "the IPv4 table that was loaded is deleted, the IPv6 one that failed is not");
        assertFalse(Files.exists(stateDir.resolve("wg0.state")));
    }

    @Test
    void aSrcValidMarkThatCannotBeSetUndoesThePolicyRoutingAndSaysHowToSetIt() throws Exception {
        ip.answer("cat /proc/sys/net/ipv4/conf/all/src_valid_mark", "0\n");
        ip.fail("sysctl -q net.ipv4.conf.all.src_valid_mark=1", 255,
                "sysctl: setting key \"net.ipv4.conf.all.src_valid_mark\": Read-only file system\n");

        IOException e = assertThrows(IOException.class,
                () -> setup().up(plan(RouteTable.AUTO, List.of("10.64.0.2/32"), List.of("0.0.0.0/0"))));

        assertTrue(e.getMessage().startsWith("wg0: the full tunnel needs net.ipv4.conf.all.src_valid_mark=1, and it is 0"
                + " and cannot be set here (sysctl -q net.ipv4.conf.all.src_valid_mark=1 failed (exit 255): sysctl:"
                + " setting key \"net.ipv4.conf.all.src_valid_mark\": Read-only file system)"), e.getMessage());
        assertTrue(e.getMessage().contains("'docker run --sysctl net.ipv4.conf.all.src_valid_mark=1'"), e.getMessage());
        List<String> commands = ip.commands();
        assertEquals(List.of(
                "ip -4 route del 0.0.0.0/0 dev wg0 table 51820",
                "ip -4 rule del table main suppress_prefixlength 0",
                "ip -4 rule del not fwmark 51820 table 51820",
                "ip -4 address del 10.64.0.2/32 dev wg0"),
                commands.subList(commands.indexOf("sysctl -q net.ipv4.conf.all.src_valid_mark=1") + 1, commands.size()));
        assertFalse(Files.exists(stateDir.resolve("wg0.state")));
    }

    @Test
    void chooseFwMarkIsZeroWithoutADefaultRoute() throws Exception {
        assertEquals(0, setup().chooseFwMark(plan(RouteTable.AUTO, List.of(), List.of("10.0.0.0/8"))));
        assertEquals(0, setup().chooseFwMark(plan(RouteTable.OFF, List.of(), List.of("0.0.0.0/0"))));
        assertEquals(51820, setup().chooseFwMark(plan(RouteTable.AUTO, List.of(), List.of("::/0"))));
        assertEquals(List.of("ip -4 route show table 51820", "ip -6 route show table 51820"), ip.commands());
    }

    @Test
    void hooksRunInOrderWithTheInterfaceName() throws Exception {
        Hooks hooks = new Hooks(List.of("echo pre-up %i", "touch /run/%i.%i"), List.of("iptables -A FORWARD -i %i -j ACCEPT"),
                List.of("echo pre-down %i"), List.of("iptables -D FORWARD -i %i -j ACCEPT", "echo 'bye'"));
        LinkPlan plan = new LinkPlan("wg0", List.of(InterfaceAddress.parse("10.0.0.1/24")), OptionalInt.of(1420),
                RouteTable.OFF, 0, List.of(), List.of(), hooks);
        setup().up(plan);
        assertEquals(List.of(
                "bash -c 'echo pre-up wg0'",
                "bash -c 'touch /run/wg0.wg0'",
                "ip -4 address add 10.0.0.1/24 dev wg0",
                "ip link set mtu 1420 up dev wg0",
                "bash -c 'iptables -A FORWARD -i wg0 -j ACCEPT'"), ip.commands());

        ip.clear();
        setup().down("wg0");
        assertEquals(List.of(
                "bash -c 'echo pre-down wg0'",
                "ip -4 address del 10.0.0.1/24 dev wg0",
                "bash -c 'iptables -D FORWARD -i wg0 -j ACCEPT'",
                "bash -c 'echo '\\''bye'\\'''"), ip.commands());
    }

    @Test
    void aFailedRouteUndoesEverythingAndReportsTheOriginalError() throws Exception {
        ip.fail("ip -4 route add 192.168.1.0/24 dev wg0", 2, "RTNETLINK answers: File exists\n");
        ip.answer("ip -4 route show dev wg0 match 172.16.1.0/24", "");
        Hooks hooks = new Hooks(List.of(), List.of("echo never"), List.of("echo never"), List.of("echo never"));
        LinkPlan plan = new LinkPlan("wg0", List.of(InterfaceAddress.parse("172.16.1.1/24")), OptionalInt.of(1420),
                RouteTable.AUTO, 0, List.of(Prefix.parse("172.16.1.0/24"), Prefix.parse("192.168.1.0/24")), List.of(),
                hooks);

        CommandFailedException e = assertThrows(CommandFailedException.class, () -> setup().up(plan));
        assertEquals("ip -4 route add 192.168.1.0/24 dev wg0 failed (exit 2): RTNETLINK answers: File exists",
                e.getMessage());
        assertEquals(0, e.getSuppressed().length);
        assertEquals(List.of(
                "ip -4 address add 172.16.1.1/24 dev wg0",
                "ip link set mtu 1420 up dev wg0",
                "ip -4 route show dev wg0 match 172.16.1.0/24",
                "ip -4 route add 172.16.1.0/24 dev wg0",
                "ip -4 route show dev wg0 match 192.168.1.0/24",
                "ip -4 route add 192.168.1.0/24 dev wg0",
                // rollback, newest first; no down hooks for a failed up
                "ip -4 route del 172.16.1.0/24 dev wg0",
                "ip -4 address del 172.16.1.1/24 dev wg0"), ip.commands());
        assertFalse(Files.exists(stateDir.resolve("wg0.state")));
        assertFalse(setup().down("wg0"));
    }

    /** Fails the N-th host change of a plan that has eleven; what was done before it must be undone, newest first. */
    @ParameterizedTest(name = "mutation {0} fails")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
    void failureAtAnyStepRollsBackExactlyWhatWasDone(int failing) throws Exception {
        Hooks hooks = new Hooks(List.of("echo pre %i"), List.of("echo post %i"), List.of("echo pd"), List.of("echo pod"));
        LinkPlan plan = new LinkPlan("wg0",
                List.of(InterfaceAddress.parse("10.8.0.1/24"), InterfaceAddress.parse("fd00:8::1/64")),
                OptionalInt.of(1400), RouteTable.AUTO, 0,
                List.of(Prefix.parse("0.0.0.0/0"), Prefix.parse("192.168.8.0/24")), List.of(), hooks);
        // Mutations in order: 1 pre hook, 2 addr4, 3 addr6, 4 link mtu/up, 5 route 192.168.8.0/24,
        // 6 rule not fwmark, 7 rule suppress, 8 default route, 9 sysctl, 10 nft table, 11 post hook.
        List<String> undoOfStep = Arrays.asList(null, null, "ip -4 address del 10.8.0.1/24 dev wg0",
                "ip -6 address del fd00:8::1/64 dev wg0", null, "ip -4 route del 192.168.8.0/24 dev wg0",
                "ip -4 rule del not fwmark 51820 table 51820", "ip -4 rule del table main suppress_prefixlength 0",
                "ip -4 route del 0.0.0.0/0 dev wg0 table 51820", null, "nft delete table ip wg-quick-wg0", null);
        ip.failMutation(failing);

        IOException e = assertThrows(IOException.class, () -> setup().up(plan));
        assertTrue(e.getMessage().endsWith(failing == 9 ? "/etc/sysctl.d (for example 'echo"
                + " net.ipv4.conf.all.src_valid_mark=1 > /etc/sysctl.d/90-wgate.conf && sysctl --system')"
                : "failed (exit 2): RTNETLINK answers: Injected failure"), e.getMessage());
        assertEquals(failing == 10, e.getMessage().startsWith("nft 'add table ip wg-quick-wg0\n"), e.getMessage());

        List<String> mutations = ip.commands().stream().filter(c -> FakeCommandRunner.isMutation(List.of(c.split(" "))))
                .toList();
        List<String> expectedUndo = new ArrayList<>();
        for (int step = failing - 1; step >= 1; step--) {
            if (undoOfStep.get(step) != null) {
                expectedUndo.add(undoOfStep.get(step));
            }
        }
        assertEquals(expectedUndo, mutations.subList(failing, mutations.size()), ip.commands().toString());
        assertFalse(Files.exists(stateDir.resolve("wg0.state")));
    }

    @Test
    void anUndoThatFailsIsReportedAndKeptForLater() throws Exception {
        ip.fail("ip -4 route add 10.9.0.0/16 dev wg0", 2, "RTNETLINK answers: Network is unreachable");
        ip.fail("ip -4 address del 10.8.0.1/24 dev wg0", 2, "RTNETLINK answers: Operation not permitted");
        LinkPlan plan = plan(RouteTable.AUTO, List.of("10.8.0.1/24", "10.8.1.1/24"), List.of("10.9.0.0/16"));

        IOException e = assertThrows(IOException.class, () -> setup().up(plan));
        assertEquals("ip -4 route add 10.9.0.0/16 dev wg0 failed (exit 2): RTNETLINK answers: Network is unreachable",
                e.getMessage());
        assertEquals(2, e.getSuppressed().length);
        assertEquals("ip -4 address del 10.8.0.1/24 dev wg0 failed (exit 2): RTNETLINK answers: Operation not permitted",
                e.getSuppressed()[0].getMessage());
        assertTrue(e.getSuppressed()[1].getMessage().contains("1 step(s) could not be undone"));
        String state = Files.readString(stateDir.resolve("wg0.state"));
        assertTrue(state.contains("step address wg0 10.8.0.1/24\n"), state);
        assertFalse(state.contains("10.8.1.1"), state);

        ip.clear();
        ip.fail("ip -4 address del 10.8.0.1/24 dev wg0", 1, "Cannot find device \"wg0\"");
        assertTrue(setup().down("wg0"));
        assertFalse(Files.exists(stateDir.resolve("wg0.state")));
    }

    @Test
    void upRefusesAStaleStateThatWasNotCleanedUpFirst() throws Exception {
        new NetStateStore(stateDir).write(NetState.begin("wg0", List.of("echo stale-pre-down"), List.of())
                .plus(new NetStep.AddRule(false, List.of("not", "fwmark", "51820", "table", "51820"))).completed());
        IOException e = assertThrows(IOException.class, () -> setup().up(plan(RouteTable.OFF, List.of(), List.of())));
        assertTrue(e.getMessage().startsWith("wg0 has network state from an earlier run in "), e.getMessage());
        assertEquals(List.of(), ip.commands(), "neither the old run's undo nor its hooks may touch the new link");
    }

    @Test
    void anInterruptDuringAHookStillRollsBackEverything() throws Exception {
        // Like ProcessCommandRunner: an interrupted command is killed, the interrupt status stays set, and
        // while it is set every further command fails at once.
        CommandRunner interruptible = command -> {
            if (Thread.currentThread().isInterrupted()) {
                throw new java.io.InterruptedIOException("interrupted while running " + CommandResult.display(command));
            }
            CommandResult result = ip.run(command);
            if (command.getLast().equals("sleep 30")) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while running " + CommandResult.display(command));
            }
            return result;
        };
        Hooks hooks = new Hooks(List.of(), List.of("sleep 30"), List.of(), List.of());
        LinkPlan plan = new LinkPlan("wg0", List.of(InterfaceAddress.parse("10.8.0.1/24")), OptionalInt.of(1420),
                RouteTable.AUTO, 0, List.of(Prefix.parse("0.0.0.0/0")), List.of(), hooks);

        try {
            assertThrows(java.io.InterruptedIOException.class,
                    () -> new LinkSetup(interruptible, new NetStateStore(stateDir)).up(plan));
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt must survive the rollback");
        } finally {
            Thread.interrupted();
        }
        List<String> commands = ip.commands();
        assertEquals(List.of(
                "nft delete table ip wg-quick-wg0",
                "ip -4 route del 0.0.0.0/0 dev wg0 table 51820",
                "ip -4 rule del table main suppress_prefixlength 0",
                "ip -4 rule del not fwmark 51820 table 51820",
                "ip -4 address del 10.8.0.1/24 dev wg0"), commands.subList(commands.size() - 5, commands.size()));
        assertFalse(Files.exists(stateDir.resolve("wg0.state")));
    }


    @Test
    void hooksRunAsWrittenButKeysInTheirCommandsAndOutputNeverReachTheLogOrTheError() throws Exception {
        WgKey key = WgKey.parseBase64("qGLNAoT7E+upkvmo6m4Pdrq+08nn4jYURUqhloIpRn8=").orElseThrow();
        KeyMaterialSearch search = KeyMaterialSearch.of("private key", key);
        List<List<String>> ran = new ArrayList<>();
        CommandRunner runner = command -> {
            ran.add(command);
            String script = command.getLast();
            if (script.startsWith("wg showconf")) {
                return new CommandResult(command, 0, "[Interface]\nPrivateKey = " + key.toBase64() + "\n", "");
            }
            if (script.startsWith("false")) {
                return new CommandResult(command, 1, "", "bad key " + key.toHex().toUpperCase() + "\n");
            }
            return CommandResult.ok(command, "");
        };
        Hooks hooks = new Hooks(List.of("wg set %i private-key <(echo " + key.toBase64() + ")", "wg showconf %i"),
                List.of("false " + key.toHex()), List.of(), List.of());
        LinkPlan plan = new LinkPlan("wg0", List.of(), OptionalInt.of(1420), RouteTable.OFF, 0, List.of(), List.of(),
                hooks);
        List<String> logged = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(java.text.MessageFormat.format(r.getMessage(), r.getParameters()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(LinkSetup.class.getName());
        logger.addHandler(handler);
        IOException failure;
        try {
            failure = assertThrows(IOException.class, () -> new LinkSetup(runner, new NetStateStore(stateDir)).up(plan));
        } finally {
            logger.removeHandler(handler);
        }

        assertEquals(List.of("bash", "-c", "wg set wg0 private-key <(echo " + key.toBase64() + ")"), ran.getFirst(),
                "the hook runs as written");
        assertTrue(logged.contains("[#] bash -c 'wg set wg0 private-key <(echo (key material hidden))'"),
                String.join("\n", logged));
        assertTrue(logged.contains("PreUp wg0: PrivateKey = (key material hidden)"), String.join("\n", logged));
        assertEquals("bash -c 'false (key material hidden)' failed (exit 1): bad key (key material hidden)",
                failure.getMessage());
        assertEquals(List.of(), search.find("log", String.join("\n", logged)));
    }
}
