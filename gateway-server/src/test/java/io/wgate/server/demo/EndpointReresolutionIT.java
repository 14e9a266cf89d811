package io.wgate.server.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.metrics.ListenAddress;
import io.wgate.server.gateway.GatewayOptions;
import io.wgate.tun.testing.Privileged;
import io.wgate.tun.testing.RequiresCommands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A peer whose endpoint is a host name moves, its name follows, and traffic resumes without restarting wgate.
 *
 * <p>wgate runs in namespace W with {@code Endpoint = far.rr19.test:51820}, a name only W's hosts file knows
 * ({@code /etc/netns/W/hosts}, which {@code ip netns exec} mounts over {@code /etc/hosts}). wireguard-go runs in
 * namespace P, one veth away, as a responder: it knows no endpoint for wgate and keeps no keepalive. The far gateway
 * then restarts on a new address (198.51.100.2 becomes 198.51.100.3): a fresh wireguard-go remembers nothing of
 * wgate, so it never speaks first and roaming cannot bring the tunnel back (a peer that only moved would, within
 * 15 s, by its own new-handshake timer). W's hosts file is rewritten in place (the bind mount holds the file, not its
 * name), and a ping through the tunnel must get through again: by the periodic lookup (a 2 s interval) in one test,
 * by the stale-tunnel lookup (latest handshake older than 135 s while an initiation waits for its answer; no periodic
 * lookups) in the other.
 */
@Privileged
@RequiresCommands("wireguard-go")
class EndpointReresolutionIT {

    private static final String HOST = "far.rr19.test";
    private static final String WGATE_WAN = "198.51.100.1";
    private static final String PEER_WAN = "198.51.100.2";
    private static final String PEER_MOVED_WAN = "198.51.100.3";
    private static final String WGATE_TUNNEL = "10.19.0.1";
    private static final String PEER_TUNNEL = "10.19.0.2";
    private static final String METRICS = "127.0.0.1:9586";

    private final Shell shell = new Shell();
    private final String tag = HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    private final String wgateNs = "rr19w-" + tag;
    private final String peerNs = "rr19p-" + tag;
    private final String peerVeth = "rr19b" + tag;
    private final Path etcNetns = Path.of("/etc/netns", wgateNs);
    private final List<ChildProcessGateway> gateways = new ArrayList<>();
    private Path workDir;
    private Pinger ping;
    private OfficeConfig peerConfig;
    private WireguardGoGateway peer;

    @BeforeEach
    void network() throws IOException {
        workDir = WorkDir.create();
        ping = new Pinger(shell, TestRuntime.runtime());
        shell.ipHost("netns", "add", wgateNs);
        shell.ipHost("netns", "add", peerNs);
        shell.ipHost("link", "add", "rr19a" + tag, "netns", wgateNs, "type", "veth", "peer", "name", peerVeth,
                "netns", peerNs);
        shell.ipIn(wgateNs, "addr", "add", WGATE_WAN + "/24", "dev", "rr19a" + tag);
        shell.ipIn(peerNs, "addr", "add", PEER_WAN + "/24", "dev", peerVeth);
        for (String ns : List.of(wgateNs, peerNs)) {
            shell.ipIn(ns, "link", "set", "lo", "up");
        }
        shell.ipIn(wgateNs, "link", "set", "rr19a" + tag, "up");
        shell.ipIn(peerNs, "link", "set", peerVeth, "up");
        Files.createDirectories(etcNetns);
        writeHosts(PEER_WAN);
    }

    @AfterEach
    void removeEverything() throws IOException {
        List<String> problems = new ArrayList<>();
        for (ChildProcessGateway gateway : gateways) {
            problems.addAll(gateway.stop());
        }
        for (String ns : List.of(wgateNs, peerNs)) {
            shell.run(List.of(shell.ip(), "netns", "del", ns));
        }
        Files.deleteIfExists(etcNetns.resolve("hosts"));
        Files.deleteIfExists(etcNetns);
        if (workDir != null) {
            WorkDir.delete(workDir);
        }
        assertEquals(List.of(), problems);
    }

    /** Rewrites W's hosts file in place: a new file (rename) would leave a running process the old one. */
    private void writeHosts(String address) throws IOException {
        Files.writeString(etcNetns.resolve("hosts"), "127.0.0.1 localhost\n" + address + " " + HOST + "\n",
                StandardCharsets.UTF_8);
    }

    /**
     * wgate in W (re-resolving every {@code interval}, metrics on W's loopback) and wireguard-go in P, a first ping
     * through the tunnel.
     */
    private WgateGateway startBoth(String interval) throws IOException {
        SecureRandom random = new SecureRandom();
        KeyPair wgateKeys = KeyPair.generate(random);
        KeyPair peerKeys = KeyPair.generate(random);
        OfficeConfig wgateConfig = new OfficeConfig("rr19w" + tag, wgateKeys, WGATE_TUNNEL + "/24", 1420, 51820,
                peerKeys.publicKey(), List.of(PEER_TUNNEL + "/32"), Optional.of(HOST + ":51820"));
        peerConfig = new OfficeConfig("rr19p" + tag, peerKeys, PEER_TUNNEL + "/24", 1420, 51820,
                wgateKeys.publicKey(), List.of(WGATE_TUNNEL + "/32"), Optional.empty());

        startPeer("wireguard-go.log");
        WgateGateway wgate = WgateGateway.launch(shell, TestRuntime.runtime(), "near office", wgateNs, wgateConfig,
                wgateConfig.writeTo(workDir), workDir.resolve("wgate.log"),
                Map.of(GatewayOptions.RERESOLVE_VARIABLE, interval, ListenAddress.ENVIRONMENT_VARIABLE, METRICS));
        gateways.add(wgate);
        wgate.awaitServing();
        PingResult first = ping.awaitReply(wgateNs, PEER_TUNNEL, Duration.ofSeconds(30));
        assertTrue(first.received() > 0, "no first reply through the tunnel:\n" + first.output() + "\n" + wgate.logTail(30));
        return wgate;
    }

    private void startPeer(String log) throws IOException {
        peer = WireguardGoGateway.launch(shell, "far office", peerNs, peerConfig, workDir,
                workDir.resolve(log));
        gateways.add(peer);
        peer.awaitServing();
    }

    /** The far gateway stops and starts again, fresh, on a new address; nothing gets through until wgate finds it. */
    private void restartPeerElsewhere() throws IOException {
        assertEquals(List.of(), peer.stop());
        shell.ipIn(peerNs, "addr", "del", PEER_WAN + "/24", "dev", peerVeth);
        shell.ipIn(peerNs, "addr", "add", PEER_MOVED_WAN + "/24", "dev", peerVeth);
        startPeer("wireguard-go-moved.log");
    }

    private static void assertReResolved(WgateGateway wgate) {
        String line = "endpoint " + HOST + " re-resolved: " + PEER_WAN + ":51820 -> " + PEER_MOVED_WAN + ":51820";
        assertTrue(wgate.log().contains(line), "no '" + line + "' in the log:\n" + wgate.logTail(30));
    }

    /** The re-resolution counter of wgate's /metrics, as curl reads it inside W. */
    private long reresolutions() throws IOException {
        String text = shell.checkIn(Duration.ofSeconds(10), wgateNs, "curl", "-sS", "--max-time", "5",
                "http://" + METRICS + "/metrics").stdout();
        return text.lines().filter(l -> l.startsWith("wgate_endpoint_reresolutions_total{"))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no wgate_endpoint_reresolutions_total in\n" + text));
    }

    @Test
    @RequiresCommands("curl")
    void thePeriodicLookupFindsAPeerThatMovedAndTrafficResumes() throws IOException {
        WgateGateway wgate = startBoth("2s");
        assertEquals(0, reresolutions());
        restartPeerElsewhere();
        assertEquals(0, ping.ping(wgateNs, PEER_TUNNEL, 1).received(), "a reply before the name moved");
        writeHosts(PEER_MOVED_WAN);
        long startNanos = System.nanoTime();
        // The lookup comes within 2 s; the old session's packets mean nothing to the fresh peer, so wgate's
        // new-handshake timer (15 s after the first unanswered packet) starts the handshake that brings it back.
        PingResult after = ping.awaitReply(wgateNs, PEER_TUNNEL, Duration.ofSeconds(40));
        assertTrue(after.received() > 0, "no reply after the name moved:\n" + after.output() + "\n" + wgate.logTail(30));
        assertReResolved(wgate);
        assertEquals(1, reresolutions());
        assertTrue(wgate.isAlive(), "wgate was restarted or died");
        System.out.printf("traffic resumed %d ms after the hosts file changed (periodic lookup every 2 s, then wgate's new handshake)%n",
                (System.nanoTime() - startNanos) / 1_000_000);
    }

    @Test
    void aStaleTunnelLooksTheNameUpAgainWithoutPeriodicLookups() throws IOException {
        WgateGateway wgate = startBoth("0");
        long handshakeNanos = System.nanoTime();
        restartPeerElsewhere();
        writeHosts(PEER_MOVED_WAN);
        // Pings keep initiations going; past 135 s after the handshake, the next waiting initiation makes wgate look
        // the name up (within a 2 s poll), and the next retransmission (5 s) goes to the new address.
        PingResult after = ping.awaitReply(wgateNs, PEER_TUNNEL, Duration.ofSeconds(200));
        long seconds = (System.nanoTime() - handshakeNanos) / 1_000_000_000L;
        assertTrue(after.received() > 0, "no reply after the name moved:\n" + after.output() + "\n" + wgate.logTail(30));
        assertTrue(seconds >= 130, "traffic resumed after " + seconds + " s, before the tunnel went stale: not"
                + " through the stale-tunnel lookup\n" + wgate.logTail(30));
        assertReResolved(wgate);
        System.out.printf("traffic resumed %d s after the last handshake (stale-tunnel lookup)%n", seconds);
    }
}
