package io.wgate.server.uapi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.core.peer.Peer;
import io.wgate.core.route.Prefix;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class SetOperationTest extends FakeDeviceFixture {

    private static final String ZERO = "0".repeat(64);
    private static final String PSK = "cb57c8f1c3cc56d7c2329157a92748681621b00af101ab7366e94c8cad62088e";

    /** Parses and applies {@code body} as the server does; returns the errno. */
    private int set(String body) {
        return set(new SetOperation(), body);
    }

    private int set(SetOperation operation, String body) {
        try {
            operation.apply(device, SetRequestParser.parse(body));
            return 0;
        } catch (UapiException e) {
            return e.errno();
        }
    }

    private Peer peer(long seed) {
        return engine.peer(TestEngines.publicKey(seed));
    }

    private static String peerSection(long seed, String... lines) {
        return "public_key=" + TestEngines.publicHex(seed) + "\n" + String.join("\n", lines) + (lines.length > 0 ? "\n" : "");
    }

    private String snapshot() {
        return GetOperation.render(device);
    }

    // ---------------------------------------------------------------- applying

    @Test
    void appliesWgSetToAnEmptyDevice() {
        int errno = set("private_key=" + TestEngines.privateHex(1) + "\nlisten_port=0\n" + peerSection(2,
                "endpoint=192.0.2.1:51820", "persistent_keepalive_interval=25", "replace_allowed_ips=true",
                "allowed_ip=10.0.0.0/24", "allowed_ip=fd00::/64"));
        assertEquals(0, errno);
        assertArrayEquals(TestEngines.publicKey(1), engine.publicKey());
        assertEquals(40000, device.listenPort());
        Peer peer = peer(2);
        assertEquals(new InetSocketAddress("192.0.2.1", 51820), peer.endpoint());
        assertEquals(25, peer.persistentKeepaliveSeconds());
        assertEquals(List.of(Prefix.parse("10.0.0.0/24"), Prefix.parse("fd00::/64")), engine.allowedIps(peer));
        assertFalse(peer.handshake().hasPresharedKey());
        assertEquals(1, device.appliedCalls);
    }

    @Test
    void switchingKeepaliveOnOwesAKeepaliveAtTheNextTick() {
        set(peerSection(2));
        assertNotEquals(Long.MIN_VALUE, engine.nextDeadlineNanos());
        set(peerSection(2, "persistent_keepalive_interval=25"));
        assertTrue(peer(2).isKeepalivePending());
        assertEquals(Long.MIN_VALUE, engine.nextDeadlineNanos());
        peer(2).takeKeepalivePending();
        set(peerSection(2, "persistent_keepalive_interval=30"));
        assertFalse(peer(2).isKeepalivePending(), "only 0 -> N owes a keepalive");
    }

    @Test
    void anEndpointSetOnAnExistingPeerIsReportedToTheDevice() {
        set(peerSection(2, "endpoint=192.0.2.1:51820") + peerSection(3));
        assertEquals(List.of(), device.endpointsSet, "new peers have no configured host name to replace");
        set(peerSection(2, "persistent_keepalive_interval=25") + peerSection(3, "endpoint=192.0.2.3:51820"));
        assertEquals(List.of(peer(3)), device.endpointsSet);
    }

    @Test
    void setconfReplacesAllPeers() {
        set(peerSection(2, "allowed_ip=10.2.0.0/16") + peerSection(3, "allowed_ip=10.3.0.0/16"));
        int errno = set("private_key=" + TestEngines.privateHex(1) + "\nlisten_port=51821\nfwmark=0\nreplace_peers=true\n"
                + peerSection(3, "replace_allowed_ips=true", "allowed_ip=10.33.0.0/16")
                + peerSection(4, "preshared_key=" + PSK, "replace_allowed_ips=true", "allowed_ip=10.4.0.0/16"));
        assertEquals(0, errno);
        assertNull(peer(2));
        assertEquals(List.of(Prefix.parse("10.33.0.0/16")), engine.allowedIps(peer(3)));
        assertTrue(peer(4).handshake().hasPresharedKey());
        assertEquals(2, engine.peers().size());
        assertEquals(51821, device.listenPort());
        assertEquals(0, device.fwmarkCalls, "fwmark unchanged: not touched");
    }

    @Test
    void removesPeersAndIgnoresRemovalOfMissingOnes() {
        set(peerSection(2, "allowed_ip=10.2.0.0/16"));
        assertEquals(0, set(peerSection(2, "remove=true") + peerSection(3, "remove=true")));
        assertTrue(engine.peers().isEmpty());
        assertTrue(engine.allowedIps(new Peer(TestEngines.publicKey(2))).isEmpty());
    }

    @Test
    void linesAfterRemoveAreIgnoredButValidated() {
        set(peerSection(2));
        assertEquals(0, set(peerSection(2, "remove=true", "allowed_ip=10.0.0.0/8")));
        assertNull(peer(2));
        set(peerSection(2));
        assertEquals(UapiException.EINVAL, set(peerSection(2, "remove=true", "allowed_ip=bogus")));
        assertEquals(1, engine.peers().size(), "a rejected request changes nothing");
    }

    @Test
    void updateOnlyNeverCreatesButUpdates() {
        assertEquals(0, set(peerSection(2, "update_only=true", "allowed_ip=10.2.0.0/16")));
        assertNull(peer(2));
        set(peerSection(2));
        assertEquals(0, set(peerSection(2, "allowed_ip=10.2.0.0/16", "update_only=true")));
        assertEquals(List.of(Prefix.parse("10.2.0.0/16")), engine.allowedIps(peer(2)));
    }

    @Test
    void zeroKeysRemoveTheIdentityAndThePresharedKey() {
        set("private_key=" + TestEngines.privateHex(1) + "\n" + peerSection(2, "preshared_key=" + PSK));
        assertTrue(peer(2).handshake().hasPresharedKey());
        assertEquals(0, set("private_key=" + ZERO + "\n" + peerSection(2, "preshared_key=" + ZERO)));
        assertNull(engine.publicKey());
        assertFalse(peer(2).handshake().hasPresharedKey());
    }

    @Test
    void allowedIpChangesApplyInOrder() {
        set(peerSection(2, "allowed_ip=10.0.0.0/24", "allowed_ip=10.1.0.0/24"));
        set(peerSection(3, "allowed_ip=10.3.0.0/24"));
        assertEquals(0, set(peerSection(2, "allowed_ip=-10.0.0.0/24", "allowed_ip=-10.3.0.0/24",
                "allowed_ip=10.9.0.0/24")));
        assertEquals(List.of(Prefix.parse("10.1.0.0/24"), Prefix.parse("10.9.0.0/24")), engine.allowedIps(peer(2)));
        assertEquals(List.of(Prefix.parse("10.3.0.0/24")), engine.allowedIps(peer(3)), "not 2's to remove");
        assertEquals(0, set(peerSection(2, "allowed_ip=10.7.0.0/24", "replace_allowed_ips=true",
                "allowed_ip=10.8.0.0/24")));
        assertEquals(List.of(Prefix.parse("10.8.0.0/24")), engine.allowedIps(peer(2)), "replace clears earlier lines");
        assertEquals(0, set(peerSection(2, "allowed_ip=10.3.0.0/24")));
        assertTrue(engine.allowedIps(peer(3)).isEmpty(), "an added prefix moves from its previous owner");
    }

    @Test
    void ignoresAPeerWithOurOwnPublicKey() {
        set("private_key=" + TestEngines.privateHex(1) + "\n");
        assertEquals(0, set(peerSection(2) + peerSection(1, "allowed_ip=10.1.0.0/16") + peerSection(3)));
        assertNull(peer(1));
        assertEquals(2, engine.peers().size());
    }

    @Test
    void ignoresOurOwnKeyWhenThePrivateKeyChangesInTheSameRequest() {
        SetSummary summary = assertDoesNotFail(() -> new SetOperation().apply(device, SetRequestParser.parse(
                "private_key=" + TestEngines.privateHex(5) + "\n" + peerSection(5) + peerSection(6))));
        assertNull(peer(5));
        assertEquals(1, summary.peersAdded());
        assertEquals(1, summary.peersIgnored());
    }

    @Test
    void aNewPrivateKeyDropsThePeerThatHasItsPublicKey() {
        set(peerSection(5) + peerSection(6));
        assertEquals(0, set("private_key=" + TestEngines.privateHex(5) + "\n"));
        assertNull(peer(5));
        assertEquals(1, engine.peers().size());
    }

    @Test
    void rebindsOnlyWhenThePortChangesOrIsZero() {
        set("listen_port=51820\n");
        assertEquals(1, device.bindCalls);
        set("listen_port=51820\n");
        assertEquals(1, device.bindCalls, "same port: no rebind");
        set("listen_port=0\n");
        assertEquals(2, device.bindCalls, "0 picks a new random port, as wireguard-go and the kernel do");
        assertEquals(40000, device.listenPort());
    }

    @Test
    void setsFwmarkOnlyWhenItChanges() {
        set("fwmark=16\n");
        set("fwmark=16\n");
        assertEquals(1, device.fwmarkCalls);
        assertEquals(16, device.fwmark());
    }

    // ---------------------------------------------------------------- all or nothing

    @Test
    void aRequestWhoseThirdPeerIsInvalidAddsNothing() {
        String before = snapshot();
        int errno = set("private_key=" + TestEngines.privateHex(1) + "\n" + peerSection(2, "allowed_ip=10.2.0.0/16")
                + peerSection(3, "allowed_ip=10.3.0.0/16") + peerSection(4, "endpoint=not-an-address:1"));
        assertEquals(UapiException.EINVAL, errno);
        assertEquals(before, snapshot());
        assertTrue(engine.peers().isEmpty());
        assertNull(engine.publicKey());
        assertEquals(0, device.appliedCalls);
    }

    @Test
    void aThirdPeerBeyondThePeerLimitAddsNothing() {
        set(peerSection(9));
        String before = snapshot();
        SetOperation limited = new SetOperation(3);
        UapiException e = assertThrows(UapiException.class, () -> limited.apply(device, SetRequestParser.parse(
                "listen_port=51820\n" + peerSection(2) + peerSection(3) + peerSection(4))));
        assertEquals(UapiException.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("too many peers"), e.getMessage());
        assertEquals(before, snapshot());
        assertEquals(0, device.bindCalls, "planning fails before any socket change");
        assertEquals(0, set(limited, "replace_peers=true\n" + peerSection(2) + peerSection(3) + peerSection(4)),
                "the limit counts peers after replace_peers");
    }

    @Test
    void aListenPortThatCannotBeBoundLeavesEverythingUnchanged() {
        set("private_key=" + TestEngines.privateHex(1) + "\nlisten_port=51820\nfwmark=1\n" + peerSection(2));
        String before = snapshot();
        device.busyPorts.add(51821);
        int errno = set("private_key=" + TestEngines.privateHex(7) + "\nlisten_port=51821\nfwmark=2\n"
                + "replace_peers=true\n" + peerSection(3, "allowed_ip=10.3.0.0/16"));
        assertEquals(UapiException.EADDRINUSE, errno);
        assertEquals(before, snapshot());
        assertEquals(1, device.fwmark(), "the fwmark change was undone");
        assertEquals(51820, device.listenPort());
        assertArrayEquals(TestEngines.publicKey(1), engine.publicKey());
    }

    @Test
    void anFwmarkThatCannotBeSetLeavesEverythingUnchanged() {
        set(peerSection(2));
        String before = snapshot();
        device.failFwmark = true;
        assertEquals(UapiException.EADDRINUSE, set("listen_port=1234\nfwmark=7\n" + peerSection(3)));
        assertEquals(before, snapshot());
        assertEquals(0, device.bindCalls);
    }

    // ---------------------------------------------------------------- summary

    @Test
    void summarisesWhatChangedWithoutKeys() throws Exception {
        SetSummary first = new SetOperation().apply(device, SetRequestParser.parse("private_key="
                + TestEngines.privateHex(1) + "\nlisten_port=51820\n" + peerSection(2, "allowed_ip=10.2.0.0/16",
                "allowed_ip=10.3.0.0/16") + peerSection(1)));
        assertEquals("private key set, listen port 51820, 1 peer added, 1 peer section ignored, 2 allowed IPs added",
                first.describe());
        String resend = "private_key=" + TestEngines.privateHex(1) + "\nlisten_port=51820\nfwmark=0\n"
                + peerSection(2, "replace_allowed_ips=true", "allowed_ip=10.2.0.0/16", "allowed_ip=10.3.0.0/16");
        assertEquals("no changes", new SetOperation().apply(device, SetRequestParser.parse(resend)).describe(),
                "what wg syncconf re-sends changes nothing");
        SetSummary third = new SetOperation().apply(device, SetRequestParser.parse("replace_peers=true\n"
                + peerSection(3, "endpoint=192.0.2.3:1")));
        assertEquals("1 peer added, 1 peer removed", third.describe());
        SetSummary fourth = new SetOperation().apply(device, SetRequestParser.parse(
                peerSection(3, "endpoint=192.0.2.4:1", "allowed_ip=10.0.0.0/8")));
        assertEquals("1 peer changed, 1 allowed IP added", fourth.describe());
    }

    private interface Action<T> {
        T run() throws Exception;
    }

    private static <T> T assertDoesNotFail(Action<T> action) {
        try {
            return action.run();
        } catch (Exception e) {
            throw new AssertionError("unexpected " + e, e);
        }
    }
}
