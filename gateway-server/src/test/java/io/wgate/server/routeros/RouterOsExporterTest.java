package io.wgate.server.routeros;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.server.config.ConfigException;
import io.wgate.server.config.WgQuickConfig;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** {@link RouterOsExporter}: what it prints, and that importing it gives the same configuration back. */
class RouterOsExporterTest {

    static final String MAIN = """
            [Interface]
            PrivateKey = %s
            Address = 172.16.1.1/24
            ListenPort = 51820
            MTU = 1420

            [Peer]
            # Satellite
            PublicKey = %s
            Endpoint = 203.0.113.2:51820
            AllowedIPs = 172.16.1.0/24, 192.168.1.0/24
            """.formatted(RouterOsTestFiles.MAIN_PRIVATE, RouterOsTestFiles.SATELLITE_PUBLIC);

    static final String RICH = """
            [Interface]
            PrivateKey = %s
            Address = 10.255.0.1/30, fd00:1::1/64
            ListenPort = 13300
            MTU = 1380

            [Peer]
            # Name = Branch "North" $1?
            PublicKey = %s
            PresharedKey = %s
            AllowedIPs = 10.20.0.0/16, fd00:20::/64
            Endpoint = [2001:db8::7]:51821
            PersistentKeepalive = 90

            [Peer]
            PublicKey = %s
            AllowedIPs = 10.21.0.0/16
            Endpoint = gw.example.net:51820
            """.formatted(RouterOsTestFiles.SATELLITE_PRIVATE, RouterOsTestFiles.MAIN_PUBLIC,
            RouterOsTestFiles.PRESHARED, RouterOsTestFiles.OTHER_PUBLIC);

    @ParameterizedTest
    @ValueSource(strings = {"main", "rich"})
    void importingTheExportGivesTheSameConfiguration(String which) throws ConfigException {
        String text0 = which.equals("main") ? MAIN : RICH;
        WgQuickConfig original = WgQuickConfig.parse("site.conf", text0.lines().toList());
        String commands = RouterOsExporter.export(original);
        RouterOsConfig imported = RouterOsImporter.read("site.rsc", commands);
        assertEquals(List.of(), imported.errors(), commands);
        assertEquals(List.of(), imported.warnings(), commands);
        String text = WgQuickRendering.render(imported.interfaces().getFirst(), "site.rsc");
        WgQuickConfig back = WgQuickConfig.parse("site.conf", text.lines().toList());
        assertEquals(original.iface(), back.iface(), commands + "\n" + text);
        assertEquals(original.peers(), back.peers(), commands + "\n" + text);
    }

    @Test
    void theCommandsAreThoseOfCurrentReleases() throws ConfigException {
        String commands = RouterOsExporter.export(WgQuickConfig.parse("main-office.conf", MAIN.lines().toList()));
        assertEquals("""
                # wgate export routeros: main-office
                /interface wireguard
                add listen-port=51820 mtu=1420 name=main-office private-key="%s"
                /interface wireguard peers
                add allowed-address=172.16.1.0/24,192.168.1.0/24 endpoint-address=203.0.113.2 endpoint-port=51820 \
                interface=main-office name=Satellite public-key="%s"
                /ip address
                add address=172.16.1.1/24 interface=main-office network=172.16.1.0
                /ip route add dst-address=192.168.1.0/24 gateway=main-office
                """.formatted(RouterOsTestFiles.MAIN_PRIVATE, RouterOsTestFiles.SATELLITE_PUBLIC), commands);
    }

    @Test
    void thePeerSideIsTheFarEndOfTheTunnel() throws ConfigException {
        String main = MAIN.replace("AllowedIPs = 172.16.1.0/24", "AllowedIPs = 172.16.1.2/32");
        String commands = RouterOsExporter.peerSide(WgQuickConfig.parse("main-office.conf", main.lines().toList()));
        assertTrue(commands.contains("add listen-port=51820 mtu=1420 name=wg-main-office\n"), commands);
        assertTrue(commands.contains("add allowed-address=172.16.1.0/24 interface=wg-main-office name=main-office "
                + "public-key=\"" + RouterOsTestFiles.MAIN_PUBLIC + "\"\n"), commands);
        assertTrue(commands.contains("add address=172.16.1.2/24 interface=wg-main-office network=172.16.1.0\n"),
                commands);
        assertTrue(!commands.contains(RouterOsTestFiles.MAIN_PRIVATE), "never this side's private key");
        RouterOsConfig far = RouterOsImporter.read("far.rsc", commands);
        assertEquals(List.of(), far.errors(), commands);
    }

    @Test
    void thePeerSideNeedsOnePeer() throws ConfigException {
        WgQuickConfig two = WgQuickConfig.parse("site.conf", RICH.lines().toList());
        assertThrows(IllegalArgumentException.class, () -> RouterOsExporter.peerSide(two));
    }
}
