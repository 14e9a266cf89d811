package io.wgate.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.crypto.X25519;
import io.wgate.core.route.Prefix;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example configurations shipped in {@code deploy/examples} (and shown in the README) stay valid. */
class DeployExamplesTest {

    private static final Path EXAMPLES = Path.of(System.getProperty("basedir", "."))
            .resolve("../deploy/examples").normalize();

    @Test
    void mainOfficeAndSatelliteParseAndPointAtEachOther() throws Exception {
        WgQuickConfig main = WgQuickConfig.parse(EXAMPLES.resolve("main-office.conf"));
        WgQuickConfig satellite = WgQuickConfig.parse(EXAMPLES.resolve("satellite.conf"));
        assertEquals("main-office", main.interfaceName());
        assertEquals("satellite", satellite.interfaceName());

        PeerConfig mainsPeer = main.peers().getFirst();
        PeerConfig satellitesPeer = satellite.peers().getFirst();
        assertEquals(WgKey.of(X25519.publicKey(satellite.iface().privateKey().bytes())), mainsPeer.publicKey());
        assertEquals(WgKey.of(X25519.publicKey(main.iface().privateKey().bytes())), satellitesPeer.publicKey());
        assertEquals(List.of(Prefix.parse("172.16.1.0/24"), Prefix.parse("192.168.1.0/24")), mainsPeer.allowedIps());
        assertEquals(List.of(Prefix.parse("172.16.1.0/24"), Prefix.parse("10.10.10.0/24")), satellitesPeer.allowedIps());
        assertEquals(mainsPeer.presharedKey(), satellitesPeer.presharedKey());
        assertTrue(mainsPeer.endpoint().orElseThrow().isLiteral());
        assertEquals(1420, main.iface().mtu().getAsInt());
    }
}
