package io.wgate.server.demo;

import static io.wgate.server.demo.Addressing.HOST_A;
import static io.wgate.server.demo.Addressing.HOST_A_V6;
import static io.wgate.server.demo.Addressing.HOST_B;
import static io.wgate.server.demo.Addressing.HOST_B_V6;
import static io.wgate.server.demo.Addressing.TUNNEL_MTU;
import static io.wgate.server.demo.GatewayLeaks.assertLeakDetectionOn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.server.net.CommandResult;
import io.wgate.tun.testing.Executables;
import io.wgate.tun.testing.Privileged;
import io.wgate.tun.testing.RequiresCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Traffic through tunnels whose wgate gateways run with every offload on (issue "Throughput I", item 4), in the
 * two-office network with IPv6 on the LANs and in the tunnel as well, checked where it arrives:
 *
 * <ul>
 *   <li>TCP over IPv6 (and IPv4) from Host A to Host B and back, 16 MiB each way over HTTP, checked by SHA-256;
 *   <li>UDP: 16 MiB from Host A to Host B over IPv4 and over IPv6 ({@link UdpTransfer}: sent as UDP GSO
 *       super-packets, windowed so that a correct path loses nothing, every datagram checked for order, length
 *       and content at the receiver), and an {@code iperf3 -u} run at 100 Mbit/s for 3 s (after a warm-up)
 *       whose receiver-side loss must stay under {@value #IPERF_MAX_LOSS_PERCENT} %;
 *   <li>checksums verified by the kernel: both gateways' LAN links to the hosts send with checksum offload off
 *       ({@code ethtool -K lan0 tx off}), so the super-packets a gateway writes into its TUN are cut and
 *       checksummed in software on the way out and the hosts' kernels verify every checksum (over veth, a packet
 *       the gateway wrote with {@code NEEDS_CSUM} would otherwise reach the host unverified). No checksum error
 *       counter ({@link KernelCounters#checksumErrors}: {@code TcpInCsumErrors}, {@code UdpInCsumErrors},
 *       {@code Udp6InCsumErrors}, {@code IpExtInCsumErrors}, ...) may grow in any of the five namespaces;
 *   <li>the offloads were really used: each wgate gateway reports all of them in its start-up line and in
 *       {@code wgate show}, before and after the traffic, logs no run-time fallback, and in every transfer its TUN
 *       device's counters ({@link LinkCounters}) show super-packets: read by the sending gateway (TSO, USO) when it
 *       is wgate, and written coalesced by the receiving one when both are wgate (a wgate receiver coalesced
 *       wireguard-go's traffic too, but that depends on how datagrams happen to bunch up, so it is only printed).
 * </ul>
 *
 * Once with wgate on both gateways (everything above), once with wgate on the Main Office and wireguard-go on the
 * Satellite (TCP over IPv6 each way and UDP over IPv6: wgate's offloads against an implementation without them).
 */
@Privileged
@RequiresCommands({"ping", "ethtool", "iperf3"})
class OffloadedTrafficIT {

    /** What a wgate gateway has in effect with every offload on (Linux 6.2 or later for the UDP parts). */
    static final String ALL_OFFLOADS = "tun: tso uso tcp-coalescing udp-coalescing; udp: gso gro";
    /** The warnings with which a gateway switches an offload off at run time. */
    static final List<String> FALLBACK_WARNINGS = List.of("refused a coalesced", "UDP GSO switched off");
    static final int TCP_BYTES = 16 << 20;
    static final long UDP_BYTES = 16 << 20;
    static final long TCP_SEED = 0x0FF_10ADL;
    static final int HTTP_PORT = 8000;
    static final int UDP_PORT = 9000;
    static final int IPERF_PORT = 5201;
    /**
     * iperf3 UDP: 1380-byte datagrams (1408-byte IPv4 packets, within the tunnel MTU) at 100 Mbit/s (9 000 a second),
     * the sockets with 400 KiB of buffer, about twice the usual default. (iperf3 fails when the kernel grants less
     * than {@code -w} asks for, and grants at most twice {@code net.core.rmem_max}, which is 212 992 by default.) At
     * 200 Mbit/s a 2-core machine shared with other work lost 0 to 29 % after the warm-up, mostly because the sending
     * gateway did not read its TUN queue fast enough; at 100 Mbit/s, 0 to 0.5 %.
     */
    static final List<String> IPERF_UDP = List.of("-u", "-l", "1380", "-b", "100M", "-w", "400K");
    /**
     * Generous: lost datagrams measure speed here, not correctness, which {@link UdpTransfer} checks datagram by
     * datagram. A fresh pair of gateways loses 25 to 50 % in its first second while the JIT compiles, hence the
     * warm-up.
     */
    static final double IPERF_MAX_LOSS_PERCENT = 20;
    static final String IPERF_WARM_UP_SECONDS = "2";
    /** Half the offered rate. */
    static final double IPERF_MIN_MEGABITS = 50;

    private TwoOffices offices;
    private Map<String, KernelCounters> countersAtStart;
    private Path www;
    private String tcpSha256;
    private long phaseStartNanos;

    @RegisterExtension
    final GatewayLogsOnFailure logs = new GatewayLogsOnFailure(() -> offices);

    @AfterEach
    void removeEverything() {
        OfficesTeardown.closeAndCheck(offices);
    }

    /** IP version of a transfer, with the hosts' addresses in it. */
    enum Family {
        IPV4(HOST_A, HOST_B), IPV6(HOST_A_V6, HOST_B_V6);

        final String hostA;
        final String hostB;

        Family(String hostA, String hostB) {
            this.hostA = hostA;
            this.hostB = hostB;
        }
    }

    /** Which way the data flows. */
    enum Direction { A_TO_B, B_TO_A }

    @Test
    void wgateOnBothGateways() throws Exception {
        start(GatewayKind.WGATE, GatewayKind.WGATE);
        for (Family family : List.of(Family.IPV6, Family.IPV4)) {
            tcp(family, Direction.A_TO_B);
            tcp(family, Direction.B_TO_A);
        }
        udp(Family.IPV4);
        udp(Family.IPV6);
        iperf3Udp();
        assertOffloadsInEffect();
    }

    @Test
    @RequiresCommands("wireguard-go")
    void wgateAgainstWireguardGo() throws Exception {
        start(GatewayKind.WGATE, GatewayKind.WIREGUARD_GO);
        tcp(Family.IPV6, Direction.A_TO_B);
        tcp(Family.IPV6, Direction.B_TO_A);
        udp(Family.IPV6);
        assertOffloadsInEffect();
    }

    /**
     * The network with IPv6, the gateways, first contact and pings over both families, the offloads checked, the
     * LAN links' checksum offload off, the checksum counters read.
     */
    private void start(GatewayKind main, GatewayKind satellite) throws Exception {
        phaseStartNanos = System.nanoTime();
        offices = TwoOffices.open(new TwoOffices.Options(main, satellite, EndpointMode.BOTH, TestRuntime.runtime())
                .withIpv6());
        offices.startGateways();
        assertLeakDetectionOn(offices);
        GatewayWorkers.assertCryptoWorkers(offices);
        Pinger pinger = new Pinger(offices.shell(), offices.options().runtime());
        SiteNames n = offices.names();
        PingResult contact = pinger.awaitReply(n.hostA(), HOST_B, Duration.ofSeconds(20));
        assertTrue(contact.received() > 0, "no first contact:\n" + contact.output());
        for (PingResult ping : List.of(pinger.ping(n.hostA(), HOST_B_V6, 3), pinger.ping(n.hostB(), HOST_A_V6, 3),
                pinger.ping(n.hostB(), HOST_A, 3))) {
            assertTrue(ping.allReplied(), ping.summary() + "\n" + ping.output());
        }
        assertOffloadsInEffect();
        for (String gatewayNs : List.of(n.main(), n.satellite())) {
            checksumsInSoftware(gatewayNs, "lan0");
        }
        countersAtStart = checksumCounters();
        www = Files.createDirectory(offices.workDir().resolve("www"));
        tcpSha256 = SeededBytes.writeFile(www.resolve("blob.bin"), TCP_BYTES, TCP_SEED);
        phase("network (IPv4 and IPv6), gateways (Main " + main + ", Satellite " + satellite + "), pings");
    }

    /** Prints how long the phase that just ended took. */
    private void phase(String name) {
        long now = System.nanoTime();
        System.out.printf("  %-75s %6.1f s%n", name, (now - phaseStartNanos) / 1e9);
        phaseStartNanos = now;
    }

    // ------------------------------------------------------------------------------------------ the offloads

    /**
     * Every wgate gateway has all offloads in effect: its start-up line and {@code wgate show} say so, and it logged
     * no run-time fallback (at once, where the file behind {@code wgate show} is refreshed every 5 s).
     */
    private void assertOffloadsInEffect() throws IOException {
        for (Gateway gateway : offices.gateways()) {
            if (gateway.kind() != GatewayKind.WGATE) {
                continue;
            }
            String log = gateway.log();
            Matcher up = Pattern.compile(": up .*, listening .*, offloads (.*)").matcher(log);
            assertTrue(up.find(), gateway + " logged no start-up line:\n" + gateway.logTail(20));
            assertEquals(ALL_OFFLOADS, up.group(1).strip(), gateway + ": offloads in its start-up line");
            assertEquals(ALL_OFFLOADS, shownOffloads(gateway), gateway + ": offloads in 'wgate show'");
            for (String warning : FALLBACK_WARNINGS) {
                assertTrue(log.lines().noneMatch(l -> l.contains(warning)), gateway
                        + " switched an offload off at run time:\n" + log.lines().filter(l -> l.contains(warning))
                        .findFirst().orElse(""));
            }
        }
    }

    /** The {@code offloads:} line of {@code wgate show IF}, run in the gateway's namespace. */
    private String shownOffloads(Gateway gateway) throws IOException {
        List<String> command = new ArrayList<>(List.of("env", "-u", "WGATE_RUN_DIR")); // where the gateway writes
        command.addAll(offices.options().runtime().wgate("show", gateway.interfaceName()));
        CommandResult shown = offices.shell().check(Duration.ofSeconds(60),
                offices.shell().inNamespace(gateway.namespace(), command));
        Matcher m = Pattern.compile("(?m)^\\s*offloads: (.*)$").matcher(shown.stdout());
        assertTrue(m.find(), "'wgate show' printed no offloads line for " + gateway + ":\n" + shown.stdout());
        return m.group(1).strip();
    }

    /** Whether both gateways are wgate: then the receiving one must write coalesced super-packets. */
    private boolean bothWgate() {
        return offices.main().kind() == GatewayKind.WGATE && offices.satellite().kind() == GatewayKind.WGATE;
    }

    /**
     * After a transfer: the sending gateway's TUN handed it super-packets to read and the receiving one took
     * coalesced super-packets (each checked when that gateway is wgate and, for the receiving side, when the
     * sender is wgate too, whose UDP GSO sends are what arrive as one coalesced read).
     */
    private void assertSuperPackets(String what, Gateway sender, LinkCounters sent, Gateway receiver,
                                    LinkCounters received) {
        System.out.println(what + ": " + sender.office() + " TUN: " + sent + "; " + receiver.office() + " TUN: "
                + received);
        if (sender.kind() == GatewayKind.WGATE) {
            assertTrue(sent.superPacketsRead(TUNNEL_MTU), what + ": " + sender + " read no super-packet from its TUN"
                    + " (" + sent + ")");
        }
        if (bothWgate()) {
            assertTrue(received.superPacketsWritten(TUNNEL_MTU), what + ": " + receiver + " wrote no coalesced"
                    + " super-packet into its TUN (" + received + ")");
        }
    }

    // ------------------------------------------------------------------------------------------ checksums

    /**
     * Checksum offload off on {@code device} in {@code namespace} ({@code ethtool -K DEV tx off}, which takes TCP and
     * UDP segmentation with it): what leaves there towards a host is segmented and checksummed in software. (Linux
     * 6.18 keeps {@code tx-tcp-accecn-segmentation} on, so the summary {@code tcp-segmentation-offload} stays on; the
     * features that matter are checked one by one.)
     */
    private void checksumsInSoftware(String namespace, String device) throws IOException {
        String ethtool = Executables.require("ethtool").toString();
        offices.shell().checkIn(Shell.DEFAULT_TIMEOUT, namespace, ethtool, "-K", device, "tx", "off");
        String features = offices.shell().checkIn(Shell.DEFAULT_TIMEOUT, namespace, ethtool, "-k", device).stdout();
        for (String feature : List.of("tx-checksumming", "tx-tcp-segmentation", "tx-tcp6-segmentation",
                "tx-udp-segmentation")) {
            assertTrue(Pattern.compile("(?m)^\\s*" + feature + ": off").matcher(features).find(),
                    namespace + " " + device + ": " + feature + " still on after tx off:\n" + features);
        }
    }

    /** Each namespace's kernel counters, Host A first. */
    private Map<String, KernelCounters> checksumCounters() throws IOException {
        Map<String, KernelCounters> counters = new LinkedHashMap<>();
        for (String ns : offices.names().namespaces()) {
            counters.put(ns, KernelCounters.read(offices.shell(), ns));
        }
        return counters;
    }

    /** No checksum error counter grew in any namespace since the traffic began. */
    private void assertNoChecksumErrors(String what) throws IOException {
        Map<String, KernelCounters> now = checksumCounters();
        Map<String, Map<String, Long>> grown = new LinkedHashMap<>();
        now.forEach((ns, counters) -> {
            Map<String, Long> growth = counters.checksumErrorsSince(countersAtStart.get(ns));
            if (!growth.isEmpty()) {
                grown.put(ns, growth);
            }
        });
        assertTrue(grown.isEmpty(), what + ": the kernel found bad checksums (growth per namespace): " + grown);
    }

    // ------------------------------------------------------------------------------------------ transfers

    /** 16 MiB over HTTP: the receiving host fetches from the sending one; SHA-256, checksums and super-packets. */
    private void tcp(Family family, Direction direction) throws Exception {
        SiteNames n = offices.names();
        boolean aToB = direction == Direction.A_TO_B;
        String serverNs = aToB ? n.hostA() : n.hostB();
        String clientNs = aToB ? n.hostB() : n.hostA();
        String serverAddress = aToB ? family.hostA : family.hostB;
        Gateway sender = aToB ? offices.main() : offices.satellite();
        Gateway receiver = aToB ? offices.satellite() : offices.main();
        String what = "TCP over " + family + (aToB ? ", Host A -> Host B" : ", Host B -> Host A");
        WebServer server = offices.track(WebServer.launch(offices.shell(), offices.options().runtime(), serverNs,
                serverAddress, HTTP_PORT, www, offices.workDir().resolve("jwebserver-" + family + "-" + direction
                        + ".log"))).awaitReady();
        LinkCounters sentBefore = tun(sender);
        LinkCounters receivedBefore = tun(receiver);
        CommandResult fetched;
        try {
            fetched = offices.shell().run(Duration.ofSeconds(60), offices.shell().inNamespace(clientNs,
                    offices.options().runtime().tool(Fetch.class, server.url("blob.bin"))));
        } catch (IOException e) { // timed out: bad checksums would explain it
            assertNoChecksumErrors(what);
            throw e;
        }
        LinkCounters sent = tun(sender).since(sentBefore);
        LinkCounters received = tun(receiver).since(receivedBefore);
        server.close();
        System.out.println(what + ": " + fetched.stdout().strip());
        assertNoChecksumErrors(what);
        FetchResult result = FetchResult.parse(fetched.stdout()).orElseThrow(() -> new AssertionError(
                what + ": fetch printed no result: " + fetched.stdout() + fetched.stderr()));
        assertEquals(200, result.status(), what);
        assertEquals(TCP_BYTES, result.bytes(), what);
        assertEquals(tcpSha256, result.sha256(), what + ": content differs");
        assertSuperPackets(what, sender, sent, receiver, received);
        phase(what + ", 16 MiB");
    }

    /** 16 MiB of UDP from Host A to Host B ({@link UdpTransfer}), every datagram checked at the receiver. */
    private void udp(Family family) throws Exception {
        SiteNames n = offices.names();
        String what = "UDP over " + family + ", Host A -> Host B";
        Path receiverLog = offices.workDir().resolve("udp-receiver-" + family + ".log");
        Process receiverProcess = startTracked(offices.shell().inNamespace(n.hostB(), UdpTransfer.command("receive",
                family.hostB, Integer.toString(UDP_PORT), Long.toString(UDP_BYTES))), receiverLog);
        awaitOutput(receiverProcess, receiverLog, UdpTransfer.LISTENING);
        LinkCounters sentBefore = tun(offices.main());
        LinkCounters receivedBefore = tun(offices.satellite());
        CommandResult sender = offices.shell().run(Duration.ofSeconds(120), offices.shell().inNamespace(n.hostA(),
                UdpTransfer.command("send", family.hostB, Integer.toString(UDP_PORT), Long.toString(UDP_BYTES))));
        boolean receiverDone = receiverProcess.waitFor(UdpTransfer.IDLE_TIMEOUT_MILLIS + 10_000L,
                TimeUnit.MILLISECONDS);
        LinkCounters sent = tun(offices.main()).since(sentBefore);
        LinkCounters received = tun(offices.satellite()).since(receivedBefore);
        String receiverOutput = Files.readString(receiverLog);
        String context = what + "\nsender (exit " + sender.exitCode() + "): " + sender.stdout().strip()
                + sender.stderr().strip() + "\nreceiver" + (receiverDone ? " (exit " + receiverProcess.exitValue()
                + ")" : " (still running)") + ": " + receiverOutput.strip();
        System.out.println(context);
        assertNoChecksumErrors(what);
        assertTrue(receiverDone, "the receiver did not finish\n" + context);
        UdpTransfer.Result result = UdpTransfer.Result.parse(receiverOutput).orElseThrow(() -> new AssertionError(
                "the receiver printed no result\n" + context));
        String expectedSha256 = SeededBytes.sha256(UdpTransfer.SEED, UDP_BYTES);
        assertEquals(0, result.anomalies(), "datagrams lost, out of order, repeated or resized\n" + context);
        assertEquals(UdpTransfer.datagrams(UDP_BYTES), result.datagrams(), "datagrams missing at the end\n"
                + context);
        assertEquals(UDP_BYTES, result.bytes(), context);
        assertEquals(expectedSha256, result.sha256(), "content differs\n" + context);
        assertEquals(0, sender.exitCode(), context);
        assertTrue(sender.stdout().contains("sha256 " + expectedSha256), "the sender sent other bytes\n" + context);
        assertEquals(0, receiverProcess.exitValue(), context);
        assertSuperPackets(what, offices.main(), sent, offices.satellite(), received);
        phase(what + ", 16 MiB");
    }

    /**
     * iperf3 UDP at 100 Mbit/s for 3 s from Host A to Host B over IPv4, after a 2-second run that warms the
     * gateways' UDP path up (unchecked: cold, a gateway's TUN queue overflows while its JIT compiles); the
     * receiver's loss must stay under {@link #IPERF_MAX_LOSS_PERCENT} and its rate over {@link #IPERF_MIN_MEGABITS}.
     */
    private void iperf3Udp() throws Exception {
        SiteNames n = offices.names();
        Iperf3Udp warmUp = iperf3Udp(IPERF_WARM_UP_SECONDS);
        System.out.println("iperf3 warm-up, " + IPERF_WARM_UP_SECONDS + " s: " + warmUp);
        Map<String, KernelCounters> before = checksumCounters();
        LinkCounters tunBefore = tun(offices.main());
        Iperf3Udp result = iperf3Udp("3");
        LinkCounters tun = tun(offices.main()).since(tunBefore);
        Map<String, KernelCounters> after = checksumCounters();
        String context = "iperf3 " + String.join(" ", IPERF_UDP) + " -t 3: " + result + "; dropped by Host B's"
                + " socket buffer " + (after.get(n.hostB()).get("UdpRcvbufErrors")
                - before.get(n.hostB()).get("UdpRcvbufErrors")) + ", unread in the Main Office TUN " + tun.txDropped();
        System.out.println(context);
        assertNoChecksumErrors("iperf3 UDP");
        assertTrue(result.lostPercent() <= IPERF_MAX_LOSS_PERCENT, "too much lost: " + context);
        assertTrue(result.megabitsPerSecond() >= IPERF_MIN_MEGABITS, "too slow: " + context);
        phase("iperf3 UDP over IPV4, Host A -> Host B, " + IPERF_WARM_UP_SECONDS + " s + 3 s");
    }

    /** One iperf3 UDP run of {@code seconds} from Host A to Host B over IPv4: what the receiver counted. */
    private Iperf3Udp iperf3Udp(String seconds) throws Exception {
        SiteNames n = offices.names();
        String iperf3 = Executables.require("iperf3").toString();
        Path serverLog = offices.workDir().resolve("iperf3-server-" + seconds + ".log");
        Process server = startTracked(offices.shell().inNamespace(n.hostB(), List.of(iperf3, "-s", "-1", "-B", HOST_B,
                "-p", Integer.toString(IPERF_PORT), "--forceflush")), serverLog);
        awaitOutput(server, serverLog, "Server listening");
        List<String> client = new ArrayList<>(List.of(iperf3, "-c", HOST_B, "-p", Integer.toString(IPERF_PORT), "-J",
                "-t", seconds));
        client.addAll(IPERF_UDP);
        CommandResult run = offices.shell().run(Duration.ofSeconds(60), offices.shell().inNamespace(n.hostA(), client));
        assertTrue(server.waitFor(10, TimeUnit.SECONDS), "the iperf3 server did not finish:\n"
                + Files.readString(serverLog));
        return Iperf3Udp.parse(run.stdout()).orElseThrow(() -> new AssertionError(
                "iperf3 printed no receiver figures (exit " + run.exitCode() + "):\n" + run.stdout() + run.stderr()));
    }

    /** The kernel's counters of a gateway's TUN device. */
    private LinkCounters tun(Gateway gateway) throws IOException {
        return LinkCounters.read(offices.shell(), gateway.namespace(), gateway.interfaceName());
    }

    /** Starts {@code command} with its output in {@code log}; stopped by {@link TwoOffices#close} at the latest. */
    private Process startTracked(List<String> command, Path log) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        offices.track(() -> {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        });
        return process;
    }

    /** Waits until {@code process} has written {@code text} to {@code log}. */
    private static void awaitOutput(Process process, Path log, String text) throws Exception {
        long deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(Files.exists(log) && Files.readString(log).contains(text))) {
            if (!process.isAlive() || System.nanoTime() - deadlineNanos > 0) {
                throw new AssertionError("never printed '" + text + "':\n" + (Files.exists(log)
                        ? Files.readString(log) : "(no output)"));
            }
            Thread.sleep(50);
        }
    }
}
