package io.wgate.core;

import static io.wgate.core.testkit.EnginePair.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.wgate.core.peer.PeerTimers;
import io.wgate.core.session.Keypair;
import io.wgate.core.testkit.EnginePair;
import io.wgate.core.testkit.EnginePair.Sent;
import io.wgate.core.testkit.Packets;
import io.wgate.core.wire.MessageType;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The timer rules of whitepaper §6 (protocol.md §1.10), driven by a hand-held clock through two
 * engines: each test is one row of the timer table.
 */
class EngineTimersTest {

    private static final long SECOND = 1_000_000_000L;

    private final EnginePair pair = new EnginePair(7);

    @AfterEach
    void close() {
        pair.close();
    }

    private void aliceToBob(int seed) {
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(40, seed)));
        pair.bob.takeTunnel().forEach(ByteBuf::release);
    }

    private void bobToAlice(int seed) {
        pair.sendPacket(pair.bob, Packets.udp4("10.0.0.2", "10.0.0.1", Packets.payload(40, seed)));
        pair.alice.takeTunnel().forEach(ByteBuf::release);
    }

    private static boolean isKeepalive(Sent sent) {
        return sent.type() == MessageType.TRANSPORT && sent.length() == 32;
    }

    private List<Sent> keepalives(EnginePair.Side side) {
        return pair.sent(side, MessageType.TRANSPORT).stream().filter(EngineTimersTest::isKeepalive).toList();
    }

    @Test
    void passiveKeepaliveTenSecondsAfterReceivedDataWhenWeSentNothing() {
        aliceToBob(1);
        long dataAt = pair.now();
        assertEquals(0, keepalives(pair.bob).size());
        pair.advance(seconds(9.999));
        assertEquals(0, keepalives(pair.bob).size(), "not before KEEPALIVE_TIMEOUT");
        pair.advance(seconds(0.001));
        List<Sent> sent = keepalives(pair.bob);
        assertEquals(1, sent.size());
        assertEquals(dataAt + 10 * SECOND, sent.get(0).atNanos());
        pair.advance(seconds(60));
        assertEquals(1, keepalives(pair.bob).size(), "one keepalive per burst of received data");
    }

    @Test
    void noPassiveKeepaliveWhenWeAnsweredWithData() {
        aliceToBob(1);
        pair.advance(seconds(3));
        bobToAlice(2);
        pair.advance(seconds(30));
        assertEquals(0, keepalives(pair.bob).size(), "bob's data cancelled its keepalive");
    }

    @Test
    void initiatorRekeysAfterRekeyAfterTimeWhenSending() {
        aliceToBob(1);
        Keypair first = pair.alice.peer.keypairs().current();
        pair.advance(seconds(119));
        aliceToBob(2);
        bobToAlice(3);
        assertEquals(1, pair.sent(pair.alice, MessageType.INITIATION).size(), "young keypair: no rekey");
        pair.advance(seconds(1.001));
        aliceToBob(4);
        assertEquals(2, pair.sent(pair.alice, MessageType.INITIATION).size(), "rekey once older than 120 s");
        Keypair second = pair.alice.peer.keypairs().current();
        assertTrue(second != first && second.isInitiator());
        assertEquals(first, pair.alice.peer.keypairs().previous(), "the old keypair still decrypts for a while");
    }

    @Test
    void responderNeverRekeysOnTimeAlone() {
        aliceToBob(1);
        pair.advance(seconds(130));
        bobToAlice(2);
        pair.advance(seconds(10));
        bobToAlice(3);
        assertEquals(0, pair.sent(pair.bob, MessageType.INITIATION).size());
        assertFalse(pair.bob.peer.keypairs().current().isInitiator());
    }

    @Test
    void nothingIsSentOnAKeypairOlderThanRejectAfterTime() {
        aliceToBob(1);
        Keypair keypair = pair.alice.peer.keypairs().current();
        // Bob disappears; alice is silent until the keypair is 180 s old.
        pair.setNetwork((from, to, datagram) -> false);
        pair.advance(seconds(180));
        assertFalse(keypair.canSend(pair.now()));
        int transportsBefore = pair.sent(pair.alice, MessageType.TRANSPORT).size();
        int initiationsBefore = pair.sent(pair.alice, MessageType.INITIATION).size();
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(40, 9)));
        assertEquals(transportsBefore, pair.sent(pair.alice, MessageType.TRANSPORT).size());
        assertEquals(initiationsBefore + 1, pair.sent(pair.alice, MessageType.INITIATION).size());
        assertEquals(1, pair.alice.peer.staged().size(), "the packet waits for the new session");
    }

    @Test
    void retransmitsWithJitterThenGivesUpAfterMaxTimerHandshakes() {
        pair.setNetwork((from, to, datagram) -> false);
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(40, 1)));
        pair.advance(seconds(200));
        List<Sent> initiations = pair.sent(pair.alice, MessageType.INITIATION);
        // First initiation plus retries until attempts exceed MAX_TIMER_HANDSHAKES (18): 20 in all.
        assertEquals(Protocol.MAX_TIMER_HANDSHAKES + 2, initiations.size());
        boolean sawJitter = false;
        for (int i = 1; i < initiations.size(); i++) {
            long gap = initiations.get(i).atNanos() - initiations.get(i - 1).atNanos();
            assertTrue(gap >= Protocol.REKEY_TIMEOUT_NANOS, "gap " + gap);
            assertTrue(gap < Protocol.REKEY_TIMEOUT_NANOS + Protocol.REKEY_TIMEOUT_JITTER_MAX_NANOS, "gap " + gap);
            sawJitter |= gap != Protocol.REKEY_TIMEOUT_NANOS;
        }
        assertTrue(sawJitter, "retransmissions carry random jitter");
        // Every retry is a brand-new initiation (fresh ephemeral and sender index).
        assertFalse(java.util.Arrays.equals(initiations.get(0).bytes(), initiations.get(1).bytes()));
        assertEquals(0, pair.alice.peer.staged().size());
        assertEquals(1, pair.alice.engine.drops().get(DropReason.STAGED_PACKETS_EXPIRED));
        assertTrue(pair.alice.peer.timers().isPending(PeerTimers.ZERO_KEY_MATERIAL));
    }

    @Test
    void keyMaterialIsZeroedAfterThreeTimesRejectAfterTime() {
        aliceToBob(1);
        bobToAlice(2);
        Keypair aliceKeypair = pair.alice.peer.keypairs().current();
        Keypair bobKeypair = pair.bob.peer.keypairs().current();
        pair.advance(seconds(539));
        assertNotNull(pair.alice.peer.keypairs().current());
        assertFalse(aliceKeypair.isDestroyed());
        pair.advance(seconds(1.5));
        assertTrue(pair.alice.peer.keypairs().isEmpty());
        assertTrue(pair.bob.peer.keypairs().isEmpty());
        assertTrue(aliceKeypair.isDestroyed());
        assertTrue(bobKeypair.isDestroyed());
        assertNull(pair.alice.peer.keypairs().current());
        // A new packet starts over with a fresh handshake.
        aliceToBob(3);
        assertNotNull(pair.alice.peer.keypairs().current());
    }

    @Test
    void persistentKeepaliveKeepsTheTunnelWarm() {
        aliceToBob(1);
        pair.alice.engine.setPersistentKeepalive(pair.alice.peer, 25);
        pair.run();
        assertEquals(1, keepalives(pair.alice).size(), "turning it on sends one keepalive at once");
        long enabledAt = pair.now();
        pair.advance(seconds(200));
        // Some authenticated packet crosses between the peers at least every 25 s, in either direction.
        long previous = enabledAt;
        for (Sent sent : pair.log()) {
            if (sent.atNanos() >= enabledAt) {
                assertTrue(sent.atNanos() - previous <= 25 * SECOND, "silence of " + (sent.atNanos() - previous));
                previous = sent.atNanos();
            }
        }
        assertTrue(pair.now() - previous <= 25 * SECOND);
        assertTrue(keepalives(pair.alice).size() >= 7, "alice sends most of them: " + keepalives(pair.alice).size());
    }

    @Test
    void passiveKeepaliveThatGoesOutCancelsAPersistentOneDueAtTheSameInstant() {
        aliceToBob(1);
        pair.bob.engine.setPersistentKeepalive(pair.bob.peer, 10);
        pair.run();
        int before = keepalives(pair.bob).size();
        aliceToBob(2); // arms bob's passive keepalive and his persistent one for the same instant
        pair.advance(seconds(10));
        assertEquals(1, keepalives(pair.bob).size() - before,
                "the passive keepalive re-arms the persistent timer, so only one goes out");
    }

    @Test
    void newHandshakeWhenDataSentButNothingHeardBack() {
        aliceToBob(1);
        pair.setNetwork((from, to, datagram) -> from == pair.alice); // bob's replies are lost
        long sentAt = pair.now();
        aliceToBob(2);
        pair.advance(seconds(14.9));
        assertEquals(1, pair.sent(pair.alice, MessageType.INITIATION).size());
        pair.advance(seconds(0.5));
        List<Sent> initiations = pair.sent(pair.alice, MessageType.INITIATION);
        assertEquals(2, initiations.size());
        long delay = initiations.get(1).atNanos() - sentAt;
        assertTrue(delay >= 15 * SECOND && delay < 15 * SECOND + Protocol.REKEY_TIMEOUT_JITTER_MAX_NANOS);
    }
}
