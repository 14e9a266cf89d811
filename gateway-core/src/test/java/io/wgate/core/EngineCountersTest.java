package io.wgate.core;

import static io.wgate.core.testkit.EnginePair.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.wgate.core.peer.Peer;
import io.wgate.core.testkit.EnginePair;
import io.wgate.core.testkit.Packets;
import io.wgate.core.wire.MessageType;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's event counters ({@link EngineCounters}) and the peers' packet counts, which the metrics module
 * exports: each counts exactly the event it names, on both sides of a handshake, and totals survive peer removal.
 */
class EngineCountersTest {

    private final EnginePair pair = new EnginePair(77);

    @AfterEach
    void close() {
        pair.close();
    }

    private void aliceToBob(int seed) {
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(30, seed)));
        pair.bob.takeTunnel().forEach(ByteBuf::release);
    }

    private static long count(EnginePair.Side side, EngineEvent event) {
        return side.engine.counters().get(event);
    }

    @Test
    void aHandshakeIsCountedOnceOnEachSide() {
        aliceToBob(1);
        assertEquals(1, count(pair.alice, EngineEvent.INITIATION_SENT));
        assertEquals(1, count(pair.bob, EngineEvent.INITIATION_RECEIVED));
        assertEquals(1, count(pair.bob, EngineEvent.RESPONSE_SENT));
        assertEquals(1, count(pair.alice, EngineEvent.RESPONSE_RECEIVED));
        assertEquals(1, count(pair.alice, EngineEvent.HANDSHAKE_COMPLETED), "initiator: on the response");
        assertEquals(1, count(pair.bob, EngineEvent.HANDSHAKE_COMPLETED), "responder: on the first data");
        assertEquals(0, count(pair.alice, EngineEvent.INITIATION_RECEIVED));
        assertEquals(0, count(pair.bob, EngineEvent.INITIATION_SENT));
        assertEquals(0, count(pair.alice, EngineEvent.REKEY));
    }

    @Test
    void packetsAreCountedWithTheirBytes() {
        aliceToBob(1);
        aliceToBob(2);
        Peer bobsView = pair.bob.peer;
        // initiation + two transport messages in; response out
        assertEquals(3, bobsView.rxPackets());
        assertEquals(1, bobsView.txPackets());
        assertEquals(pair.alice.peer.txPackets(), bobsView.rxPackets());
        assertEquals(pair.alice.peer.txBytes(), bobsView.rxBytes());
        assertEquals(pair.bob.peer.txBytes(), pair.alice.peer.rxBytes());
    }

    @Test
    void aHandshakeWithNoAnswerIsCountedAsTimedOutAfterItsRetries() {
        pair.setNetwork((from, to, datagram) -> false);
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(30, 1)));
        pair.advance(seconds(89));
        assertEquals(0, count(pair.alice, EngineEvent.HANDSHAKE_TIMED_OUT));
        pair.advance(seconds(20)); // 19 sends 5 to 5.33 s apart: given up between 95 and 102 s
        assertEquals(1, count(pair.alice, EngineEvent.HANDSHAKE_TIMED_OUT));
        assertEquals(Protocol.MAX_TIMER_HANDSHAKES + 2, count(pair.alice, EngineEvent.INITIATION_SENT));
        assertEquals(pair.sent(pair.alice, MessageType.INITIATION).size(), count(pair.alice, EngineEvent.INITIATION_SENT));
    }

    @Test
    void aSessionOlderThanRekeyAfterTimeCountsOneRekey() {
        aliceToBob(1);
        pair.advance(seconds(121));
        aliceToBob(2);
        aliceToBob(3); // the handshake just sent is in flight or done: no second rekey
        assertEquals(1, count(pair.alice, EngineEvent.REKEY));
        assertEquals(2, count(pair.alice, EngineEvent.INITIATION_SENT));
        assertEquals(2, count(pair.alice, EngineEvent.HANDSHAKE_COMPLETED));
    }

    @Test
    void roamingCountsEndpointChangesButNotTheFirstEndpoint() {
        aliceToBob(1);
        assertEquals(0, count(pair.bob, EngineEvent.ENDPOINT_CHANGED), "bob learned alice's first address");
        pair.alice.address = new InetSocketAddress(Packets.inet("203.0.113.77"), 40000);
        aliceToBob(2);
        aliceToBob(3);
        assertEquals(1, count(pair.bob, EngineEvent.ENDPOINT_CHANGED));
    }

    @Test
    void rejectedHandshakeMessagesAreCountedByReasonAsDropsToo() {
        aliceToBob(1);
        List<EnginePair.Sent> initiations = pair.sent(pair.alice, MessageType.INITIATION);
        byte[] replayed = initiations.getFirst().bytes();
        pair.inject(pair.bob, Unpooled.wrappedBuffer(replayed.clone()), EnginePair.ALICE_ADDRESS);
        byte[] badMac = replayed.clone();
        badMac[badMac.length - 20] ^= 1; // inside mac1
        pair.inject(pair.bob, Unpooled.wrappedBuffer(badMac), EnginePair.ALICE_ADDRESS);
        pair.run();
        EngineCounters bob = pair.bob.engine.counters();
        assertEquals(1, bob.handshakeFailures(DropReason.HANDSHAKE_REPLAY));
        assertEquals(1, bob.handshakeFailures(DropReason.INVALID_MAC1));
        assertEquals(1, pair.bob.engine.drops().get(DropReason.HANDSHAKE_REPLAY));
        assertEquals(1, pair.bob.engine.drops().get(DropReason.INVALID_MAC1));
        assertEquals(0, bob.handshakeFailures(DropReason.DECRYPTION_FAILED), "a transport reason stays zero");
    }

    @Test
    void removedPeersKeepTheirTrafficInTheTotals() {
        aliceToBob(1);
        aliceToBob(2);
        Peer alice = pair.bob.peer;
        long rxBytes = alice.rxBytes();
        long txPackets = alice.txPackets();
        assertTrue(rxBytes > 0);
        pair.bob.engine.removePeer(alice);
        EngineCounters bob = pair.bob.engine.counters();
        assertEquals(rxBytes, bob.removedPeersRxBytes());
        assertEquals(alice.txBytes(), bob.removedPeersTxBytes());
        assertEquals(alice.rxPackets(), bob.removedPeersRxPackets());
        assertEquals(txPackets, bob.removedPeersTxPackets());
        assertEquals(1, bob.removedPeers());
    }
}
