package io.wgate.server.uapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.core.route.Prefix;
import io.wgate.server.config.WgKey;
import io.wgate.tun.testing.Executables;
import io.wgate.tun.testing.Privileged;
import io.wgate.tun.testing.RequiresCommands;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link UapiClient}, {@link GetResponseParser} and {@link ShowFormatter} against the reference
 * daemon, wireguard-go, running inside a network namespace made for the test (its TUN lives there).
 *
 * <p>Needs root with network namespaces and a TUN device, {@code wireguard-go} and {@code wg}: skipped with a
 * reason otherwise, but failed when {@code CI=true}.
 */
@Privileged
@RequiresCommands({"wireguard-go", "wg"})
@Timeout(60)
class WireguardGoInteropTest {

    private String namespace;
    private String ifname;
    private Process daemon;

    @BeforeEach
    void startWireguardGo() throws Exception {
        int n = ThreadLocalRandom.current().nextInt(1000, 10000);
        namespace = "wgt-uapi-ns" + n;
        ifname = "wgt-wggo" + n;
        run("ip", "netns", "add", namespace);
        String wireguardGo = Executables.require("wireguard-go").toString();
        ProcessBuilder builder = new ProcessBuilder("ip", "netns", "exec", namespace, wireguardGo, "-f", ifname)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("LOG_LEVEL", "error");
        // Debian's wireguard-go refuses to start on kernels with WireGuard built in unless told otherwise.
        builder.environment().put("WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD", "1");
        daemon = builder.start();
        Path socket = Path.of("/var/run/wireguard", ifname + ".sock");
        for (int i = 0; i < 100 && !UapiSocketFile.isSocket(socket); i++) {
            Thread.sleep(50);
        }
        assertTrue(UapiSocketFile.isSocket(socket), "wireguard-go did not create " + socket);
    }

    @AfterEach
    void stopWireguardGo() throws Exception {
        if (daemon != null) {
            daemon.destroy();
            if (!daemon.waitFor(5, TimeUnit.SECONDS)) {
                daemon.destroyForcibly();
            }
            Files.deleteIfExists(Path.of("/var/run/wireguard", ifname + ".sock"));
        }
        if (namespace != null) {
            run("ip", "netns", "del", namespace);
        }
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(20, TimeUnit.SECONDS), String.join(" ", command));
        assertEquals(0, process.exitValue(), String.join(" ", command) + ": " + out);
        return out;
    }

    @Test
    void readsAndChangesWireguardGo() throws Exception {
        assertTrue(UapiClient.interfaces().contains(ifname), "lists foreign daemons' sockets");
        try (UapiClient client = UapiClient.connect(ifname)) {
            assertEquals(0, client.set("private_key=" + TestEngines.privateHex(1) + "\nlisten_port=0\npublic_key="
                    + TestEngines.publicHex(2) + "\npreshared_key=" + TestEngines.privateHex(9)
                    + "\nendpoint=[2001:db8::1]:51820\npersistent_keepalive_interval=25\nallowed_ip=10.0.0.0/24\n"
                    + "allowed_ip=::ffff:10.0.0.0/104\n"));
            DeviceStatus status = client.get();
            assertEquals(WgKey.of(TestEngines.publicKey(1)), status.publicKey().orElseThrow());
            assertTrue(status.listenPort() > 0);
            PeerStatus peer = status.peers().getFirst();
            assertEquals(WgKey.of(TestEngines.privateKey(9)), peer.presharedKey().orElseThrow());
            assertEquals(new InetSocketAddress("2001:db8::1", 51820), peer.endpoint().orElseThrow());
            assertEquals(25, peer.persistentKeepaliveSeconds());
            assertEquals(List.of(Prefix.parse("10.0.0.0/24"), UapiValues.parsePrefix("::ffff:10.0.0.0/104")),
                    peer.allowedIps());

            String wgShow = run(Executables.require("wg").toString(), "show", ifname);
            String ours = ShowFormatter.format(status, System.currentTimeMillis() / 1000);
            assertEquals(wgShow, ours);
        }
        try (UapiClient client = UapiClient.connect(ifname)) {
            assertEquals(UapiException.EINVAL, client.set("frobnicate=1\n"));
        }
    }
}
