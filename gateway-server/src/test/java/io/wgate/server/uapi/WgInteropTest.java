package io.wgate.server.uapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.wgate.core.Engine;
import io.wgate.core.peer.Peer;
import io.wgate.core.route.Prefix;
import io.wgate.server.config.WgKey;
import io.wgate.tun.testing.Executables;
import io.wgate.tun.testing.Privileged;
import io.wgate.tun.testing.RequiresCommands;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code wg} (wireguard-tools) against a {@link UapiServer} in {@code /var/run/wireguard}, the
 * only place {@code wg} looks. Each test uses an interface name of its own ({@code wgt-uapiNNNN}) and
 * removes its socket.
 *
 * <p>Needs root (for {@code /var/run/wireguard}; no network administration) and {@code wg}: skipped with a
 * reason otherwise, but failed when {@code CI=true}.
 */
@Privileged(network = false)
@RequiresCommands("wg")
@Timeout(60)
class WgInteropTest {

    @TempDir
    Path tmp;

    private String ifname;
    private MultiThreadIoEventLoopGroup group;
    private EventLoop loop;
    private Engine engine;
    private UdpTestDevice device;
    private UapiServer server;

    @BeforeEach
    void start() throws Exception {
        ifname = "wgt-uapi" + ThreadLocalRandom.current().nextInt(1000, 10000);
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        loop = group.next();
        engine = TestEngines.engine(7);
        device = new UdpTestDevice(engine);
        server = UapiServer.start(ifname, device, loop);
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            Path socket = server.socketPath();
            server.close();
            assertFalse(Files.exists(socket), "close removes " + socket);
        }
        if (group != null) {
            onLoop(() -> {
                device.close();
                engine.close();
                return null;
            });
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return loop.submit(task).get(10, TimeUnit.SECONDS);
    }

    private record Result(int exit, String out, String err) {
    }

    private Result wg(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Executables.require("wg").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("WG_HIDE_KEYS");
        builder.environment().remove("WG_COLOR_MODE");
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        byte[] err = process.getErrorStream().readAllBytes();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("wg " + String.join(" ", args) + " did not finish");
        }
        return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8),
                new String(err, StandardCharsets.UTF_8));
    }

    private Result wgOk(String... args) throws Exception {
        Result result = wg(args);
        assertEquals(0, result.exit(), "wg " + String.join(" ", args) + ": " + result.err());
        return result;
    }

    private Path secretFile(String name, String content) throws IOException {
        Path file = tmp.resolve(name);
        Files.writeString(file, content, StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static String base64(byte[] key) {
        return WgKey.of(key).toBase64();
    }

    @Test
    void wgSetShowShowconfAndSyncconf() throws Exception {
        Path privateKey = secretFile("private.key", base64(TestEngines.privateKey(1)) + "\n");
        String peer2 = base64(TestEngines.publicKey(2));
        wgOk("set", ifname, "private-key", privateKey.toString(), "listen-port", "0", "peer", peer2,
                "allowed-ips", "10.0.0.0/24,fd00::/64", "endpoint", "192.0.2.1:51820", "persistent-keepalive", "25");

        int port = device.listenPort();
        assertNotEquals(0, port, "listen-port 0 bound a random port");
        onLoop(() -> {
            assertEquals(base64(TestEngines.publicKey(1)), base64(engine.publicKey()));
            Peer peer = engine.peer(TestEngines.publicKey(2));
            assertEquals(new InetSocketAddress("192.0.2.1", 51820), peer.endpoint());
            assertEquals(25, peer.persistentKeepaliveSeconds());
            assertEquals(List.of(Prefix.parse("10.0.0.0/24"), Prefix.parse("fd00::/64")), engine.allowedIps(peer));
            assertEquals(Long.MIN_VALUE, engine.nextDeadlineNanos(), "keepalive owed at the next tick");
            return null;
        });

        String show = wgOk("show", ifname).out();
        assertEquals("""
                interface: %s
                  public key: %s
                  private key: (hidden)
                  listening port: %d

                peer: %s
                  endpoint: 192.0.2.1:51820
                  allowed ips: 10.0.0.0/24, fd00::/64
                  persistent keepalive: every 25 seconds
                """.formatted(ifname, base64(TestEngines.publicKey(1)), port, peer2), show);
        try (UapiClient client = UapiClient.connect(ifname)) {
            assertEquals(show, ShowFormatter.format(client.get(), System.currentTimeMillis() / 1000),
                    "ShowFormatter renders as wg show does");
        }

        assertEquals("""
                [Interface]
                ListenPort = %d
                PrivateKey = %s

                [Peer]
                PublicKey = %s
                AllowedIPs = 10.0.0.0/24, fd00::/64
                Endpoint = 192.0.2.1:51820
                PersistentKeepalive = 25
                """.formatted(port, base64(TestEngines.privateKey(1)), peer2), wgOk("showconf", ifname).out());

        assertTrue(wgOk("show", "interfaces").out().strip().contains(ifname));

        String peer3 = base64(TestEngines.publicKey(3));
        String peer4 = base64(TestEngines.publicKey(4));
        wgOk("set", ifname, "peer", peer4, "allowed-ips", "10.4.0.0/16");
        Path conf = secretFile("sync.conf", """
                [Interface]
                PrivateKey = %s
                ListenPort = %d

                [Peer]
                PublicKey = %s
                AllowedIPs = 10.9.0.0/16
                Endpoint = [2001:db8::2]:51821

                [Peer]
                PublicKey = %s
                PresharedKey = %s
                AllowedIPs = 10.3.0.0/16, 10.4.0.0/16
                """.formatted(base64(TestEngines.privateKey(1)), port, peer2, peer3, base64(TestEngines.privateKey(9))));
        wgOk("syncconf", ifname, conf.toString());
        onLoop(() -> {
            assertEquals(2, engine.peers().size());
            assertNull(engine.peer(TestEngines.publicKey(4)), "syncconf removes peers not in the file");
            Peer two = engine.peer(TestEngines.publicKey(2));
            assertEquals(List.of(Prefix.parse("10.9.0.0/16")), engine.allowedIps(two));
            assertEquals(new InetSocketAddress("2001:db8::2", 51821), two.endpoint());
            Peer three = engine.peer(TestEngines.publicKey(3));
            assertTrue(three.handshake().hasPresharedKey());
            assertEquals(List.of(Prefix.parse("10.3.0.0/16"), Prefix.parse("10.4.0.0/16")), engine.allowedIps(three));
            return null;
        });
        assertEquals(port, device.listenPort(), "the same port is not rebound");

        wgOk("set", ifname, "peer", peer3, "remove");
        onLoop(() -> {
            assertNull(engine.peer(TestEngines.publicKey(3)));
            return null;
        });
    }

    @Test
    void wgReportsAPortInUseAndNothingChanges() throws Exception {
        wgOk("set", ifname, "listen-port", "0");
        try (DatagramSocket busy = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            String before;
            try (UapiClient client = UapiClient.connect(ifname)) {
                before = client.get().toString();
            }
            Result result = wg("set", ifname, "listen-port", Integer.toString(busy.getLocalPort()), "peer",
                    base64(TestEngines.publicKey(2)), "allowed-ips", "10.0.0.0/8");
            assertEquals(1, result.exit());
            assertTrue(result.err().contains("Address already in use"), result.err());
            try (UapiClient client = UapiClient.connect(ifname)) {
                assertEquals(before, client.get().toString());
            }
            assertEquals(0, (int) onLoop(() -> engine.peers().size()));
        }
    }

    @Test
    void everythingWgSendsParses() throws Exception {
        String capture = ifname.replace("uapi", "cap");
        String key1 = TestEngines.privateHex(1);
        String pub2 = TestEngines.publicHex(2);
        String pub3 = TestEngines.publicHex(3);
        String running = "private_key=" + key1 + "\nlisten_port=51820\npublic_key=" + pub3
                + "\npreshared_key=" + "0".repeat(64) + "\nprotocol_version=1\npersistent_keepalive_interval=0\n";
        Path privateKey = secretFile("private.key", base64(TestEngines.privateKey(1)) + "\n");
        Path conf = secretFile("wg.conf", """
                [Interface]
                PrivateKey = %s
                ListenPort = 51821
                FwMark = 0x20

                [Peer]
                PublicKey = %s
                PresharedKey = %s
                AllowedIPs = 10.0.0.0/24, fd00::/64
                Endpoint = [2001:db8::1]:51820
                PersistentKeepalive = 25
                """.formatted(base64(TestEngines.privateKey(1)), base64(TestEngines.publicKey(2)),
                base64(TestEngines.privateKey(9))));
        try (RecordingUapiDaemon daemon = new RecordingUapiDaemon(
                Path.of("/var/run/wireguard", capture + ".sock"), running)) {
            wgOk("set", capture, "private-key", privateKey.toString(), "listen-port", "0", "peer",
                    base64(TestEngines.publicKey(2)), "allowed-ips", "10.0.0.0/24,fd00::/64", "endpoint",
                    "192.0.2.1:51820", "persistent-keepalive", "25");
            wgOk("set", capture, "fwmark", "off", "private-key", "/dev/null", "peer", base64(TestEngines.publicKey(2)),
                    "remove");
            wgOk("setconf", capture, conf.toString());
            wgOk("addconf", capture, conf.toString());
            wgOk("syncconf", capture, conf.toString());
            List<String> bodies = daemon.setBodies();
            assertEquals(5, bodies.size(), String.valueOf(daemon.requests));
            assertEquals("private_key=" + key1 + "\nlisten_port=0\npublic_key=" + pub2
                    + "\nendpoint=192.0.2.1:51820\npersistent_keepalive_interval=25\nreplace_allowed_ips=true\n"
                    + "allowed_ip=10.0.0.0/24\nallowed_ip=fd00::/64\n", bodies.get(0));
            assertEquals("private_key=" + "0".repeat(64) + "\nfwmark=0\npublic_key=" + pub2 + "\nremove=true\n",
                    bodies.get(1));
            assertTrue(bodies.get(2).contains("replace_peers=true\n"), bodies.get(2));
            assertFalse(bodies.get(3).contains("replace_peers"), "addconf keeps other peers: " + bodies.get(3));
            assertTrue(bodies.get(4).contains("public_key=" + pub3 + "\nremove=true\n"),
                    "syncconf removes the running peer missing from the file: " + bodies.get(4));
            for (String body : bodies) {
                SetRequestParser.parse(body); // throws if wg sent something we cannot read
            }
        }
    }

    @Test
    void wgAddconfAndEdgeValues() throws Exception {
        Result result = wg("set", ifname, "peer", base64(TestEngines.publicKey(2)), "endpoint", "192.0.2.1:0",
                "persistent-keepalive", "65535");
        assertEquals(0, result.exit(), result.err());
        Path conf = secretFile("bad.conf", "[Interface]\nFwMark = 0x1\n");
        assertEquals(0, wg("addconf", ifname, conf.toString()).exit());
        assertEquals(1, device.fwmark());
        assertTrue(wgOk("show", ifname).out().contains("  fwmark: 0x1\n"));
    }
}
