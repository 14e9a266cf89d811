package io.wgate.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wgate.core.route.Prefix;
import io.wgate.server.config.InterfaceAddress;
import io.wgate.server.config.WgKey;
import io.wgate.server.config.WgQuickConfig;
import io.wgate.server.uapi.DeviceStatus;
import io.wgate.server.uapi.PeerStatus;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What {@code SaveConfig = true} writes back: the golden file and its round trip. */
class SaveConfigTest {

    // The example keys of the config tests (src/test/resources/io/wgate/server/config): test data, not secrets.
    private static final String PRIVATE = "qGLNAoT7E+upkvmo6m4Pdrq+08nn4jYURUqhloIpRn8=";
    private static final String SATELLITE = "kwVRya604rVcH3/vtvvZqwBQxzWec016ks1RxU7pKHs=";
    private static final String PRESHARED = "+U/QqhuQj/16WnCw5V24PfWgDXBXwdeHuTpdq8HOdHM=";
    private static final String REMOVED = "+0efv0wmevKqYw8nUX4/GNCW17xQP4BEvTKDb56NQjI=";
    private static final String ADDED = "6Wts8ls3PBBgXcK4Hx/z1rwONg+dfhns7bVOeDOLyzU=";

    private static final String FILE = """
            [Interface]
            PrivateKey = %s
            Address = 10.19.0.1/24
            MTU = 1400
            DNS = 192.0.2.53, corp.example
            Table = off
            PreUp = echo pre-up %%i
            PostDown = echo post-down %%i
            SaveConfig = true

            [Peer]
            # Name = Satellite
            PublicKey = %s
            AllowedIPs = 10.19.0.2/32
            Endpoint = satellite.example.net:51820

            [Peer]
            PublicKey = %s
            AllowedIPs = 10.19.0.3/32
            Endpoint = 192.0.2.3:51820
            """.formatted(PRIVATE, SATELLITE, REMOVED);

    /** What the file becomes when the engine runs as {@link #running()} says and the link has two addresses. */
    private static final String SAVED = """
            [Interface]
            PrivateKey = %s
            ListenPort = 43306
            Address = 10.19.0.1/24, 10.19.0.10/24
            MTU = 1380
            DNS = 192.0.2.53, corp.example
            Table = off
            PreUp = echo pre-up %%i
            PostDown = echo post-down %%i
            SaveConfig = true

            [Peer]
            # Name = Satellite
            PublicKey = %s
            PresharedKey = %s
            AllowedIPs = 10.19.0.2/32, 172.16.2.0/24
            Endpoint = satellite.example.net:51820
            PersistentKeepalive = 25

            [Peer]
            PublicKey = %s
            AllowedIPs = fd00::9/128
            Endpoint = [2001:db8::9]:51821
            """.formatted(PRIVATE, SATELLITE, PRESHARED, ADDED);

    private static WgKey key(String base64) {
        return WgKey.parseBase64(base64).orElseThrow();
    }

    /** The engine after {@code wg set}: the satellite got a prefix, a PSK and a keepalive; one peer went, one came. */
    private static DeviceStatus running() {
        PeerStatus satellite = new PeerStatus(key(SATELLITE), Optional.of(key(PRESHARED)),
                Optional.of(new InetSocketAddress("198.51.100.7", 51820)), 1_700_000_000L, 5, 100, 200, 25,
                List.of(Prefix.parse("10.19.0.2/32"), Prefix.parse("172.16.2.0/24")));
        PeerStatus added = new PeerStatus(key(ADDED), Optional.empty(),
                Optional.of(new InetSocketAddress("2001:db8::9", 51821)), 0, 0, 0, 0, 0,
                List.of(Prefix.parse("fd00::9/128")));
        WgKey own = key(PRIVATE);
        return new DeviceStatus("wq19s0", Optional.of(own), Optional.of(own.publicKey()), 43306, 0,
                List.of(satellite, added));
    }

    private static WgQuickConfig file() throws Exception {
        return WgQuickConfig.parse("wq19s0.conf", FILE.lines().toList());
    }

    @Test
    void writesTheRunningPeersTheLinksAddressesAndTheFilesWgQuickKeys() throws Exception {
        WgQuickConfig saved = SaveConfig.merge(file(), running(),
                List.of(InterfaceAddress.parse("10.19.0.1/24"), InterfaceAddress.parse("10.19.0.10/24")), 1380);
        assertEquals(SAVED, saved.toWgQuickString());
    }

    @Test
    void theSavedFileParsesBackToTheSameConfiguration() throws Exception {
        WgQuickConfig saved = SaveConfig.merge(file(), running(), List.of(InterfaceAddress.parse("10.19.0.1/24")),
                1380);
        WgQuickConfig again = WgQuickConfig.parse("wq19s0.conf", saved.toWgQuickString().lines().toList());
        assertEquals(saved.iface().addresses(), again.iface().addresses());
        assertEquals(saved.iface().listenPort(), again.iface().listenPort());
        assertEquals(saved.iface().hooks(), again.iface().hooks());
        assertEquals(saved.peers(), again.peers());
        assertEquals(saved.toWgQuickString(), again.toWgQuickString());
    }

    @Test
    void aFileWithoutMtuGetsNoneAndAFwmarkTheEngineHasIsKept() throws Exception {
        WgQuickConfig original = WgQuickConfig.parse("wq19s0.conf", List.of("[Interface]", "PrivateKey = " + PRIVATE));
        WgKey own = key(PRIVATE);
        DeviceStatus engine = new DeviceStatus("wq19s0", Optional.of(own), Optional.of(own.publicKey()), 51820,
                51820, List.of());
        assertEquals("""
                [Interface]
                PrivateKey = %s
                ListenPort = 51820
                FwMark = 0xca6c
                """.formatted(PRIVATE), SaveConfig.merge(original, engine, List.of(), 1420).toWgQuickString());
    }
}
