package io.wgate.server.routeros;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.server.config.ConfigWarning;
import io.wgate.server.config.WgKey;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link RouterOsImporter} on the hand-written exports: golden wg-quick files, warnings and errors by line. */
class RouterOsImporterTest {

    @ParameterizedTest
    @CsvSource({"main-office.rsc, main-office", "satellite-terse.rsc, satellite", "forms.rsc, wg-branch"})
    void eachExportGivesItsGoldenWgQuickFile(String export, String iface) {
        RouterOsConfig config = RouterOsImporter.read(export, RouterOsTestFiles.read(export));
        assertEquals(List.of(), config.errors());
        assertEquals(1, config.interfaces().size(), config.interfaces().toString());
        WireguardInterface wg = config.interfaces().getFirst();
        assertEquals(iface, wg.name());
        assertEquals(RouterOsTestFiles.read(iface + ".conf.golden"), WgQuickRendering.render(wg, export));
    }

    @Test
    void terseAndHierarchicalExportsAreTheSame() {
        String hierarchical = RouterOsTestFiles.read("main-office.rsc");
        String terse = """
                /interface wireguard add listen-port=51820 mtu=1420 name=main-office private-key="%s"
                /interface wireguard peers add allowed-address=172.16.1.0/24,192.168.1.0/24 \
                endpoint-address=203.0.113.2 endpoint-port=51820 interface=main-office name=Satellite public-key="%s"
                /ip address add address=172.16.1.1/24 interface=main-office network=172.16.1.0
                """.formatted(RouterOsTestFiles.MAIN_PRIVATE, RouterOsTestFiles.SATELLITE_PUBLIC);
        assertEquals(render(hierarchical), render(terse));
    }

    @Test
    void linesOfContinuedCommandsAreThoseOfTheirProperties() {
        RouterOsConfig config = RouterOsImporter.read("main-office.rsc", RouterOsTestFiles.read("main-office.rsc"));
        WireguardInterface wg = config.interfaces().getFirst();
        assertEquals(8, wg.line());
        assertEquals(8, wg.lineOf("private-key"));
        WireguardPeer peer = wg.peers().getFirst();
        assertEquals(11, peer.line());
        assertEquals(12, peer.lineOf("endpoint-port"));
        assertEquals(12, peer.lineOf("public-key"), "the line of its name; the value follows");
        assertEquals(List.of("note: left out 3 commands with no wg-quick equivalent: /interface bridge (1), "
                + "/ip dhcp-server (1), /system identity (1)"),
                config.notes().stream().filter(n -> n.startsWith("left")).map(n -> "note: " + n).toList());
        assertEquals(List.of("10.10.10.0/24"), config.lans().stream().map(Object::toString).toList());
    }

    @Test
    void oddFormsAreReadAndWhatIsLeftOutIsSaidWithItsLine() {
        RouterOsConfig config = RouterOsImporter.read("forms.rsc", RouterOsTestFiles.read("forms.rsc"));
        WireguardInterface wg = config.interfaces().getFirst();
        assertEquals(Optional.empty(), wg.privateKey(), "the export hides it");
        assertEquals(Optional.of("Branch \"North\" link"), wg.comment());
        assertEquals(WireguardInterface.DEFAULT_LISTEN_PORT, wg.listenPort());
        assertEquals(1400, wg.mtu(), "set [ find name=wg-branch ] mtu=1400");
        assertEquals(List.of(90, 60, 40), wg.peers().stream().map(WireguardPeer::keepaliveSeconds).toList());
        assertEquals(Optional.of("South Office"), wg.peers().get(1).name());
        assertEquals(Optional.of(WgKey.parseBase64(RouterOsTestFiles.PRESHARED).orElseThrow()),
                wg.peers().get(1).presharedKey());
        assertEquals(List.of("forms.rsc:5: disabled: the WireGuard interface 'wg-spare' is disabled (disabled=yes); "
                        + "left out",
                "forms.rsc:12: disabled: the peer 'Old' is disabled (disabled=yes); left out",
                "forms.rsc:13: frobnicate: unknown property 'frobnicate' on /interface wireguard peers; not imported",
                "forms.rsc:14: is-responder: no wg-quick equivalent; not imported"),
                config.warnings().stream().map(ConfigWarning::toString).filter(w -> !w.contains("route")).toList());
        assertTrue(config.warnings().stream().anyMatch(w -> w.line() == 22 && w.detail().contains("10.99.0.0/16")
                && w.detail().contains("no peer's allowed-address covers it")), config.warnings().toString());
        assertTrue(config.notes().stream().anyMatch(n -> n.startsWith("forms.rsc:21: route 10.20.0.0/16 via "
                + "'wg-branch': covered")), config.notes().toString());
    }

    @Test
    void everyMalformedLineIsAnErrorWithItsLineAndNoKeyMaterial() {
        RouterOsConfig config = RouterOsImporter.read("malformed.rsc", RouterOsTestFiles.read("malformed.rsc"));
        String errors = config.errors().stream().map(ConfigWarning::toString).collect(Collectors.joining("\n"));
        for (String expected : List.of("malformed.rsc:2: private-key: not a base64-encoded 32-byte key",
                "malformed.rsc:3: listen-port: '99999' is not a number in 1..65535",
                "malformed.rsc:5: allowed-address: bad prefix '10.0.0.0/33'",
                "malformed.rsc:6: comment: the quoted value has no closing '\"'",
                "malformed.rsc:7: public-key: a peer needs its public key",
                "malformed.rsc:8: 'frobnicate' is not a RouterOS command",
                "malformed.rsc:9: a script statement",
                "malformed.rsc:10: persistent-keepalive: 'ten' is not a time",
                "malformed.rsc:10: endpoint-port: '0x10' is not a number",
                "malformed.rsc:11: comment: unknown escape '\\q'",
                "malformed.rsc:13: address: not an address with a prefix length",
                "malformed.rsc:17: the last line ends with '\\'")) {
            assertTrue(errors.contains(expected), "missing " + expected + " in\n" + errors);
        }
        assertTrue(config.warnings().stream().anyMatch(w -> w.line() == 15), "a bad line outside WireGuard warns");
        assertTrue(RouterOsTestFiles.secrets().isClean(errors + config.warnings() + config.notes()));
    }

    @Test
    void defaultsAndTheEndpointForms() {
        RouterOsConfig config = RouterOsImporter.read("t.rsc", """
                /interface wireguard
                add name=wg7
                /interface wireguard peers
                add interface=wg7 public-key="%s" endpoint-address=gw.example.net
                add interface=wg7 public-key="%s" endpoint-address=2001:db8::1 endpoint-port=13231
                """.formatted(RouterOsTestFiles.SATELLITE_PUBLIC, RouterOsTestFiles.OTHER_PUBLIC));
        WireguardInterface wg = config.interfaces().getFirst();
        assertEquals(13231, wg.listenPort());
        assertEquals(1420, wg.mtu());
        assertEquals("gw.example.net:51820", wg.peers().get(0).endpoint().orElseThrow().toString());
        assertEquals("[2001:db8::1]:13231", wg.peers().get(1).endpoint().orElseThrow().toString());
        assertTrue(config.warnings().stream().anyMatch(w -> w.line() == 4 && w.detail().contains("51820")));
    }

    @Test
    void noWireguardAtAllIsAnError() {
        RouterOsConfig config = RouterOsImporter.read("x.rsc", "/system identity\nset name=x\n");
        assertEquals(List.of("x.rsc: no enabled /interface wireguard entry; is this a RouterOS v7 export ('/export' "
                + "or '/export terse' on the router)?"), config.errors().stream().map(Object::toString).toList());
    }

    @Test
    void durations() {
        assertEquals(25, RouterOsDuration.seconds("25s").orElseThrow());
        assertEquals(60, RouterOsDuration.seconds("1m").orElseThrow());
        assertEquals(90, RouterOsDuration.seconds("1m30s").orElseThrow());
        assertEquals(3_600, RouterOsDuration.seconds("1h").orElseThrow());
        assertEquals(40, RouterOsDuration.seconds("00:00:40").orElseThrow());
        assertEquals(25, RouterOsDuration.seconds("25").orElseThrow());
        assertEquals(1, RouterOsDuration.seconds("1s500ms").orElseThrow());
        assertTrue(RouterOsDuration.seconds("ten").isEmpty());
        assertTrue(RouterOsDuration.seconds("1x").isEmpty());
        assertEquals("1m30s", RouterOsDuration.format(90));
        assertEquals("25s", RouterOsDuration.format(25));
        assertEquals("18h12m15s", RouterOsDuration.format(65535));
    }

    private static String render(String export) {
        RouterOsConfig config = RouterOsImporter.read("x.rsc", export);
        assertEquals(List.of(), config.errors());
        return WgQuickRendering.render(config.interfaces().getFirst(), "x.rsc");
    }
}
