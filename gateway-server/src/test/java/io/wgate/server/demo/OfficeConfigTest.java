package io.wgate.server.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.server.config.PeerConfig;
import io.wgate.server.config.WgQuickConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OfficeConfigTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private final KeyPair main = KeyPair.generate(RANDOM);
    private final KeyPair satellite = KeyPair.generate(RANDOM);
    private final OfficeConfig config = new OfficeConfig("wgd0001-wgm", main, "172.16.1.1/24", 1420, 51820,
            satellite.publicKey(), List.of("172.16.1.0/24", "192.168.1.0/24"), Optional.of("203.0.113.2:51820"));

    @TempDir
    Path dir;

    @Test
    void wgQuickFileParsesToTheSameSettings() throws Exception {
        WgQuickConfig parsed = WgQuickConfig.parse("wgd0001-wgm.conf", config.wgQuick().lines().toList());
        assertEquals(main.privateKey(), parsed.iface().privateKey());
        assertEquals(51820, parsed.iface().listenPort());
        assertEquals(1420, parsed.iface().mtu().getAsInt());
        assertEquals("172.16.1.1/24", parsed.iface().addresses().getFirst().toString());
        PeerConfig peer = parsed.peers().getFirst();
        assertEquals(satellite.publicKey(), peer.publicKey());
        assertEquals("[172.16.1.0/24, 192.168.1.0/24]", peer.allowedIps().toString());
        assertEquals("203.0.113.2:51820", peer.endpoint().orElseThrow().toString());
    }

    @Test
    void setconfTextHasNoWgQuickKeys() {
        String text = config.wgSetconf();
        assertFalse(text.contains("Address"), text);
        assertFalse(text.contains("MTU"), text);
        assertTrue(text.contains("PrivateKey = " + main.privateKey().toBase64()), text);
        assertTrue(text.contains("Endpoint = 203.0.113.2:51820"), text);
    }

    @Test
    void uapiBodyIsWhatWgSetconfSends() {
        assertEquals("private_key=" + main.privateKey().toHex() + "\n"
                + "listen_port=51820\n"
                + "replace_peers=true\n"
                + "public_key=" + satellite.publicKey().toHex() + "\n"
                + "endpoint=203.0.113.2:51820\n"
                + "replace_allowed_ips=true\n"
                + "allowed_ip=172.16.1.0/24\n"
                + "allowed_ip=192.168.1.0/24\n", config.uapiSetBody());
    }

    @Test
    void withoutEndpointNoEndpointLine() {
        OfficeConfig responder = new OfficeConfig("x", main, "172.16.1.1/24", 1420, 51820, satellite.publicKey(),
                List.of("172.16.1.0/24"), Optional.empty());
        assertFalse(responder.wgQuick().contains("Endpoint"));
        assertFalse(responder.uapiSetBody().contains("endpoint="));
    }

    @Test
    void farLansLeaveOutTheTunnelNetwork() {
        assertEquals(List.of("192.168.1.0/24"), config.farLans());
    }

    @Test
    void withIpv6TooTheAddressesAreAListAndBothTunnelNetworksAreLeftOut() throws Exception {
        OfficeConfig dual = new OfficeConfig("wgd0001-wgm", main, "172.16.1.1/24, fd00:c::1/64", 1420, 51820,
                satellite.publicKey(), List.of("172.16.1.0/24", "192.168.1.0/24", "fd00:c::/64", "fd00:b::/64"),
                Optional.empty());
        assertEquals(List.of("172.16.1.1/24", "fd00:c::1/64"), dual.addresses());
        assertEquals(List.of("172.16.1.1/24"), config.addresses());
        assertEquals(List.of("192.168.1.0/24", "fd00:b::/64"), dual.farLans());
        WgQuickConfig parsed = WgQuickConfig.parse("wgd0001-wgm.conf", dual.wgQuick().lines().toList());
        assertEquals("[172.16.1.1/24, fd00:c::1/64]", parsed.iface().addresses().toString());
    }

    @Test
    void writesTheFileReadableByOwnerOnly() throws Exception {
        Path file = config.writeTo(dir);
        assertEquals(dir.resolve("wgd0001-wgm.conf"), file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(config.wgQuick(), Files.readString(file));
    }

    @Test
    void redactedHidesThePrivateKeyOnly() {
        String shown = config.redacted();
        assertFalse(shown.contains(main.privateKey().toBase64()));
        assertTrue(shown.contains(satellite.publicKey().toBase64()));
    }
}
