package io.wgate.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.wgate.core.testkit.EnginePair;
import io.wgate.core.testkit.EnginePair.Sent;
import io.wgate.core.testkit.Packets;
import io.wgate.core.wire.MessageType;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile and broken datagrams are dropped with the right {@link DropReason}, never delivered, and
 * leave the session working.
 */
class EngineDropTest {

    private final EnginePair pair = new EnginePair(11);

    @BeforeEach
    void establish() {
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(50, 1)));
        pair.bob.takeTunnel().forEach(ByteBuf::release);
    }

    @AfterEach
    void close() {
        pair.close();
    }

    private Sent lastFromAlice(int type) {
        List<Sent> sent = pair.sent(pair.alice, type);
        return sent.get(sent.size() - 1);
    }

    private void injectAtBob(byte[] bytes) {
        pair.inject(pair.bob, Unpooled.directBuffer(bytes.length).writeBytes(bytes), pair.alice.address);
    }

    private long bobDrops(DropReason reason) {
        return pair.bob.engine.drops().get(reason);
    }

    private void assertSessionStillWorks() {
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(20, 99)));
        List<ByteBuf> received = pair.bob.takeTunnel();
        assertEquals(1, received.size(), "the session survives");
        received.forEach(ByteBuf::release);
    }

    @Test
    void replayedTransportMessageIsDropped() {
        byte[] captured = lastFromAlice(MessageType.TRANSPORT).bytes();
        injectAtBob(captured);
        assertEquals(1, bobDrops(DropReason.REPLAYED));
        assertTrue(pair.bob.tunnel.isEmpty());
        assertSessionStillWorks();
    }

    @Test
    void bitFlippedTransportMessageFailsAuthentication() {
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(50, 2)));
        pair.bob.takeTunnel().forEach(ByteBuf::release);
        byte[] captured = lastFromAlice(MessageType.TRANSPORT).bytes();
        for (int position : new int[] {16, 30, captured.length - 1}) {
            byte[] flipped = captured.clone();
            flipped[position] ^= 0x01;
            injectAtBob(flipped);
        }
        assertEquals(3, bobDrops(DropReason.DECRYPTION_FAILED));
        // A flipped counter also fails authentication (the counter is the nonce).
        byte[] counterFlipped = captured.clone();
        counterFlipped[8] ^= 0x01;
        injectAtBob(counterFlipped);
        assertEquals(4, bobDrops(DropReason.DECRYPTION_FAILED));
        assertTrue(pair.bob.tunnel.isEmpty());
        assertSessionStillWorks();
    }

    @Test
    void truncatedMessagesFailTheLengthGate() {
        byte[] transport = lastFromAlice(MessageType.TRANSPORT).bytes();
        byte[] initiation = lastFromAlice(MessageType.INITIATION).bytes();
        injectAtBob(java.util.Arrays.copyOf(transport, 31));
        injectAtBob(java.util.Arrays.copyOf(initiation, 147));
        injectAtBob(java.util.Arrays.copyOf(initiation, 149));
        assertEquals(3, bobDrops(DropReason.INVALID_MESSAGE_LENGTH));
        injectAtBob(new byte[] {4, 0, 0});
        injectAtBob(new byte[0]);
        byte[] reserved = transport.clone();
        reserved[2] = 1;
        injectAtBob(reserved);
        byte[] unknownType = transport.clone();
        unknownType[0] = 5;
        injectAtBob(unknownType);
        assertEquals(4, bobDrops(DropReason.MALFORMED_HEADER));
        assertSessionStillWorks();
    }

    @Test
    void transportForAnUnknownIndexIsDropped() {
        byte[] transport = lastFromAlice(MessageType.TRANSPORT).bytes();
        transport[4] ^= 0x55;
        injectAtBob(transport);
        assertEquals(1, bobDrops(DropReason.UNKNOWN_RECEIVER_INDEX));
    }

    @Test
    void replayedInitiationIsRejectedByItsTimestamp() {
        byte[] initiation = lastFromAlice(MessageType.INITIATION).bytes();
        pair.advance(EnginePair.seconds(1));
        injectAtBob(initiation);
        assertEquals(1, bobDrops(DropReason.HANDSHAKE_REPLAY));
        assertEquals(1, pair.sent(pair.bob, MessageType.RESPONSE).size(), "no second response");
        assertSessionStillWorks();
    }

    @Test
    void initiationWithBadMac1IsDroppedBeforeAnyWork() {
        byte[] initiation = lastFromAlice(MessageType.INITIATION).bytes();
        initiation[120] ^= 0x01;
        injectAtBob(initiation);
        assertEquals(1, bobDrops(DropReason.INVALID_MAC1));
        byte[] tamperedBody = lastFromAlice(MessageType.INITIATION).bytes();
        tamperedBody[50] ^= 0x01; // inside encrypted_static: mac1 no longer matches either
        injectAtBob(tamperedBody);
        assertEquals(2, bobDrops(DropReason.INVALID_MAC1));
    }

    @Test
    void decryptedPacketFromOutsideThePeersAllowedIpsIsDropped() {
        // Bob may send from 10.0.0.2 and 192.168.1.0/24; 10.10.10.5 belongs to alice's own LAN.
        pair.sendPacket(pair.bob, Packets.udp4("10.10.10.5", "10.0.0.1", Packets.payload(30, 3)));
        assertEquals(1, pair.alice.engine.drops().get(DropReason.NOT_ALLOWED_SOURCE));
        assertTrue(pair.alice.tunnel.isEmpty());
        pair.sendPacket(pair.bob, Packets.udp4("192.168.1.20", "10.0.0.1", Packets.payload(30, 4)));
        List<ByteBuf> received = pair.alice.takeTunnel();
        assertEquals(1, received.size(), "a source inside bob's AllowedIPs passes");
        received.forEach(ByteBuf::release);
    }

    @Test
    void tunnelPacketsWithoutRouteOrWithGarbageAreDropped() {
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "172.31.0.9", Packets.payload(10, 5)));
        assertEquals(1, pair.alice.engine.drops().get(DropReason.NO_ROUTE));
        ByteBuf garbage = Unpooled.directBuffer(8).writeLong(0x1234);
        pair.sendPacket(pair.alice, garbage);
        pair.sendPacket(pair.alice, Unpooled.directBuffer(1));
        assertEquals(2, pair.alice.engine.drops().get(DropReason.INVALID_TUNNEL_PACKET));
    }

    @Test
    void peerWithoutEndpointCannotBeSentTo() {
        try (EnginePair fresh = new EnginePair(12)) {
            // Bob has not learned alice's endpoint yet and has none configured.
            fresh.sendPacket(fresh.bob, Packets.udp4("10.0.0.2", "10.0.0.1", Packets.payload(10, 6)));
            assertEquals(1, fresh.bob.engine.drops().get(DropReason.NO_ENDPOINT));
            assertTrue(fresh.log().isEmpty());
        }
    }
}
