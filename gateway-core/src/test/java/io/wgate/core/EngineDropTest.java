package io.wgate.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.wgate.core.session.Keypair;
import io.wgate.core.testkit.EnginePair;
import io.wgate.core.testkit.EnginePair.Sent;
import io.wgate.core.testkit.Packets;
import io.wgate.core.wire.IpHeader;
import io.wgate.core.wire.MessageType;
import java.util.ArrayList;
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

    @Test
    void transportOnAKeypairPastRejectAfterTimeIsDroppedAsExpired() {
        Keypair bobs = pair.bob.peer.keypairs().current();
        // Alice seals two more packets now; the network loses them, an attacker keeps them for later.
        pair.setNetwork((from, to, datagram) ->
                !(from == pair.alice && MessageType.of(datagram) == MessageType.TRANSPORT));
        ByteBuf first = Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(50, 2));
        byte[] firstPlain = Packets.bytes(first);
        pair.sendPacket(pair.alice, first);
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(50, 3)));
        List<Sent> transports = pair.sent(pair.alice, MessageType.TRANSPORT);
        byte[] capturedFirst = transports.get(transports.size() - 2).bytes();
        byte[] capturedSecond = transports.get(transports.size() - 1).bytes();
        pair.setNetwork((from, to, datagram) -> true);

        pair.advanceTo(bobs.birthNanos() + Protocol.REJECT_AFTER_TIME_NANOS - 1);
        injectAtBob(capturedFirst);
        List<ByteBuf> received = pair.bob.takeTunnel();
        assertEquals(1, received.size(), "one nanosecond before REJECT_AFTER_TIME the keypair still opens it");
        assertArrayEquals(firstPlain, Packets.bytes(received.get(0)));
        received.forEach(ByteBuf::release);

        pair.advanceTo(bobs.birthNanos() + Protocol.REJECT_AFTER_TIME_NANOS);
        injectAtBob(capturedSecond);
        assertEquals(1, bobDrops(DropReason.KEYPAIR_EXPIRED));
        assertEquals(1, pair.bob.engine.drops().total());
        assertTrue(pair.bob.tunnel.isEmpty());
        assertSessionStillWorks(); // alice's keypair is as old: her packet goes out after a new handshake
        assertEquals(2, pair.sent(pair.alice, MessageType.INITIATION).size());
        assertEquals(1, bobDrops(DropReason.KEYPAIR_EXPIRED));
    }

    /** Seals {@code plaintext} with alice's current keypair and next counter, as her engine frames it, for bob. */
    private void sealAndInjectAtBob(byte[] plaintext) {
        Keypair keypair = pair.alice.peer.keypairs().current();
        ByteBuf packet = Unpooled.directBuffer(plaintext.length).writeBytes(plaintext);
        pair.inject(pair.bob, pair.alice.engine.sender.encapsulate(packet, keypair, keypair.nextSendCounter()),
                pair.alice.address);
    }

    private static ByteBuf withShortAt(ByteBuf packet, int offset, int value) {
        return packet.setShort(packet.readerIndex() + offset, value);
    }

    @Test
    void decryptedPacketWhoseInnerHeaderLiesAboutItsLengthIsDroppedAsInvalid() {
        // Routable, so alice's engine seals them as it would any tunnel packet; only the length fields lie.
        // 68-byte IPv4 packets (padded to 80 inside the AEAD); the IPv6 one is 88 bytes, padded to 96.
        pair.sendPacket(pair.alice, withShortAt(Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(40, 2)),
                IpHeader.IPV4_TOTAL_LENGTH_OFFSET, 81)); // longer than the decrypted data, padding included
        pair.sendPacket(pair.alice, withShortAt(Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(40, 3)),
                IpHeader.IPV4_TOTAL_LENGTH_OFFSET, 19)); // shorter than its own header
        ByteBuf shortIhl = Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(40, 4));
        pair.sendPacket(pair.alice, shortIhl.setByte(shortIhl.readerIndex(), 0x44)); // IHL 4: a 16-byte header
        pair.sendPacket(pair.alice, withShortAt(Packets.udp6("fd00::1", "fd00::2", Packets.payload(40, 5)),
                IpHeader.IPV6_PAYLOAD_LENGTH_OFFSET, 57)); // 40 + 57 = 97 > 96
        // Plaintexts alice's engine would never route, sealed with her keys all the same.
        byte[] tooShort = new byte[IpHeader.IPV4_HEADER_MIN - 1];
        tooShort[0] = 0x45;
        sealAndInjectAtBob(tooShort);
        ByteBuf ipv4 = Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(12, 6));
        byte[] notIp = Packets.bytes(ipv4);
        ipv4.release();
        notIp[0] = 0x55; // version 5
        sealAndInjectAtBob(notIp);
        assertEquals(6, bobDrops(DropReason.INVALID_INNER_PACKET));
        assertEquals(6, pair.bob.engine.drops().total());
        assertTrue(pair.bob.tunnel.isEmpty());

        // A length inside the decrypted data is honest: the rest is stripped as padding.
        ByteBuf trimmed = withShortAt(Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(40, 7)),
                IpHeader.IPV4_TOTAL_LENGTH_OFFSET, 60);
        byte[] expected = java.util.Arrays.copyOf(Packets.bytes(trimmed), 60);
        pair.sendPacket(pair.alice, trimmed);
        List<ByteBuf> received = pair.bob.takeTunnel();
        assertEquals(1, received.size());
        assertArrayEquals(expected, Packets.bytes(received.get(0)));
        received.forEach(ByteBuf::release);
        assertEquals(6, pair.bob.engine.drops().total());
        assertSessionStillWorks();
    }

    @Test
    void stagingBeyondTheQueueBoundDropsTheOldestPackets() {
        try (EnginePair fresh = new EnginePair(13)) {
            fresh.setNetwork((from, to, datagram) -> false); // no session can form yet
            List<byte[]> packets = new ArrayList<>();
            for (int i = 0; i < Protocol.MAX_STAGED_PACKETS + 2; i++) {
                ByteBuf packet = Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(40, i));
                packets.add(Packets.bytes(packet));
                fresh.sendPacket(fresh.alice, packet);
            }
            assertEquals(2, fresh.alice.engine.drops().get(DropReason.STAGED_QUEUE_FULL));
            assertEquals(2, fresh.alice.engine.drops().total());
            assertEquals(Protocol.MAX_STAGED_PACKETS, fresh.alice.peer.staged().size());
            assertEquals(1, fresh.sent(fresh.alice, MessageType.INITIATION).size(), "one initiation per 5 s");

            fresh.setNetwork((from, to, datagram) -> true);
            fresh.advance(EnginePair.seconds(5.4)); // the retransmission completes the handshake
            List<ByteBuf> received = fresh.bob.takeTunnel();
            try {
                assertEquals(Protocol.MAX_STAGED_PACKETS, received.size());
                for (int i = 0; i < received.size(); i++) {
                    assertArrayEquals(packets.get(i + 2), Packets.bytes(received.get(i)),
                            "the two oldest were dropped, the rest arrive in order: " + i);
                }
            } finally {
                received.forEach(ByteBuf::release);
            }
            assertEquals(2, fresh.alice.engine.drops().total());
        }
    }

    @Test
    void handshakeToAnEngineWithoutPrivateKeyIsDroppedAsNoIdentity() {
        try (EnginePair fresh = new EnginePair(14)) {
            fresh.bob.engine.setPrivateKey(null);
            ByteBuf packet = Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(40, 1));
            byte[] expected = Packets.bytes(packet);
            fresh.sendPacket(fresh.alice, packet);
            List<Sent> initiations = fresh.sent(fresh.alice, MessageType.INITIATION);
            assertEquals(1, initiations.size());
            assertTrue(initiations.get(0).delivered());
            assertEquals(1, fresh.bob.engine.drops().get(DropReason.NO_IDENTITY));
            assertEquals(1, fresh.bob.engine.drops().total());
            assertTrue(fresh.sent(fresh.bob, MessageType.RESPONSE).isEmpty(), "no key, no answer");
            assertEquals(1, fresh.alice.peer.staged().size());

            fresh.bob.engine.setPrivateKey(fresh.bob.privateKey);
            fresh.advance(EnginePair.seconds(5.4)); // alice retries; bob can answer now
            assertEquals(2, fresh.sent(fresh.alice, MessageType.INITIATION).size());
            assertEquals(1, fresh.sent(fresh.bob, MessageType.RESPONSE).size());
            List<ByteBuf> received = fresh.bob.takeTunnel();
            assertEquals(1, received.size());
            assertArrayEquals(expected, Packets.bytes(received.get(0)));
            received.forEach(ByteBuf::release);
            assertEquals(1, fresh.bob.engine.drops().total());
        }
    }
}
