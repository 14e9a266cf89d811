package io.wgate.server.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.server.uapi.DeviceStatus;
import io.wgate.server.uapi.PeerStatus;
import io.wgate.tun.testing.Privileged;
import io.wgate.tun.testing.RequiresCommands;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * wireguard-go set up as the demo does it, with {@code wg setconf} and, for hosts without wireguard-tools,
 * over the UAPI socket: both must leave the same device behind, and stopping must remove it.
 */
@Privileged
@RequiresCommands("wireguard-go")
class WireguardGoGatewayIT {

    private final Shell shell = new Shell();
    private final SiteNames names = SiteNames.random();
    private Path workDir;
    private WireguardGoGateway gateway;

    @AfterEach
    void cleanUp() throws Exception {
        if (gateway != null) {
            assertEquals(List.of(), gateway.stop());
            assertEquals(List.of(), RunTraces.leftovers(names.satelliteInterface()));
        }
        shell.run(List.of(shell.ip(), "netns", "del", names.satellite()));
        if (workDir != null) {
            WorkDir.delete(workDir);
        }
    }

    @Test
    @RequiresCommands("wg")
    void configuresWithWgSetconf() throws Exception {
        configuresDeviceAddressMtuAndRoute(Shell.which("wg"));
    }

    @Test
    void configuresOverTheUapiSocketWithoutWg() throws Exception {
        configuresDeviceAddressMtuAndRoute(Optional.empty());
    }

    private void configuresDeviceAddressMtuAndRoute(Optional<Path> wg) throws Exception {
        SecureRandom random = new SecureRandom();
        KeyPair own = KeyPair.generate(random);
        KeyPair peer = KeyPair.generate(random);
        OfficeConfig config = new OfficeConfig(names.satelliteInterface(), own, "172.16.1.2/24", 1420, 51820,
                peer.publicKey(), List.of("172.16.1.0/24", "10.10.10.0/24"), Optional.of("198.51.100.2:51820"));
        workDir = WorkDir.create();
        shell.ipHost("netns", "add", names.satellite());

        gateway = WireguardGoGateway.launch(shell, "Satellite Office", names.satellite(), config, workDir,
                workDir.resolve("wg.log"), wg);
        gateway.awaitServing();

        DeviceStatus status = gateway.status();
        assertEquals(51820, status.listenPort());
        assertEquals(Optional.of(own.publicKey()), status.publicKey());
        PeerStatus only = gateway.peer();
        assertEquals(peer.publicKey(), only.publicKey());
        assertEquals(Optional.of(new InetSocketAddress("198.51.100.2", 51820)), only.endpoint());
        assertEquals("[172.16.1.0/24, 10.10.10.0/24]", only.allowedIps().toString());
        String link = shell.ipIn(names.satellite(), "addr", "show", "dev", names.satelliteInterface()).stdout();
        assertTrue(link.contains("mtu 1420") && link.contains("inet 172.16.1.2/24") && link.contains("UP"), link);
        String routes = shell.ipIn(names.satellite(), "route", "show", "dev", names.satelliteInterface()).stdout();
        assertTrue(routes.contains("10.10.10.0/24"), routes);

        assertEquals(List.of(), gateway.stop());
        assertFalse(gateway.isAlive());
        assertFalse(Files.exists(RunTraces.uapiSocket(names.satelliteInterface())));
        assertTrue(shell.tryIpIn(names.satellite(), "link", "show", "dev", names.satelliteInterface()).exitCode() != 0,
                "interface still there after stop");
    }
}
