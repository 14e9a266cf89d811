package io.wgate.server.demo;

import static io.wgate.server.demo.Addressing.HOST_B;
import static io.wgate.server.demo.Addressing.TUNNEL_MTU;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.server.config.WgKey;
import io.wgate.server.net.CommandResult;
import io.wgate.server.uapi.PeerStatus;
import io.wgate.tun.testing.Privileged;
import io.wgate.tun.testing.RequiresCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reload without dropping the tunnel (issue "Live operations", item 1): wgate on the Main Office gateway,
 * wireguard-go on the Satellite Office's, Host A pinging Host B at 20 a second through the tunnel while the Main
 * Office's file is edited and reloaded three times: a peer added ({@code wgate reload}), that neighbour's AllowedIPs
 * changed ({@code wgate reload}), the MTU changed (SIGHUP, as {@code systemctl reload} sends it). No ping may be
 * lost, the routes and the MTU must follow, and the Satellite Office's session must stay the one it was (its latest
 * handshake does not move). Then a file with an error is rejected with its file:line:key message and nothing
 * changes. Tearing down afterwards must leave nothing behind, the routes a reload added included.
 */
@Privileged
@RequiresCommands({"ping", "wireguard-go"})
class ReloadIT {

    static final int PINGS = 300;
    private static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(60);

    private TwoOffices offices;

    @RegisterExtension
    final GatewayLogsOnFailure logs = new GatewayLogsOnFailure(() -> offices);

    @AfterEach
    void removeEverything() {
        OfficesTeardown.closeAndCheck(offices);
    }

    @Test
    void threeReloadsDuringAPingLoseNothingAndLeaveTheUntouchedPeerAlone() throws Exception {
        offices = TwoOffices.open(new TwoOffices.Options(GatewayKind.WGATE, GatewayKind.WIREGUARD_GO,
                EndpointMode.BOTH, TestRuntime.runtime()));
        offices.startGateways();
        Shell shell = offices.shell();
        SiteNames n = offices.names();
        String ns = n.main();
        String dev = n.mainInterface();
        Path conf = offices.workDir().resolve(dev + ".conf");
        PingResult contact = new Pinger(shell, offices.options().runtime()).awaitReply(n.hostA(), HOST_B,
                Duration.ofSeconds(20));
        assertTrue(contact.received() > 0, "no first contact:\n" + contact.output());
        PeerStatus satelliteBefore = offices.main().peer();
        assertTrue(satelliteBefore.hasHandshake());

        Path pingLog = offices.workDir().resolve("reload-ping.log");
        Process ping = new ProcessBuilder(shell.inNamespace(n.hostA(), List.of("ping", "-n", "-c",
                Integer.toString(PINGS), "-i", "0.05", "-W", "2", HOST_B))).redirectErrorStream(true)
                .redirectOutput(pingLog.toFile()).start();
        offices.track(() -> {
            ping.destroyForcibly();
            ping.waitFor(10, TimeUnit.SECONDS);
        });
        Thread.sleep(1_000);

        // 1: a peer added
        String neighbour = KeyPair.generate(new SecureRandom()).publicKey().toBase64();
        Files.writeString(conf, Files.readString(conf) + "\n[Peer]\n# Name = Branch\nPublicKey = " + neighbour
                + "\nAllowedIPs = 10.99.1.0/24\n");
        CommandResult first = reload(dev);
        assertEquals(0, first.exitCode(), first.toString());
        assertTrue(first.stdout().contains("route 10.99.1.0/24 added") && first.stdout().contains("Branch")
                && first.stdout().contains(" added"), first.stdout());
        assertTrue(routes(ns, dev).contains("10.99.1.0/24"), routes(ns, dev));

        // 2: the neighbour's AllowedIPs changed
        Files.writeString(conf, Files.readString(conf).replace("10.99.1.0/24", "10.99.2.0/24"));
        CommandResult second = reload(dev);
        assertEquals(0, second.exitCode(), second.toString());
        assertTrue(second.stdout().contains("route 10.99.1.0/24 removed")
                && second.stdout().contains("route 10.99.2.0/24 added"), second.stdout());
        String routes = routes(ns, dev);
        assertTrue(routes.contains("10.99.2.0/24") && !routes.contains("10.99.1.0/24"), routes);

        // 3: the MTU changed, by SIGHUP
        int mtu = TUNNEL_MTU - 20;
        Files.writeString(conf, Files.readString(conf).replace("MTU = " + TUNNEL_MTU, "MTU = " + mtu));
        shell.check(List.of("kill", "-HUP", Long.toString(offices.main().pid())));
        long deadline = System.nanoTime() + RELOAD_TIMEOUT.toNanos();
        String link = "";
        while (System.nanoTime() < deadline && !link.contains("mtu " + mtu + " ")) {
            Thread.sleep(100);
            link = shell.ipIn(ns, "link", "show", "dev", dev).stdout();
        }
        assertTrue(link.contains("mtu " + mtu + " "), link);

        assertTrue(ping.waitFor(PINGS / 20 + 30, TimeUnit.SECONDS), "ping did not finish");
        PingResult during = PingResult.parse("ping", Files.readString(pingLog));
        assertEquals(PINGS, during.sent(), during.output());
        assertTrue(during.allReplied(), "pings lost across the reloads:\n" + during.output());
        PeerStatus satelliteAfter = satellite(satelliteBefore.publicKey());
        assertEquals(satelliteBefore.lastHandshakeEpochSeconds(), satelliteAfter.lastHandshakeEpochSeconds());
        assertEquals(satelliteBefore.lastHandshakeNanos(), satelliteAfter.lastHandshakeNanos());
        assertTrue(offices.main().isAlive(), "SIGHUP stopped the gateway");

        // 4: a file with an error is rejected as a whole
        String good = Files.readString(conf);
        List<String> lines = new ArrayList<>(good.lines().toList());
        int bad = lines.indexOf("AllowedIPs = 10.99.2.0/24");
        lines.set(bad, "AllowedIPs = 10.99.3.0/24, 10.99.300.0/24");
        Files.writeString(conf, String.join("\n", lines) + "\n");
        CommandResult rejected = reload(dev);
        assertEquals(1, rejected.exitCode(), rejected.toString());
        assertTrue(rejected.stderr().contains(dev + ".conf:" + (bad + 1) + ": AllowedIPs"), rejected.stderr());
        assertTrue(rejected.stderr().contains("keeps its running configuration"), rejected.stderr());
        routes = routes(ns, dev);
        assertTrue(routes.contains("10.99.2.0/24") && !routes.contains("10.99.3.0/24"), routes);
        assertEquals(2, offices.main().status().peers().size());
        Files.writeString(conf, good);
    }

    private CommandResult reload(String dev) throws IOException {
        return offices.shell().run(RELOAD_TIMEOUT, offices.options().runtime().wgate("reload", dev));
    }

    private String routes(String ns, String dev) throws IOException {
        return offices.shell().ipIn(ns, "route", "show", "dev", dev).stdout();
    }

    private PeerStatus satellite(WgKey key) throws IOException {
        return offices.main().status().peers().stream().filter(p -> p.publicKey().equals(key)).findFirst()
                .orElseThrow(() -> new AssertionError("the Satellite Office peer is gone"));
    }
}
