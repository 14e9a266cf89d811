package io.wgate.server.uapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wgate.core.Engine;
import io.wgate.core.peer.Peer;
import io.wgate.core.route.Prefix;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class GetOperationTest extends FakeDeviceFixture {

    @Test
    void rendersNothingForAnEmptyDevice() {
        assertEquals("", GetOperation.render(device));
    }

    @Test
    void rendersDeviceAndPeersInWireguardGoOrder() {
        engine.setPrivateKey(TestEngines.privateKey(1));
        device.listenPort = 51820;
        device.fwmark = 0x10;
        Peer first = engine.addPeer(TestEngines.publicKey(2));
        first.handshake().setPresharedKey(TestEngines.privateKey(9));
        first.setEndpoint(new InetSocketAddress("192.0.2.1", 51820));
        engine.setPersistentKeepalive(first, 25);
        engine.addAllowedIp(first, Prefix.parse("fd00::/64"));
        engine.addAllowedIp(first, Prefix.parse("10.0.0.0/24"));
        first.setLastHandshakeEpochNanos(1_767_225_600_123_456_789L);
        first.addRxBytes(1234);
        first.addTxBytes(5678);
        Peer second = engine.addPeer(TestEngines.publicKey(3));
        second.setEndpoint(new InetSocketAddress("2001:db8::1", 51821));

        assertEquals("private_key=" + TestEngines.privateHex(1) + "\n"
                + "listen_port=51820\n"
                + "fwmark=16\n"
                + "public_key=" + TestEngines.publicHex(2) + "\n"
                + "preshared_key=" + TestEngines.privateHex(9) + "\n"
                + "protocol_version=1\n"
                + "endpoint=192.0.2.1:51820\n"
                + "last_handshake_time_sec=1767225600\n"
                + "last_handshake_time_nsec=123456789\n"
                + "tx_bytes=5678\n"
                + "rx_bytes=1234\n"
                + "persistent_keepalive_interval=25\n"
                + "allowed_ip=10.0.0.0/24\n"
                + "allowed_ip=fd00::/64\n"
                + "public_key=" + TestEngines.publicHex(3) + "\n"
                + "preshared_key=" + "0".repeat(64) + "\n"
                + "protocol_version=1\n"
                + "endpoint=[2001:db8::1]:51821\n"
                + "last_handshake_time_sec=0\n"
                + "last_handshake_time_nsec=0\n"
                + "tx_bytes=0\n"
                + "rx_bytes=0\n"
                + "persistent_keepalive_interval=0\n", GetOperation.render(device));
    }

    @Test
    void omitsUnsetDeviceFieldsAndUnknownEndpoints() {
        engine.addPeer(TestEngines.publicKey(2));
        assertEquals("public_key=" + TestEngines.publicHex(2) + "\n"
                + "preshared_key=" + "0".repeat(64) + "\n"
                + "protocol_version=1\n"
                + "last_handshake_time_sec=0\n"
                + "last_handshake_time_nsec=0\n"
                + "tx_bytes=0\n"
                + "rx_bytes=0\n"
                + "persistent_keepalive_interval=0\n", GetOperation.render(device));
    }

    @Test
    void rendersLargeFwmarkAndCountersUnsigned() {
        device.fwmark = 0xffff_ffff;
        Peer peer = engine.addPeer(TestEngines.publicKey(2));
        peer.addTxBytes(Integer.MAX_VALUE);
        String out = GetOperation.render(device);
        assertEquals("fwmark=4294967295", out.lines().findFirst().orElseThrow());
        assertEquals("tx_bytes=2147483647", out.lines().filter(l -> l.startsWith("tx_bytes=")).findFirst()
                .orElseThrow());
    }

    @Test
    void whatGetRendersSetAcceptsAndReproduces() throws Exception {
        engine.setPrivateKey(TestEngines.privateKey(1));
        Peer peer = engine.addPeer(TestEngines.publicKey(2));
        peer.setEndpoint(new InetSocketAddress("2001:db8::7", 1));
        engine.addAllowedIp(peer, Prefix.parse("10.0.0.0/8"));
        engine.setPersistentKeepalive(peer, 5);
        String rendered = GetOperation.render(device);

        Engine copy = TestEngines.engine(43);
        try {
            FakeDevice other = new FakeDevice(copy);
            String setBody = rendered.lines()
                    .filter(l -> !l.startsWith("last_handshake") && !l.startsWith("tx_bytes") && !l.startsWith("rx_bytes"))
                    .reduce("", (a, l) -> a + l + "\n");
            new SetOperation().apply(other, SetRequestParser.parse(setBody));
            assertEquals(rendered, GetOperation.render(other));
        } finally {
            copy.close();
        }
    }
}
