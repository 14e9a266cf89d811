package io.wgate.core;

import static io.wgate.core.testkit.EnginePair.seconds;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.wgate.core.session.Keypair;
import io.wgate.core.session.SendCounters;
import io.wgate.core.testkit.EnginePair;
import io.wgate.core.testkit.EnginePair.Sent;
import io.wgate.core.testkit.Packets;
import io.wgate.core.wire.MessageType;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The message-count limits of a keypair (whitepaper §6.1-6.2; kernel {@code send.c
 * keep_key_fresh} and {@code wg_packet_send_staged_packets}, wireguard-go {@code keepKeyFreshSending}
 * and {@code RoutineEncryption}): a new handshake once the send counter passes REKEY_AFTER_MESSAGES,
 * in either role; nothing sent on a keypair whose counter reached REJECT_AFTER_MESSAGES, the packet
 * staged and a handshake started instead; counters at or above the limit refused on receipt.
 *
 * <p>Nobody seals 2^60 messages in a test: {@link SendCounters#skipTo} moves a keypair's send counter
 * forward as if they had been sent.
 */
class EngineMessageLimitsTest {

    private final EnginePair pair = new EnginePair(23);

    @AfterEach
    void close() {
        pair.close();
    }

    /** Alice sends a packet to bob; returns its bytes as bob's tunnel should see them. */
    private byte[] aliceToBob(int seed) {
        ByteBuf packet = Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(40, seed));
        byte[] bytes = Packets.bytes(packet);
        pair.sendPacket(pair.alice, packet);
        return bytes;
    }

    /** Alice's first packet: handshake, then the packet with counter 0. Then past the 5 s initiation limit. */
    private void establishAndWait() {
        aliceToBob(1);
        pair.bob.takeTunnel().forEach(ByteBuf::release);
        pair.advance(seconds(6));
    }

    private void assertTunnel(EnginePair.Side side, byte[]... expected) {
        List<ByteBuf> received = side.takeTunnel();
        try {
            assertEquals(expected.length, received.size(), side + "'s tunnel");
            for (int i = 0; i < expected.length; i++) {
                assertArrayEquals(expected[i], Packets.bytes(received.get(i)), side + "'s packet " + i);
            }
        } finally {
            received.forEach(ByteBuf::release);
        }
    }

    @Test
    void initiatorStartsANewHandshakeOnceItsSendCounterPassesRekeyAfterMessages() {
        establishAndWait();
        Keypair first = pair.alice.peer.keypairs().current();
        SendCounters.skipTo(first, Protocol.REKEY_AFTER_MESSAGES - 1);

        byte[] below = aliceToBob(2);
        assertEquals(List.of(0L, Protocol.REKEY_AFTER_MESSAGES - 1), pair.sentOn(pair.alice, first).stream()
                .map(Sent::counter).toList());
        assertEquals(1, pair.sent(pair.alice, MessageType.INITIATION).size(),
                "REKEY_AFTER_MESSAGES messages sent (counters 0 .. 2^60 - 1): not past the limit yet");
        assertTunnel(pair.bob, below);

        byte[] at = aliceToBob(3);
        List<Sent> onFirst = pair.sentOn(pair.alice, first);
        assertEquals(Protocol.REKEY_AFTER_MESSAGES, onFirst.get(onFirst.size() - 1).counter());
        List<Sent> initiations = pair.sent(pair.alice, MessageType.INITIATION);
        assertEquals(2, initiations.size(), "the message with counter 2^60 took the count past the limit");
        assertEquals(pair.now(), initiations.get(1).atNanos());
        assertTunnel(pair.bob, at);

        Keypair second = pair.alice.peer.keypairs().current();
        assertNotSame(first, second, "the rekey completed over the zero-latency network");
        assertTrue(second.isInitiator());
        assertSame(first, pair.alice.peer.keypairs().previous());
        byte[] after = aliceToBob(4);
        assertEquals(List.of(0L, 1L), pair.sentOn(pair.alice, second).stream().map(Sent::counter)
                .toList(), "the confirming keepalive, then the data, on the fresh counter");
        assertEquals(2, pair.sent(pair.alice, MessageType.INITIATION).size(), "a fresh keypair needs no rekey");
        assertTunnel(pair.bob, after);
    }

    @Test
    void responderRekeysAfterMessagesToo() {
        establishAndWait();
        Keypair bobs = pair.bob.peer.keypairs().current();
        assertFalse(bobs.isInitiator());
        SendCounters.skipTo(bobs, Protocol.REKEY_AFTER_MESSAGES);

        ByteBuf packet = Packets.udp4("10.0.0.2", "10.0.0.1", Packets.payload(40, 2));
        byte[] expected = Packets.bytes(packet);
        pair.sendPacket(pair.bob, packet);
        assertTunnel(pair.alice, expected);
        assertEquals(1, pair.sent(pair.bob, MessageType.INITIATION).size(),
                "unlike REKEY_AFTER_TIME, the message limit applies to the responder as well");
        Keypair fresh = pair.bob.peer.keypairs().current();
        assertNotSame(bobs, fresh);
        assertTrue(fresh.isInitiator(), "bob initiated the new session");
    }

    @Test
    void lastCounterBelowRejectAfterMessagesIsSentAndAcceptedThenTheKeypairSendsNoMore() {
        establishAndWait();
        // Alice's initiations are lost, so the rekey that the counter triggers cannot complete.
        pair.setNetwork((from, to, datagram) ->
                !(from == pair.alice && MessageType.of(datagram) == MessageType.INITIATION));
        Keypair keypair = pair.alice.peer.keypairs().current();
        SendCounters.skipTo(keypair, Protocol.REJECT_AFTER_MESSAGES - 1);

        byte[] last = aliceToBob(2);
        List<Sent> onKeypair = pair.sentOn(pair.alice, keypair);
        Sent lastSent = onKeypair.get(onKeypair.size() - 1);
        assertEquals(Protocol.REJECT_AFTER_MESSAGES - 1, lastSent.counter());
        assertTrue(lastSent.delivered());
        assertTunnel(pair.bob, last);
        assertEquals(0, pair.bob.engine.drops().total(), "bob's replay window accepts REJECT_AFTER_MESSAGES - 1");
        assertEquals(2, pair.sent(pair.alice, MessageType.INITIATION).size(), "past REKEY_AFTER_MESSAGES: rekey");
        assertFalse(keypair.canSend(pair.now()));

        int transports = pair.sent(pair.alice, MessageType.TRANSPORT).size();
        aliceToBob(3);
        assertEquals(transports, pair.sent(pair.alice, MessageType.TRANSPORT).size(), "nothing more on that keypair");
        assertEquals(1, pair.alice.peer.staged().size(), "the packet waits for the new session");
        assertTrue(pair.bob.tunnel.isEmpty());
    }

    @Test
    void atRejectAfterMessagesThePacketIsStagedAndAHandshakeStartsThenItGoesOutOnTheNewKeypair() {
        establishAndWait();
        pair.setNetwork((from, to, datagram) -> false);
        Keypair exhausted = pair.alice.peer.keypairs().current();
        SendCounters.skipTo(exhausted, Protocol.REJECT_AFTER_MESSAGES);
        assertTrue(exhausted.ageNanos(pair.now()) < Protocol.REKEY_AFTER_TIME_NANOS, "young: only the counter counts");

        byte[] staged = aliceToBob(2);
        assertEquals(List.of(0L), pair.sentOn(pair.alice, exhausted).stream().map(Sent::counter)
                .toList(), "only the first packet of the session was ever sent on it");
        assertEquals(1, pair.alice.peer.staged().size());
        List<Sent> initiations = pair.sent(pair.alice, MessageType.INITIATION);
        assertEquals(2, initiations.size(), "an exhausted keypair starts a handshake at once");
        assertEquals(pair.now(), initiations.get(1).atNanos());

        // The network comes back; the retransmission completes the handshake and the packet goes out.
        pair.setNetwork((from, to, datagram) -> true);
        pair.advance(seconds(5.4));
        assertEquals(3, pair.sent(pair.alice, MessageType.INITIATION).size());
        Keypair fresh = pair.alice.peer.keypairs().current();
        assertNotSame(exhausted, fresh);
        assertEquals(0, pair.alice.peer.staged().size());
        assertEquals(List.of(0L), pair.sentOn(pair.alice, fresh).stream().map(Sent::counter).toList(),
                "the staged packet is the first message of the new session");
        assertEquals(1, pair.sentOn(pair.alice, exhausted).size());
        assertTunnel(pair.bob, staged);
    }

    @Test
    void receiverRefusesACounterAtRejectAfterMessagesAsReplayed() {
        establishAndWait();
        Keypair keypair = pair.alice.peer.keypairs().current();
        // Sealed with the engine's own framing, bypassing the send-side limit that would refuse this counter.
        ByteBuf atLimit = pair.alice.engine.sender.encapsulate(
                Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(40, 2)), keypair, Protocol.REJECT_AFTER_MESSAGES);
        pair.inject(pair.bob, atLimit, EnginePair.ALICE_ADDRESS);
        assertEquals(1, pair.bob.engine.drops().get(DropReason.REPLAYED), "authentic, but at the limit");
        assertEquals(1, pair.bob.engine.drops().total());
        assertTrue(pair.bob.tunnel.isEmpty());

        ByteBuf packet = Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(40, 3));
        byte[] expected = Packets.bytes(packet);
        pair.inject(pair.bob, pair.alice.engine.sender.encapsulate(packet, keypair, Protocol.REJECT_AFTER_MESSAGES - 1),
                EnginePair.ALICE_ADDRESS);
        assertTunnel(pair.bob, expected);
        assertEquals(1, pair.bob.engine.drops().total());
    }
}
