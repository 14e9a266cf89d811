package io.wgate.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.wgate.core.testkit.EnginePair;
import io.wgate.core.testkit.EnginePair.Sent;
import io.wgate.core.testkit.Packets;
import io.wgate.core.wire.MessageType;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Roaming (whitepaper §2.1; kernel {@code socket.c}, wireguard-go {@code device/receive.go}): the endpoint follows
 * authenticated packets only.
 */
class EngineRoamingTest {

    private static final InetSocketAddress ALICE_NEW = new InetSocketAddress(Packets.inet("203.0.113.77"), 40000);
    private static final InetSocketAddress ATTACKER = new InetSocketAddress(Packets.inet("203.0.113.66"), 666);

    private final EnginePair pair = new EnginePair(21);

    @AfterEach
    void close() {
        pair.close();
    }

    private void aliceToBob(int seed) {
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(30, seed)));
        pair.bob.takeTunnel().forEach(ByteBuf::release);
    }

    @Test
    void endpointFollowsTheAuthenticatedSourceAndRepliesGoThere() {
        aliceToBob(1);
        assertEquals(EnginePair.ALICE_ADDRESS, pair.bob.peer.endpoint());

        pair.alice.address = ALICE_NEW; // alice's NAT mapping or uplink changed
        aliceToBob(2);
        assertEquals(ALICE_NEW, pair.bob.peer.endpoint());

        pair.sendPacket(pair.bob, Packets.udp4("10.0.0.2", "10.0.0.1", Packets.payload(30, 3)));
        List<Sent> fromBob = pair.sent(pair.bob, MessageType.TRANSPORT);
        assertEquals(ALICE_NEW, fromBob.get(fromBob.size() - 1).recipient());
        List<ByteBuf> atAlice = pair.alice.takeTunnel();
        assertEquals(1, atAlice.size(), "traffic resumes without a new handshake");
        atAlice.forEach(ByteBuf::release);
        assertEquals(1, pair.sent(pair.alice, MessageType.INITIATION).size());
    }

    @Test
    void unauthenticatedPacketsDoNotMoveTheEndpoint() {
        aliceToBob(1);
        List<Sent> transports = pair.sent(pair.alice, MessageType.TRANSPORT);
        byte[] captured = transports.get(transports.size() - 1).bytes();
        // A replay and a forgery from another address: neither authenticates, so neither roams.
        pair.inject(pair.bob, Unpooled.wrappedBuffer(captured.clone()), ATTACKER);
        byte[] forged = captured.clone();
        forged[20] ^= 1;
        pair.inject(pair.bob, Unpooled.wrappedBuffer(forged), ATTACKER);
        assertEquals(EnginePair.ALICE_ADDRESS, pair.bob.peer.endpoint());
        assertEquals(1, pair.bob.engine.drops().get(DropReason.REPLAYED));
        assertEquals(1, pair.bob.engine.drops().get(DropReason.DECRYPTION_FAILED));
    }

    @Test
    void initiatorRoamsToTheResponderAddressOfItsResponse() {
        // Bob answers from a different address than the one configured (e.g. a multi-homed host).
        InetSocketAddress bobElsewhere = new InetSocketAddress(Packets.inet("198.51.100.9"), 51821);
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(30, 4)));
        pair.bob.takeTunnel().forEach(ByteBuf::release);
        pair.bob.address = bobElsewhere;
        pair.sendPacket(pair.bob, Packets.udp4("10.0.0.2", "10.0.0.1", Packets.payload(30, 5)));
        assertEquals(bobElsewhere, pair.alice.peer.endpoint());
        // Not stream().peek(release).count(): count() of a sized list skips peek, so nothing was released.
        List<ByteBuf> delivered = pair.alice.takeTunnel();
        delivered.forEach(ByteBuf::release);
        assertEquals(1, delivered.size());
    }
}
