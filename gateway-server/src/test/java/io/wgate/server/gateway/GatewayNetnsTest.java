package io.wgate.server.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.crypto.Bytes;
import io.wgate.server.config.InterfaceAddress;
import io.wgate.server.config.WgQuickConfig;
import io.wgate.server.net.CommandResult;
import io.wgate.server.net.CommandRunner;
import io.wgate.server.net.HostLinks;
import io.wgate.server.net.LinkSetup;
import io.wgate.server.net.NetState;
import io.wgate.server.net.NetStateStore;
import io.wgate.server.net.NetStep;
import io.wgate.server.net.ProcessCommandRunner;
import io.wgate.tun.testing.NetNs;
import io.wgate.tun.testing.NetNsScope;
import io.wgate.tun.testing.Privileged;
import io.wgate.tun.testing.RequiresCommands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A whole {@link Gateway} in a network namespace of its own: the starting thread enters it (so the TUN,
 * the event loops and the UDP socket are born there) and every host command runs there through
 * {@code ip netns exec}, whichever thread runs it. The state file goes to a temporary directory; the
 * UAPI socket is {@code /var/run/wireguard/<name>.sock} with a name of this test's own. The full-tunnel
 * traffic test adds a second namespace for the other office, linked by a veth pair with documentation
 * addresses.
 */
@Privileged
class GatewayNetnsTest {

    @TempDir
    Path tmp;

    private NetNs ns;
    /** The other office's namespace, for the traffic test; null otherwise. */
    private NetNs other;
    private String name;
    private NetStateStore store;
    private LinkSetup linkSetup;
    private HostLinks hostLinks;
    private final List<Gateway> gateways = new ArrayList<>();

    @BeforeEach
    void namespace() {
        ns = NetNs.create("gateway");
        name = "wgt-gw" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        store = new NetStateStore(tmp.resolve("run"));
        CommandRunner inNamespace = runnerIn(ns);
        linkSetup = new LinkSetup(inNamespace, store);
        hostLinks = new HostLinks(inNamespace);
    }

    @AfterEach
    void removeEverything() throws Exception {
        gateways.forEach(Gateway::close);
        ns.close();
        if (other != null) {
            other.close();
        }
        Files.deleteIfExists(Path.of("/var/run/wireguard", name + ".sock"));
        Files.deleteIfExists(Path.of("/var/run/wireguard", name + "m.sock"));
    }

    /** Runs host commands inside {@code namespace} through {@code ip netns exec}. */
    private static CommandRunner runnerIn(NetNs namespace) {
        return command -> {
            List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", namespace.name()));
            wrapped.addAll(command);
            CommandResult r = new ProcessCommandRunner(Duration.ofSeconds(60)).run(wrapped);
            return new CommandResult(command, r.exitCode(), r.stdout(), r.stderr());
        };
    }

    private Gateway gateway(WgQuickConfig config, TransportKind transport) {
        return gateway(config, transport, linkSetup, hostLinks);
    }

    private Gateway gateway(WgQuickConfig config, TransportKind transport, LinkSetup setup, HostLinks links) {
        Gateway gateway = new Gateway(config, GatewayOptions.defaults().withAead("jdk").withTransport(transport),
                setup, links);
        gateways.add(gateway);
        return gateway;
    }

    /** Starts {@code gateway} on a platform thread inside the namespace; completes with null or the failure. */
    private CompletableFuture<Exception> startInNamespace(Gateway gateway) {
        return startIn(ns, gateway);
    }

    /** Starts {@code gateway} on a platform thread inside {@code namespace}; completes with null or the failure. */
    private static CompletableFuture<Exception> startIn(NetNs namespace, Gateway gateway) {
        CompletableFuture<Exception> outcome = new CompletableFuture<>();
        Thread starter = new Thread(() -> {
            try (NetNsScope ignored = namespace.enter()) {
                gateway.start();
                outcome.complete(null);
            } catch (Exception e) {
                outcome.complete(e);
            }
        }, "wgt-starter");
        starter.start();
        return outcome;
    }

    /** A hook that appends "{@code label} <status of ip link show dev IF>" to {@code log}: 0 while the link exists. */
    private static String linkProbe(String label, Path log) {
        return "ip link show dev %i >/dev/null 2>&1; echo " + label + " $? >> " + log;
    }

    private String rules() {
        return ns.exec("ip", "-4", "rule", "show") + ns.exec("ip", "-6", "rule", "show");
    }

    /**
     * The fwmark of every UDP socket bound to {@code port} in {@code namespace}, as the kernel reports it
     * ({@code ss -e} prints {@code fwmark:0x...} for a socket with SO_MARK, nothing without): one entry
     * per socket, {@code "none"} for an unmarked one.
     */
    private static List<String> udpSocketMarks(NetNs namespace, int port) {
        String sockets = namespace.exec("ss", "-H", "-u", "-a", "-n", "-e", "sport", "=", ":" + port);
        return sockets.lines().filter(l -> !l.isBlank()).map(l -> {
            Matcher m = FWMARK.matcher(l);
            return m.find() ? m.group(1) : "none";
        }).toList();
    }

    /**
     * The mark each socket on the listen port should show: with epoll the data socket and the handshake socket
     * ({@link HandshakeSteering}), with io_uring the one socket.
     */
    private static List<String> marks(String mark, TransportKind transport) {
        return transport == TransportKind.EPOLL ? List.of(mark, mark) : List.of(mark);
    }

    private static final Pattern FWMARK = Pattern.compile("\\bfwmark:(0x[0-9a-f]+)");

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    @RequiresCommands("nft")
    void aFullTunnelMarksTheRunningSocketAndLoadsTheNftTables(TransportKind transport) throws Exception {
        Assumptions.assumeTrue(available(transport), transport.label() + " is not available here");
        WgQuickConfig config = TestGateways.mainOffice(name, List.of("Address = fd00:16:1::1/64"),
                "AllowedIPs = 172.16.1.0/24, 192.168.1.0/24", "AllowedIPs = 0.0.0.0/0, ::/0");
        Gateway gateway = gateway(config, transport);
        assertEquals(null, startInNamespace(gateway).get(60, TimeUnit.SECONDS));

        assertEquals(51820, gateway.fwMark(), "the first free table");
        assertEquals(marks("0xca6c", transport), udpSocketMarks(ns, gateway.listenPort()), "SO_MARK of the live sockets");
        assertEquals("table ip wg-quick-" + name + "\ntable ip6 wg-quick-" + name + "\n", ns.exec("nft", "list", "tables"));
        String ipv4 = ns.exec("nft", "list", "table", "ip", "wg-quick-" + name);
        assertTrue(ipv4.contains("iifname != \"" + name + "\" ip daddr 172.16.1.1 fib saddr type != local drop"), ipv4);
        assertTrue(ipv4.contains("meta l4proto udp meta mark 0x0000ca6c ct mark set meta mark"), ipv4);
        String state = Files.readString(store.pathFor(name));
        assertTrue(state.contains("step nft 4 wg-quick-" + name + "\n") && state.contains("step nft 6 wg-quick-" + name + "\n"),
                state);

        gateway.close();
        assertEquals("", ns.exec("nft", "list", "tables"));
        assertFalse(rules().contains("51820"), rules());
        assertFalse(Files.exists(store.pathFor(name)));
    }

    @Test
    @RequiresCommands("nft")
    void aConfiguredFwMarkIsOnTheSocketFromTheStart() throws Exception {
        Gateway gateway = gateway(TestGateways.mainOffice(name, List.of("FwMark = 0x1234"),
                "AllowedIPs = 172.16.1.0/24, 192.168.1.0/24", "AllowedIPs = 0.0.0.0/0"), TransportKind.EPOLL);
        assertEquals(null, startInNamespace(gateway).get(60, TimeUnit.SECONDS));

        assertEquals(0x1234, gateway.fwMark());
        assertEquals(marks("0x1234", TransportKind.EPOLL), udpSocketMarks(ns, gateway.listenPort()));
        assertTrue(rules().contains("not from all fwmark 0x1234 lookup 4660"), rules());
        assertTrue(ns.exec("nft", "list", "table", "ip", "wg-quick-" + name)
                .contains("meta l4proto udp meta mark 0x00001234 ct mark set meta mark"));
    }

    @Test
    @RequiresCommands("nft")
    void withoutAFullTunnelTheSocketIsUnmarkedAndNoNftTableIsLoaded() throws Exception {
        Gateway gateway = gateway(TestGateways.mainOffice(name, List.of()), TransportKind.EPOLL);
        assertEquals(null, startInNamespace(gateway).get(60, TimeUnit.SECONDS));

        assertEquals(0, gateway.fwMark());
        assertEquals(marks("none", TransportKind.EPOLL), udpSocketMarks(ns, gateway.listenPort()));
        assertEquals("", ns.exec("nft", "list", "tables"));
    }

    @Test
    void theConfigsKeysAreWipedOnceTheEngineHasThemAndTheEnginesAtClose() throws Exception {
        WgQuickConfig config = TestGateways.mainOffice(name, List.of());
        byte[] privateKey = config.iface().privateKey().bytes();
        assertTrue(config.peers().getFirst().presharedKey().isPresent(), "the example has a preshared key");
        Gateway gateway = gateway(config, TransportKind.EPOLL);
        assertEquals(null, startInNamespace(gateway).get(60, TimeUnit.SECONDS));

        assertTrue(config.iface().privateKey().isZero(), "the config's copy is wiped");
        assertTrue(config.peers().getFirst().presharedKey().orElseThrow().isZero());
        assertArrayEquals(privateKey, gateway.onLoop(() -> gateway.engine().privateKey()), "the engine has it");
        assertFalse(gateway.onLoop(() -> Bytes.isAllZero(gateway.engine().peers().getFirst().handshake().presharedKey())));

        gateway.close();
        assertArrayEquals(new byte[32], gateway.engine().privateKey(), "the engine's is wiped at close");
        assertArrayEquals(new byte[32], gateway.engine().peers().getFirst().handshake().presharedKey());
    }

    /**
     * The Satellite sends everything into the tunnel ({@code AllowedIPs = 0.0.0.0/0}) and reaches the
     * Main Office's public address through its default route, with strict reverse-path filtering: the
     * encrypted packets must carry the fwmark to leave by the veth instead of looping into the tunnel,
     * and the replies must get it back from conntrack (the nft {@code premangle} rule) to pass
     * {@code rp_filter}, which otherwise looks their source up in the tunnel's table.
     *
     * <pre>
     * [ns: Satellite wgt-gwXXXX 172.16.1.2]  veth 203.0.113.2/24, default via 203.0.113.1
     *        |
     * [other: Main Office wgt-gwXXXXm 172.16.1.1, UDP 51820]  veth 203.0.113.1/24 + 198.51.100.2/32, lo 10.10.10.1
     * </pre>
     */
    @Test
    @RequiresCommands({"nft", "ping"})
    void fullTunnelTrafficCrossesWithStrictReversePathFiltering() throws Exception {
        other = NetNs.create("gateway-main");
        ns.ip("link", "add", "wgtsat", "type", "veth", "peer", "name", "wgtmain", "netns", other.name());
        ns.ip("address", "add", "203.0.113.2/24", "dev", "wgtsat");
        ns.ip("link", "set", "wgtsat", "up");
        ns.ip("route", "add", "default", "via", "203.0.113.1");
        ns.exec("sysctl", "-q", "-w", "net.ipv4.conf.all.rp_filter=1");
        other.ip("address", "add", "203.0.113.1/24", "dev", "wgtmain");
        other.ip("address", "add", "198.51.100.2/32", "dev", "wgtmain");
        other.ip("link", "set", "wgtmain", "up");
        // Replies to the Satellite leave from the address it sent to, so they match its conntrack entry.
        other.ip("route", "add", "203.0.113.2/32", "dev", "wgtmain", "src", "198.51.100.2");
        other.ip("address", "add", "10.10.10.1/32", "dev", "lo");

        String mainName = name + "m";
        CommandRunner inOther = runnerIn(other);
        Gateway main = gateway(TestGateways.mainOffice(mainName, List.of(), "ListenPort = 0", "ListenPort = 51820"),
                TransportKind.EPOLL, new LinkSetup(inOther, new NetStateStore(tmp.resolve("run-main"))),
                new HostLinks(inOther));
        assertEquals(null, startIn(other, main).get(60, TimeUnit.SECONDS));
        Gateway satellite = gateway(TestGateways.satellite(name, List.of(),
                "AllowedIPs = 172.16.1.0/24, 10.10.10.0/24", "AllowedIPs = 0.0.0.0/0"), TransportKind.EPOLL);
        assertEquals(null, startInNamespace(satellite).get(60, TimeUnit.SECONDS));
        assertEquals(marks("0xca6c", TransportKind.EPOLL), udpSocketMarks(ns, satellite.listenPort()));
        assertEquals("1", ns.exec("sysctl", "-n", "net.ipv4.conf.all.rp_filter").strip());

        // 10.10.10.1 is routed by the full tunnel only (table 51820), not by the Satellite's Address subnet.
        assertTrue(ns.exec("ip", "-4", "route", "get", "10.10.10.1").contains("dev " + name + " table 51820"),
                ns.exec("ip", "-4", "route", "get", "10.10.10.1"));
        long deadline = System.nanoTime() + 20_000_000_000L;
        io.wgate.tun.testing.CommandResult first;
        do {
            first = ns.run("ping", "-n", "-c", "1", "-W", "1", "10.10.10.1");
        } while (first.exitCode() != 0 && System.nanoTime() < deadline);
        assertEquals(0, first.exitCode(), "no reply within 20 s: " + first);
        io.wgate.tun.testing.CommandResult pings = ns.run("ping", "-n", "-c", "3", "-i", "0.2", "-W", "2", "10.10.10.1");
        assertEquals(0, pings.exitCode(), pings.toString());
        assertTrue(pings.stdout().contains("3 received"), pings.toString());

        // Without the conntrack restore rule, rp_filter drops the replies: the rule is what makes it work.
        ns.exec("nft", "flush", "chain", "ip", "wg-quick-" + name, "premangle");
        io.wgate.tun.testing.CommandResult withoutRestore = ns.run("ping", "-n", "-c", "2", "-i", "0.2", "-W", "1",
                "10.10.10.1");
        assertFalse(withoutRestore.exitCode() == 0, withoutRestore.toString());

        satellite.close();
        assertEquals("", ns.exec("nft", "list", "tables"));
        assertFalse(rules().contains("51820"), rules());
    }

    @Test
    @RequiresCommands("nft")
    void aDeadRunIsUndoneBeforeTheNewLinkExists() throws Exception {
        Path hooks = tmp.resolve("hooks.log");
        // What a SIGKILLed run left: its link (and with it the address) is gone, its policy rule and nft table are not.
        ns.ip("-4", "rule", "add", "not", "fwmark", "51820", "table", "51820");
        ns.exec("nft", "add", "table", "ip", "wg-quick-" + name);
        store.write(NetState.begin(name, List.of(linkProbe("pre-down", hooks)), List.of(linkProbe("post-down", hooks)))
                .plus(new NetStep.AddAddress(name, InterfaceAddress.parse("172.16.1.1/24")))
                .plus(new NetStep.AddRule(false, List.of("not", "fwmark", "51820", "table", "51820")))
                .plus(new NetStep.NftTable(false, "wg-quick-" + name)).completed());

        Gateway gateway = gateway(TestGateways.mainOffice(name, List.of()), TransportKind.EPOLL);
        assertEquals(null, startInNamespace(gateway).get(60, TimeUnit.SECONDS));

        assertEquals("pre-down 1\npost-down 1\n", Files.readString(hooks), "the old hooks ran without the new link");
        assertFalse(rules().contains("51820"), rules());
        assertEquals("", ns.exec("nft", "list", "tables"));
        assertTrue(ns.exec("ip", "-4", "address", "show", "dev", name).contains("inet 172.16.1.1/24"));
    }

    @Test
    @RequiresCommands("nft")
    void aStopDuringStartUpKillsTheHookAndUndoesEverything() throws Exception {
        Path hookPid = tmp.resolve("hook.pid");
        WgQuickConfig config = TestGateways.mainOffice(name, List.of("PostUp = echo $$ > " + hookPid + "; exec sleep 60"),
                "AllowedIPs = 172.16.1.0/24, 192.168.1.0/24", "AllowedIPs = 0.0.0.0/0");
        Gateway gateway = gateway(config, TransportKind.EPOLL);
        CompletableFuture<Exception> started = startInNamespace(gateway);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!Files.exists(hookPid) || Files.readString(hookPid).isBlank()) {
            assertFalse(started.isDone(), () -> "start-up ended early: " + started.join());
            assertTrue(System.nanoTime() < deadline, "the PostUp hook never ran");
            Thread.sleep(20);
        }
        assertTrue(rules().contains("51820"), "the policy rules are in place while PostUp runs");

        long stopStart = System.nanoTime();
        gateway.close(); // what the shutdown hook does on SIGTERM

        assertTrue(System.nanoTime() - stopStart < 20_000_000_000L, "close() waited for the 60 s hook");
        Exception failure = started.get(5, TimeUnit.SECONDS);
        assertInstanceOf(GatewayException.class, failure);
        assertTrue(failure.getMessage().contains("start-up stopped"), failure.getMessage());
        long pid = Long.parseLong(Files.readString(hookPid).strip());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the hook process survived");
        assertFalse(rules().contains("51820"), rules());
        assertEquals("", ns.exec("nft", "list", "tables"), "the nft tables survived");
        assertFalse(hostLinks.exists(name), "the TUN device survived");
        assertFalse(Files.exists(store.pathFor(name)), "the state file survived");
        assertFalse(Files.exists(Path.of("/var/run/wireguard", name + ".sock")), "the UAPI socket survived");
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void tearsDownLikeWgQuickWithTheTimersStoppedBeforeTheSockets(TransportKind transport) throws Exception {
        Assumptions.assumeTrue(available(transport), transport.label() + " is not available here");
        Path hooks = tmp.resolve("hooks.log");
        Gateway gateway = gateway(TestGateways.mainOffice(name, List.of("PreDown = " + linkProbe("pre-down", hooks),
                "PostDown = " + linkProbe("post-down", hooks))), transport);
        assertEquals(null, startInNamespace(gateway).get(60, TimeUnit.SECONDS));
        assertEquals(1420, gateway.mtu());

        List<String> steps = Collections.synchronizedList(new ArrayList<>());
        Logger logger = Logger.getLogger(Gateway.class.getName());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if ("{0}: {1}".equals(r.getMessage()) && name.equals(r.getParameters()[0])) {
                    steps.add((String) r.getParameters()[1]);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Level before = logger.getLevel();
        logger.setLevel(Level.FINE);
        logger.addHandler(handler);
        try {
            gateway.close();
        } finally {
            logger.removeHandler(handler);
            logger.setLevel(before);
        }

        assertEquals("pre-down 0\npost-down 1\n", Files.readString(hooks), "PreDown with the link, PostDown without");
        List<String> order = List.of("run the PreDown hooks and undo the host changes", "close the UAPI socket",
                "stop the engine's timers", "close the UDP sockets", "close the TUN device", "run the PostDown hooks",
                "log the drops and close the engine", "stop the event loop", "release the AEAD");
        assertEquals(order, steps.stream().filter(order::contains).toList(), steps.toString());
        assertFalse(hostLinks.exists(name));
        assertFalse(Files.exists(store.pathFor(name)));
    }

    private static boolean available(TransportKind transport) {
        try {
            transport.ensureAvailable();
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }
}
