package io.wgate.server.uapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.core.route.Prefix;
import io.wgate.server.config.WgKey;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GetResponseParserTest {

    private static final String ZERO = "0".repeat(64);

    @Test
    void parsesAWireguardGoAnswer() throws Exception {
        DeviceStatus status = GetResponseParser.parse("wg0", """
                private_key=%s
                listen_port=51820
                fwmark=4294967295
                jc=4
                public_key=%s
                preshared_key=%s
                protocol_version=1
                endpoint=[2001:db8::1]:51820
                last_handshake_time_sec=1767225600
                last_handshake_time_nsec=5
                tx_bytes=18446744073709551615
                rx_bytes=10
                persistent_keepalive_interval=25
                allowed_ip=10.0.0.0/24
                allowed_ip=fd00::/64
                public_key=%s
                preshared_key=%s
                protocol_version=1
                last_handshake_time_sec=0
                last_handshake_time_nsec=0
                tx_bytes=0
                rx_bytes=0
                persistent_keepalive_interval=0
                errno=0""".formatted(TestEngines.privateHex(1), TestEngines.publicHex(2), TestEngines.privateHex(9),
                TestEngines.publicHex(3), ZERO).lines().toList());
        assertEquals("wg0", status.interfaceName());
        assertEquals(Optional.of(TestEngines.publicWgKey(1)), status.publicKey(), "derived from the private key");
        assertEquals(51820, status.listenPort());
        assertEquals(-1, status.fwmark());
        assertEquals(2, status.peers().size());
        PeerStatus first = status.peers().getFirst();
        assertEquals(TestEngines.publicWgKey(2), first.publicKey());
        assertEquals(Optional.of(WgKey.of(TestEngines.privateKey(9))), first.presharedKey());
        assertEquals(Optional.of(new InetSocketAddress("2001:db8::1", 51820)), first.endpoint());
        assertEquals(1767225600L, first.lastHandshakeEpochSeconds());
        assertEquals(5, first.lastHandshakeNanos());
        assertEquals(-1L, first.txBytes());
        assertEquals(10, first.rxBytes());
        assertEquals(25, first.persistentKeepaliveSeconds());
        assertEquals(List.of(Prefix.parse("10.0.0.0/24"), Prefix.parse("fd00::/64")), first.allowedIps());
        PeerStatus second = status.peers().get(1);
        assertEquals(Optional.empty(), second.presharedKey(), "all zero means none");
        assertEquals(Optional.empty(), second.endpoint());
        assertTrue(!second.hasHandshake());
    }

    @Test
    void anEmptyDeviceHasNoKeys() throws Exception {
        DeviceStatus status = GetResponseParser.parse("wg0", List.of("errno=0"));
        assertEquals(Optional.empty(), status.privateKey());
        assertEquals(Optional.empty(), status.publicKey());
        assertEquals(0, status.listenPort());
        assertTrue(status.peers().isEmpty());
    }

    @Test
    void reportsTheDaemonsErrno() {
        UapiException e = assertThrows(UapiException.class, () -> GetResponseParser.parse("wg0", List.of("errno=-22")));
        assertEquals(-22, e.errno());
    }

    @Test
    void anAnswerWithoutErrnoIsAProtocolError() {
        UapiException e = assertThrows(UapiException.class,
                () -> GetResponseParser.parse("wg0", List.of("listen_port=1")));
        assertEquals(UapiException.EPROTO, e.errno());
    }

    @Test
    void aMalformedLineIsAProtocolError() {
        UapiException e = assertThrows(UapiException.class,
                () -> GetResponseParser.parse("wg0", List.of("listen_port=x", "errno=0")));
        assertEquals(UapiException.EPROTO, e.errno());
        assertEquals("wg0: answer line 1: listen_port: not a decimal number (character 1 is not a digit)",
                e.getMessage());
    }
}
