package io.wgate.server.demo;

import static io.wgate.server.demo.Addressing.HOST_B;
import static io.wgate.server.demo.Addressing.LISTEN_PORT;
import static io.wgate.server.demo.Addressing.MAIN_LAN;
import static io.wgate.server.demo.Addressing.MAIN_LAN_GATEWAY;
import static io.wgate.server.demo.Addressing.MAIN_WAN;
import static io.wgate.server.demo.Addressing.SATELLITE_LAN;
import static io.wgate.server.demo.Addressing.SATELLITE_LAN_GATEWAY;
import static io.wgate.server.demo.Addressing.SATELLITE_WAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.server.net.CommandResult;
import io.wgate.tun.testing.Privileged;
import io.wgate.tun.testing.RequiresCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * RouterOS in, a working tunnel out (issue "Config tools", item 4): the two offices of the README's how-to written as
 * RouterOS v7 exports (the Main Office as {@code /export show-sensitive} with continuation lines, the Satellite as
 * {@code /export terse}, each with a LAN bridge, DHCP, firewall and identity lines around the WireGuard ones), checked
 * together with {@code wgate check}, imported with {@code wgate import routeros} over the configs the gateways start
 * from, checked again as wg-quick files, then brought up with wgate in namespaces: Host A pings Host B across the
 * tunnel.
 */
@Privileged
@RequiresCommands({"ping"})
class RouterOsImportIT {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private TwoOffices offices;

    @RegisterExtension
    final GatewayLogsOnFailure logs = new GatewayLogsOnFailure(() -> offices);

    @AfterEach
    void removeEverything() {
        OfficesTeardown.closeAndCheck(offices);
    }

    @Test
    void importedRouterOsExportsBringUpTheTunnel() throws Exception {
        offices = TwoOffices.open(new TwoOffices.Options(GatewayKind.WGATE, GatewayKind.WGATE, EndpointMode.BOTH,
                TestRuntime.runtime()));
        Path work = offices.workDir();
        OfficeConfig main = offices.mainConfig();
        OfficeConfig satellite = offices.satelliteConfig();
        Path mainExport = Files.writeString(work.resolve("main-office.rsc"), mainExport(main));
        Path satelliteExport = Files.writeString(work.resolve("satellite.rsc"), satelliteExport(satellite));

        CommandResult check = wgate("check", mainExport.toString(), satelliteExport.toString());
        assertEquals(0, check.exitCode(), check.toString());

        for (Path export : List.of(mainExport, satelliteExport)) {
            CommandResult imported = wgate("import", "routeros", export.toString(), "-o", work.toString());
            assertEquals(0, imported.exitCode(), imported.toString());
        }
        Path mainConf = work.resolve(main.interfaceName() + ".conf");
        Path satelliteConf = work.resolve(satellite.interfaceName() + ".conf");
        for (Path conf : List.of(mainConf, satelliteConf)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)));
            assertTrue(Files.readString(conf).startsWith("# Imported by 'wgate import routeros'"), conf.toString());
        }
        CommandResult checkImported = wgate("check", mainConf.toString(), satelliteConf.toString(),
                satelliteExport.toString());
        assertEquals(0, checkImported.exitCode(), checkImported.toString());

        offices.startGateways();
        PingResult ping = new Pinger(offices.shell(), offices.options().runtime()).awaitReply(offices.names().hostA(),
                HOST_B, Duration.ofSeconds(20));
        assertTrue(ping.received() > 0, "no reply across the imported tunnel:\n" + ping.output());
    }

    private CommandResult wgate(String... args) throws IOException {
        return offices.shell().run(COMMAND_TIMEOUT, offices.options().runtime().wgate(args));
    }

    /** The Main Office as RouterOS prints {@code /export show-sensitive}: menus, then continued add lines. */
    static String mainExport(OfficeConfig c) {
        String wg = c.interfaceName();
        return """
                # 2026-12-05 12:00:00 by RouterOS 7.16.2
                # software id = MAIN-0001
                /interface bridge
                add name=bridge-lan
                /interface wireguard
                add listen-port=%d mtu=%d name=%s private-key=\\
                    "%s"
                /interface wireguard peers
                add allowed-address=%s endpoint-address=%s \\
                    endpoint-port=%d interface=%s name=Satellite public-key=\\
                    "%s"
                /ip address
                add address=%s/24 interface=bridge-lan network=10.10.10.0
                add address=%s interface=%s network=172.16.1.0
                /ip dhcp-server
                add interface=bridge-lan name=dhcp-lan
                /ip route
                add dst-address=%s gateway=%s
                /system identity
                set name="Main Office"
                """.formatted(c.listenPort(), c.mtu(), wg, c.keys().privateKey().toBase64(),
                String.join(",", c.allowedIps()), SATELLITE_WAN, LISTEN_PORT, wg, c.peerPublicKey().toBase64(),
                MAIN_LAN_GATEWAY, c.address(), wg, SATELLITE_LAN, wg);
    }

    /** The Satellite Office as {@code /export terse show-sensitive}: the full menu path on every line. */
    static String satelliteExport(OfficeConfig c) {
        String wg = c.interfaceName();
        return """
                # dec/05/2026 12:00:00 by RouterOS 7.12
                /interface bridge add name=bridge1
                /interface wireguard add listen-port=%d mtu=%d name=%s private-key="%s"
                /interface wireguard peers add allowed-address=%s comment="Main Office" endpoint-address=%s \
                endpoint-port=%d interface=%s persistent-keepalive=25s public-key="%s"
                /ip address add address=%s/24 interface=bridge1 network=192.168.1.0
                /ip address add address=%s interface=%s network=172.16.1.0
                /ip route add dst-address=%s gateway=%s
                /ip firewall filter add action=accept chain=input dst-port=%d protocol=udp
                /system identity set name=Satellite
                """.formatted(c.listenPort(), c.mtu(), wg, c.keys().privateKey().toBase64(),
                String.join(",", c.allowedIps()), MAIN_WAN, LISTEN_PORT, wg, c.peerPublicKey().toBase64(),
                SATELLITE_LAN_GATEWAY, c.address(), wg, MAIN_LAN, wg, LISTEN_PORT);
    }
}
