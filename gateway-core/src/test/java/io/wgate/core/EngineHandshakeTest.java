package io.wgate.core;

import static io.wgate.core.testkit.EnginePair.seconds;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.wgate.core.session.Keypair;
import io.wgate.core.testkit.EnginePair;
import io.wgate.core.testkit.Packets;
import io.wgate.core.wire.MessageType;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Handshake and data exchange between two engines wired back to back. */
class EngineHandshakeTest {

    private final EnginePair pair = new EnginePair(1);

    @AfterEach
    void close() {
        pair.close();
    }

    @Test
    void firstPacketTriggersHandshakeAndIsDeliveredAfterIt() {
        byte[] payload = Packets.payload(100, 1);
        ByteBuf packet = Packets.udp4("10.0.0.1", "10.0.0.2", payload);
        byte[] expected = Packets.bytes(packet);
        pair.sendPacket(pair.alice, packet);

        assertEquals(1, pair.sent(pair.alice, MessageType.INITIATION).size());
        assertEquals(1, pair.sent(pair.bob, MessageType.RESPONSE).size());
        assertEquals(1, pair.sent(pair.alice, MessageType.TRANSPORT).size(), "the staged packet, no extra keepalive");
        List<ByteBuf> received = pair.bob.takeTunnel();
        assertEquals(1, received.size());
        assertArrayEquals(expected, Packets.bytes(received.get(0)));
        received.get(0).release();

        Keypair aliceCurrent = pair.alice.peer.keypairs().current();
        assertNotNull(aliceCurrent);
        assertTrue(aliceCurrent.isInitiator());
        Keypair bobCurrent = pair.bob.peer.keypairs().current();
        assertNotNull(bobCurrent, "the data packet confirmed bob's next keypair");
        assertNull(pair.bob.peer.keypairs().next());
        assertEquals(aliceCurrent.remoteIndex(), bobCurrent.localIndex());
        assertEquals(bobCurrent.remoteIndex(), aliceCurrent.localIndex());
        assertEquals(EnginePair.ALICE_ADDRESS, pair.bob.peer.endpoint(), "bob learned alice's endpoint");
        assertTrue(pair.alice.peer.lastHandshakeEpochNanos() > 0);
        assertTrue(pair.bob.peer.lastHandshakeEpochNanos() > 0);
        assertEquals(0, pair.alice.engine.drops().total());
        assertEquals(0, pair.bob.engine.drops().total());
    }

    @Test
    void dataFlowsBothWaysAndCountersMatchTheWire() {
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(64, 2)));
        pair.sendPacket(pair.bob, Packets.udp4("10.10.10.5", "192.168.1.7", Packets.payload(1, 3)));
        pair.sendPacket(pair.bob, Packets.udp4("10.0.0.2", "10.0.0.1", Packets.payload(1300, 4)));
        pair.sendPacket(pair.alice, Packets.udp6("fd00::1", "fd00::2", Packets.payload(77, 5)));

        List<ByteBuf> atAlice = pair.alice.takeTunnel();
        List<ByteBuf> atBob = pair.bob.takeTunnel();
        assertEquals(1, atAlice.size(), "bob has no route to 192.168.1.7: only the 10.0.0.1 packet arrives");
        assertEquals(2, atBob.size());
        atAlice.forEach(ByteBuf::release);
        atBob.forEach(ByteBuf::release);

        long aliceTx = 0;
        long aliceRx = 0;
        for (EnginePair.Sent s : pair.log()) {
            if (s.from().equals("alice")) {
                aliceTx += s.length();
            } else {
                aliceRx += s.length();
            }
        }
        assertEquals(aliceTx, pair.alice.peer.txBytes());
        assertEquals(aliceRx, pair.alice.peer.rxBytes());
        assertEquals(aliceTx, pair.bob.peer.rxBytes());
        assertEquals(aliceRx, pair.bob.peer.txBytes());
        assertEquals(1, pair.bob.engine.drops().get(DropReason.NO_ROUTE));
    }

    @Test
    void datagramsTheOutboxRefusesAreNotCountedAsSent() {
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(64, 2)));
        pair.alice.takeTunnel().forEach(ByteBuf::release);
        pair.bob.takeTunnel().forEach(ByteBuf::release);
        long txBefore = pair.alice.peer.txBytes();
        assertTrue(txBefore > 0);

        pair.alice.outbox.refuseDatagrams(true);
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(500, 6)));
        assertEquals(1, pair.alice.outbox.refusedDatagrams());
        assertEquals(txBefore, pair.alice.peer.txBytes(), "a refused datagram was never sent");

        pair.alice.outbox.refuseDatagrams(false);
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(500, 7)));
        pair.bob.takeTunnel().forEach(ByteBuf::release);
        assertEquals(txBefore + 32 + 528, pair.alice.peer.txBytes(),
                "header 16 + tag 16 + the 528-byte IPv4/UDP packet (already a multiple of 16)");
    }

    @Test
    void paddingRoundsTransportPlaintextToSixteenBytes() {
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(1, 6)));
        EnginePair.Sent transport = pair.sent(pair.alice, MessageType.TRANSPORT).get(0);
        // 29-byte IPv4/UDP packet pads to 32, plus 16 header and 16 tag
        assertEquals(16 + 32 + 16, transport.length());
        pair.bob.takeTunnel().forEach(ByteBuf::release);
    }

    @Test
    void responderHoldsItsPacketsUntilTheInitiatorConfirmsTheSession() {
        // Lose alice's first transport message: bob's keypair stays unconfirmed in "next".
        pair.setNetwork((from, to, datagram) -> !(from == pair.alice && MessageType.of(datagram) == MessageType.TRANSPORT));
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(10, 7)));
        pair.setNetwork((from, to, datagram) -> true);
        assertNull(pair.bob.peer.keypairs().current());
        assertNotNull(pair.bob.peer.keypairs().next());

        pair.sendPacket(pair.bob, Packets.udp4("10.0.0.2", "10.0.0.1", Packets.payload(10, 8)));
        assertTrue(pair.alice.takeTunnel().isEmpty(), "bob may not send on an unconfirmed keypair");
        assertEquals(0, pair.sent(pair.bob, MessageType.TRANSPORT).size());
        assertEquals(0, pair.sent(pair.bob, MessageType.INITIATION).size(), "bob sent a response < 5 s ago");

        // Alice heard nothing back after sending data: after 15 s (+ jitter) she starts a new handshake and
        // confirms it with a keepalive, which releases bob's staged packet.
        pair.advance(seconds(15.4));
        assertEquals(2, pair.sent(pair.alice, MessageType.INITIATION).size());
        List<ByteBuf> atAlice = pair.alice.takeTunnel();
        assertEquals(1, atAlice.size());
        atAlice.forEach(ByteBuf::release);
        assertNotNull(pair.bob.peer.keypairs().current());
    }
}
