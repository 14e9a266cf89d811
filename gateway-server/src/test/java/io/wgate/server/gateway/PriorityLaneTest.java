package io.wgate.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.wgate.core.limit.KnownEndpoints;
import io.wgate.core.peer.Peer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link PriorityLane} in the kernel: an initiation from a peer's endpoint address reaches the data socket, one from
 * another address the handshake socket; the lane follows the peer when it moves, and attaches nothing when nothing
 * changed or when there is no handshake socket.
 */
class PriorityLaneTest {

    private static final byte[] INITIATION = initiation();
    private final SteeringGroup group = new SteeringGroup();
    private final KnownEndpoints endpoints = new KnownEndpoints();
    private final PriorityLane lane = new PriorityLane("wgtest0", endpoints);

    @AfterEach
    void stop() {
        group.close();
    }

    private static byte[] initiation() {
        byte[] message = new byte[148];
        message[0] = 1;
        return message;
    }

    private static InetAddress address(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    private Peer peerAt(String address, int port) {
        byte[] key = new byte[32];
        key[0] = 7;
        Peer peer = new Peer(key);
        peer.trackEndpointIn(endpoints);
        peer.setEndpoint(new InetSocketAddress(address, port));
        return peer;
    }

    @Test
    void aPeersHandshakesTakeTheLaneAndTheLaneFollowsThePeer() throws Exception {
        HandshakeSteering.attach(group.data.fd().intValue());
        group.join();
        Peer peer = peerAt("127.0.0.2", 51820);
        lane.use(group.data, true);
        lane.refresh();
        assertEquals(List.of(address("127.0.0.2")), lane.attached());
        group.sendAndExpect(address("127.0.0.2"), INITIATION, HandshakeSteering.DATA_SOCKET, "the peer's initiation");
        group.sendAndExpect(address("127.0.0.3"), INITIATION, HandshakeSteering.HANDSHAKE_SOCKET,
                "a stranger's initiation");

        peer.setEndpoint(new InetSocketAddress("127.0.0.3", 51820)); // roamed
        lane.refresh();
        assertEquals(List.of(address("127.0.0.3")), lane.attached());
        group.sendAndExpect(address("127.0.0.3"), INITIATION, HandshakeSteering.DATA_SOCKET, "the moved peer's");
        group.sendAndExpect(address("127.0.0.2"), INITIATION, HandshakeSteering.HANDSHAKE_SOCKET,
                "its old address's");

        List<InetAddress> before = lane.attached();
        peer.setEndpoint(new InetSocketAddress("127.0.0.3", 51821)); // another port, the same address
        lane.refresh();
        assertSame(before, lane.attached(), "the same addresses: no new program");
    }

    @Test
    void withoutAHandshakeSocketThereIsNoLane() throws Exception {
        HandshakeSteering.attach(group.data.fd().intValue());
        peerAt("127.0.0.2", 51820);
        lane.use(group.data, false);
        lane.refresh();
        assertEquals(List.of(), lane.attached());
    }

    @Test
    void newSocketsGetTheLaneAgain() throws Exception {
        HandshakeSteering.attach(group.data.fd().intValue());
        group.join();
        peerAt("127.0.0.2", 51820);
        lane.use(group.data, true);
        lane.refresh();
        lane.use(group.data, true); // as after a listen-port change: the new sockets carry the plain program
        assertEquals(List.of(), lane.attached());
        lane.refresh();
        assertEquals(List.of(address("127.0.0.2")), lane.attached());
        group.sendAndExpect(address("127.0.0.2"), INITIATION, HandshakeSteering.DATA_SOCKET, "the peer's initiation");
    }
}
