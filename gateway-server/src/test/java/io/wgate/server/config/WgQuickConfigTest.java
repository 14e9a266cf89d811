package io.wgate.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.core.route.Prefix;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WgQuickConfigTest {

    static List<String> resource(String name) throws IOException {
        try (InputStream in = WgQuickConfigTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    static WgQuickConfig parse(String template) throws ConfigException {
        return WgQuickConfig.parse("wg0.conf", TestKeys.fill(template).lines().toList());
    }

    static Prefix prefix(String text) {
        return Prefix.parse(text);
    }

    @Test
    void parsesMainOfficeExample() throws Exception {
        WgQuickConfig c = WgQuickConfig.parse("main-office.conf", resource("main-office.conf"));

        assertEquals("main-office", c.interfaceName());
        InterfaceConfig i = c.iface();
        assertEquals(TestKeys.MAIN_PRIVATE, i.privateKey().toBase64());
        assertEquals(51820, i.listenPort());
        assertEquals(List.of(InterfaceAddress.parse("172.16.1.1/24")), i.addresses());
        assertEquals(OptionalInt.of(1420), i.mtu());
        assertEquals(RouteTable.AUTO, i.table());
        assertEquals(0, i.fwMark());
        assertTrue(i.hooks().isEmpty());
        assertFalse(i.saveConfig());
        assertEquals(List.of(), i.dnsServers());

        assertEquals(1, c.peers().size());
        PeerConfig p = c.peers().getFirst();
        assertEquals(TestKeys.SATELLITE_PUBLIC, p.publicKey().toBase64());
        assertEquals(TestKeys.PRESHARED, p.presharedKey().orElseThrow().toBase64());
        assertEquals(Optional.of(new Endpoint("203.0.113.2", 51820)), p.endpoint());
        assertEquals(List.of(prefix("172.16.1.0/24"), prefix("192.168.1.0/24")), p.allowedIps());
        assertEquals(0, p.persistentKeepaliveSeconds());
        assertEquals(Optional.of("Satellite"), p.name());
        assertEquals(List.of(), c.warnings());
    }

    @Test
    void parsesSatelliteExample() throws Exception {
        WgQuickConfig c = WgQuickConfig.parse("/etc/wireguard/satellite.conf", resource("satellite.conf"));

        assertEquals("satellite", c.interfaceName());
        assertEquals(TestKeys.SATELLITE_PRIVATE, c.iface().privateKey().toBase64());
        assertEquals(List.of(InterfaceAddress.parse("172.16.1.2/24")), c.iface().addresses());
        assertEquals(OptionalInt.empty(), c.iface().mtu());
        PeerConfig p = c.peers().getFirst();
        assertEquals(TestKeys.MAIN_PUBLIC, p.publicKey().toBase64());
        assertEquals("198.51.100.2:51820", p.endpoint().orElseThrow().toString());
        assertEquals(List.of(prefix("172.16.1.0/24"), prefix("10.10.10.0/24")), p.allowedIps());
        assertEquals(25, p.persistentKeepaliveSeconds());
        assertEquals(Optional.of("Main Office"), p.name());
    }

    @Test
    void roundTripsBothExamples() throws Exception {
        for (String name : List.of("main-office.conf", "satellite.conf")) {
            WgQuickConfig first = WgQuickConfig.parse(name, resource(name));
            String written = first.toWgQuickString();
            WgQuickConfig second = WgQuickConfig.parse(name, written.lines().toList());
            assertEquals(first, second, written);
            assertEquals(written, second.toWgQuickString());
        }
    }

    @Test
    void roundTripsEveryKey() throws Exception {
        WgQuickConfig first = parse("""
                [Interface]
                PrivateKey = @PRIV@
                ListenPort = 51821
                FwMark = 0x1234
                Address = 172.16.1.1/24, fd00:1::1/64
                Address = 10.99.0.1
                MTU = 1380
                DNS = 192.0.2.53, 2001:db8::53, corp.example
                Table = 1234
                PreUp = echo pre-up %i
                PostUp = iptables -A FORWARD -i %i -j ACCEPT
                PostUp = echo second
                PreDown = echo pre-down
                PostDown = iptables -D FORWARD -i %i -j ACCEPT
                SaveConfig = true

                [Peer]
                # Name = Satellite
                PublicKey = @PUB@
                PresharedKey = @PSK@
                AllowedIPs = 192.168.1.0/24, fd00:2::/64
                Endpoint = [2001:db8::2]:51820
                PersistentKeepalive = 25

                [Peer]
                PublicKey = @PUB2@
                Endpoint = gw.example.net:51820
                """);
        String written = first.toWgQuickString();
        WgQuickConfig second = WgQuickConfig.parse("wg0.conf", written.lines().toList());
        assertEquals(first.iface(), second.iface());
        assertEquals(first.peers(), second.peers());
        assertTrue(written.contains("FwMark = 0x1234\n"), written);
        assertTrue(written.contains("Address = 172.16.1.1/24, fd00:1::1/64, 10.99.0.1/32\n"), written);
        assertTrue(written.contains("DNS = 192.0.2.53, 2001:db8::53, corp.example\n"), written);
        assertTrue(written.contains("Endpoint = [2001:db8::2]:51820\n"), written);
    }

    @Test
    void readsEveryInterfaceKey() throws Exception {
        WgQuickConfig c = parse("""
                [Interface]
                PrivateKey = @PRIV@
                FwMark = 0xCA6C
                Address = 172.16.1.1/24,fd00::1/64   10.99.0.1
                DNS = 192.0.2.53,corp.example 2001:db8::53
                Table = main
                PreUp = echo "a, b" > /tmp/%i.log
                PostUp = echo one
                PostUp = echo two
                SaveConfig = TRUE
                """);
        InterfaceConfig i = c.iface();
        assertEquals(0xca6c, i.fwMark());
        assertEquals(0, i.listenPort());
        assertEquals(List.of(InterfaceAddress.parse("172.16.1.1/24"), InterfaceAddress.parse("fd00::1/64"),
                InterfaceAddress.parse("10.99.0.1/32")), i.addresses());
        assertEquals(List.of(InetAddress.ofLiteral("192.0.2.53"), InetAddress.ofLiteral("2001:db8::53")), i.dnsServers());
        assertEquals(List.of("corp.example"), i.dnsSearchDomains());
        assertEquals(RouteTable.explicit("main"), i.table());
        assertEquals(List.of("echo \"a, b\" > /tmp/%i.log"), i.hooks().preUp());
        assertEquals(List.of("echo one", "echo two"), i.hooks().postUp());
        assertTrue(i.saveConfig());
    }

    @Test
    void ignoresCaseAndWhitespaceAndComments() throws Exception {
        WgQuickConfig c = parse("""
                # leading comment

                  [interface]   # trailing comment
                privatekey=@PRIV@
                LISTENPORT   =   51820   # the port
                [ PEER ]
                publickey = @PUB@
                allowedips = 10.0.0.0/8 , 192.168.1.0 / 24
                ENDPOINT = 203.0.113.2 : 51820
                persistentkeepalive = off
                """);
        assertEquals(51820, c.iface().listenPort());
        PeerConfig p = c.peers().getFirst();
        assertEquals(List.of(prefix("10.0.0.0/8"), prefix("192.168.1.0/24")), p.allowedIps());
        assertEquals(new Endpoint("203.0.113.2", 51820), p.endpoint().orElseThrow());
        assertEquals(0, p.persistentKeepaliveSeconds());
    }

    @Test
    void acceptsRepeatedAllowedIpsAndPeerBeforeInterface() throws Exception {
        WgQuickConfig c = parse("""
                [Peer]
                PublicKey = @PUB@
                AllowedIPs = 10.1.0.0/16
                AllowedIPs = 10.2.0.0/16
                [Interface]
                PrivateKey = @PRIV@
                """);
        assertEquals(List.of(prefix("10.1.0.0/16"), prefix("10.2.0.0/16")), c.peers().getFirst().allowedIps());
    }

    @Test
    void fwMarkOffAndZeroMeanNone() throws Exception {
        assertEquals(0, parse("[Interface]\nPrivateKey = @PRIV@\nFwMark = off\n").iface().fwMark());
        assertEquals(0, parse("[Interface]\nPrivateKey = @PRIV@\nFwMark = 0\n").iface().fwMark());
        assertEquals(4294967295L, parse("[Interface]\nPrivateKey = @PRIV@\nFwMark = 4294967295\n").iface().fwMark());
        assertEquals(51820, parse("[Interface]\nPrivateKey = @PRIV@\nFwMark = 51820\n").iface().fwMark());
    }

    @Test
    void tableValues() throws Exception {
        assertEquals(RouteTable.OFF, parse("[Interface]\nPrivateKey = @PRIV@\nTable = off\n").iface().table());
        assertEquals(RouteTable.AUTO, parse("[Interface]\nPrivateKey = @PRIV@\nTable = Auto\n").iface().table());
        assertEquals(RouteTable.explicit("4294967295"),
                parse("[Interface]\nPrivateKey = @PRIV@\nTable = 4294967295\n").iface().table());
    }

    @Test
    void masksHostBitsInAllowedIpsWithAWarning() throws Exception {
        WgQuickConfig c = parse("""
                [Interface]
                PrivateKey = @PRIV@
                [Peer]
                PublicKey = @PUB@
                AllowedIPs = 10.10.10.1/24, fd00::1/64, 192.0.2.7
                """);
        assertEquals(List.of(prefix("10.10.10.0/24"), prefix("fd00::/64"), prefix("192.0.2.7/32")),
                c.peers().getFirst().allowedIps());
        assertEquals(2, c.warnings().size(), c.warnings().toString());
        ConfigWarning w = c.warnings().getFirst();
        assertEquals(5, w.line());
        assertEquals("AllowedIPs", w.key());
        assertEquals("wg0.conf:5: AllowedIPs: 10.10.10.1/24 has host bits set; using 10.10.10.0/24 "
                + "(did you mean 10.10.10.1/32?)", w.toString());
    }

    @Test
    void warnsWhenTwoPeersShareAPrefix() throws Exception {
        WgQuickConfig c = parse("""
                [Interface]
                PrivateKey = @PRIV@
                [Peer]
                PublicKey = @PUB@
                AllowedIPs = 10.0.0.0/24, 10.0.0.0/24
                [Peer]
                PublicKey = @PUB2@
                AllowedIPs = 10.0.0.0/24
                """);
        assertEquals(List.of(prefix("10.0.0.0/24")), c.peers().get(0).allowedIps());
        assertEquals(List.of(prefix("10.0.0.0/24")), c.peers().get(1).allowedIps());
        assertEquals(2, c.warnings().size(), c.warnings().toString());
        assertTrue(c.warnings().get(0).detail().contains("listed twice for this peer"));
        assertEquals(8, c.warnings().get(1).line());
        assertTrue(c.warnings().get(1).detail().contains("also in the [Peer] on line 3"));
    }

    @Test
    void warnsWhenMtuIsTooSmallForIpv6() throws Exception {
        WgQuickConfig c = parse("[Interface]\nPrivateKey = @PRIV@\nAddress = fd00::1/64\nMTU = 1200\n");
        assertEquals(OptionalInt.of(1200), c.iface().mtu());
        assertEquals(1, c.warnings().size());
        assertEquals(4, c.warnings().getFirst().line());
        assertTrue(c.warnings().getFirst().detail().contains("below 1280"));
        assertEquals(List.of(), parse("[Interface]\nPrivateKey = @PRIV@\nAddress = 10.0.0.1/24\nMTU = 1200\n").warnings());
    }

    @Test
    void peerNames() throws Exception {
        WgQuickConfig c = parse("""
                [Interface]
                PrivateKey = @PRIV@
                [Peer] # Branch A
                PublicKey = @PUB@
                [Peer]
                # PersistentKeepalive = 25
                PublicKey = @PUB2@
                # friendly_name = Branch B
                """);
        assertEquals(Optional.of("Branch A"), c.peers().get(0).name());
        assertEquals(Optional.of("Branch B"), c.peers().get(1).name());
        WgQuickConfig none = parse("[Interface]\nPrivateKey = @PRIV@\n[Peer]\nPublicKey = @PUB@\n# not a name\n");
        assertEquals(Optional.empty(), none.peers().getFirst().name());
    }

    @Test
    void takesTheInterfaceNameFromTheFileName() throws Exception {
        String text = TestKeys.fill("[Interface]\nPrivateKey = @PRIV@\n");
        assertEquals("wg-office.1", WgQuickConfig.parse("/etc/wireguard/wg-office.1.conf", text.lines().toList())
                .interfaceName());
        assertEquals("x", WgQuickConfig.parse("anything.txt", "x", text.lines().toList(), n -> false).interfaceName());
        for (String bad : List.of("wg0", "wg0.cfg", "/etc/wireguard/.conf", "sixteen-chars-xx.conf", "wg 0.conf",
                "wg/0.conf/")) {
            ConfigException e = assertThrows(ConfigException.class, () -> WgQuickConfig.parse(bad, text.lines().toList()));
            assertEquals(0, e.line(), bad);
            assertTrue(e.getMessage().startsWith(bad + ": the file name must be an interface name"), e.getMessage());
            // wgate up has no option to name the interface, so the message must not suggest one.
            assertTrue(e.getMessage().endsWith("the interface is named after the file; rename it"), e.getMessage());
        }
        ConfigException e = assertThrows(ConfigException.class,
                () -> WgQuickConfig.parse("a.conf", "bad name", text.lines().toList(), n -> false));
        assertEquals("a.conf: 'bad name' is not a valid interface name; use 1-15 characters from a-z A-Z 0-9 _ = + . -",
                e.getMessage());
    }

    @Test
    void readsAFileAndWarnsWhenWorldReadable(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("wgt7.conf");
        Files.writeString(file, TestKeys.fill("[Interface]\nPrivateKey = @PRIV@\n"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        WgQuickConfig quiet = WgQuickConfig.parse(file);
        assertEquals("wgt7", quiet.interfaceName());
        assertEquals(List.of(), quiet.warnings());

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        WgQuickConfig loud = WgQuickConfig.parse(file);
        assertEquals(1, loud.warnings().size());
        assertEquals(file + ": the file is world accessible, and it holds the private key; chmod 600 it",
                loud.warnings().getFirst().toString());

        assertEquals("other", WgQuickConfig.parse(file, "other").interfaceName());
    }

    @Test
    void rejectsAFileThatIsNotUtf8(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("wgt9.conf");
        Files.write(file, new byte[] {'[', 'I', (byte) 0xff, ']', '\n'});
        ConfigException e = assertThrows(ConfigException.class, () -> WgQuickConfig.parse(file));
        assertEquals(file + ": not UTF-8 text; save the file as UTF-8 (or plain ASCII)", e.getMessage());
    }

    @Test
    void errorsNameTheFileAsGiven(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("wgt8.conf");
        Files.writeString(file, "[Interface]\nListenPort = 1\n");
        ConfigException e = assertThrows(ConfigException.class, () -> WgQuickConfig.parse(file));
        assertEquals(file.toString(), e.file());
        assertTrue(e.getMessage().startsWith(file + ":1: PrivateKey: missing"), e.getMessage());
    }

    @Test
    void neverShowsKeysInToStringOrErrors() throws Exception {
        WgQuickConfig c = WgQuickConfig.parse("main-office.conf", resource("main-office.conf"));
        String shown = c.toString();
        assertFalse(shown.contains(TestKeys.MAIN_PRIVATE), shown);
        assertFalse(shown.contains(TestKeys.PRESHARED), shown);
        assertTrue(shown.contains("privateKey=(hidden)"), shown);
        assertTrue(shown.contains("presharedKey=(hidden)"), shown);
        assertEquals("(hidden)", c.iface().privateKey().toString());

        // A private key pasted on a line of its own is not echoed back in the error.
        ConfigException e = assertThrows(ConfigException.class, () -> parse("[Interface]\n@PRIV@\n"));
        assertTrue(TestKeys.secrets().isClean(e.getMessage()), e.getMessage());
        assertTrue(e.getMessage().contains("unknown key (43 characters, not shown)"), e.getMessage());
        ConfigException e2 = assertThrows(ConfigException.class,
                () -> parse("[Interface]\n" + TestKeys.MAIN_PRIVATE.replace("=", "") + "\n"));
        assertTrue(TestKeys.secrets().isClean(e2.getMessage()), e2.getMessage());
    }

    @Test
    void wipeKeysZeroesThePrivateKeyAndEveryPresharedKeyButNoPublicKey() throws Exception {
        WgQuickConfig c = WgQuickConfig.parse("main-office.conf", resource("main-office.conf"));
        assertTrue(c.peers().getFirst().presharedKey().isPresent(), "the example has a preshared key");
        c.wipeKeys();
        assertTrue(c.iface().privateKey().isZero());
        assertTrue(c.peers().getFirst().presharedKey().orElseThrow().isZero());
        assertEquals(TestKeys.SATELLITE_PUBLIC, c.peers().getFirst().publicKey().toBase64());
    }

    @Test
    void anUnconfiguredInterfaceHasNoKeyNoPeersAndWritesNoPrivateKey() {
        WgQuickConfig bare = WgQuickConfig.unconfigured("wq19u0");
        assertEquals("wq19u0", bare.interfaceName());
        assertTrue(bare.iface().privateKey().isZero());
        assertTrue(bare.peers().isEmpty() && bare.iface().addresses().isEmpty());
        assertEquals("[Interface]\n", bare.toWgQuickString());
    }
}
