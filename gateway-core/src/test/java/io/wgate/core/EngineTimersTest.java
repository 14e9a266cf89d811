package io.wgate.core;

import static io.wgate.core.testkit.EnginePair.seconds;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.wgate.core.peer.PeerTimers;
import io.wgate.core.session.Keypair;
import io.wgate.core.testkit.EnginePair;
import io.wgate.core.testkit.EnginePair.Sent;
import io.wgate.core.testkit.Packets;
import io.wgate.core.wire.MessageType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The timer rules of whitepaper §6 (kernel {@code timers.c}, wireguard-go {@code device/timers.go}), driven by a
 * hand-held clock through two
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
    void dataStillGoesOutJustBeforeRejectAfterTimeAndStopsAtIt() {
        aliceToBob(1);
        pair.advance(seconds(10)); // bob's passive keepalive: alice has nothing pending
        Keypair old = pair.alice.peer.keypairs().current();
        long rejectAt = old.birthNanos() + Protocol.REJECT_AFTER_TIME_NANOS;
        // Alice's data reaches bob; every handshake message and everything bob sends is lost.
        pair.setNetwork((from, to, datagram) ->
                from == pair.alice && MessageType.of(datagram) == MessageType.TRANSPORT);

        pair.advanceTo(rejectAt - seconds(0.1).toNanos());
        assertTrue(old.canSend(pair.now()));
        ByteBuf packet = Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(40, 2));
        byte[] justBefore = Packets.bytes(packet);
        pair.sendPacket(pair.alice, packet);
        List<Sent> onOld = pair.sentOn(pair.alice, old);
        assertEquals(2, onOld.size());
        Sent last = onOld.get(1);
        assertEquals(pair.now(), last.atNanos());
        assertEquals(1, last.counter(), "the second message of the session, on the old keypair");
        List<ByteBuf> atBob = pair.bob.takeTunnel();
        assertEquals(1, atBob.size(), "bob still accepts it at 179.9 s");
        assertArrayEquals(justBefore, Packets.bytes(atBob.get(0)));
        atBob.forEach(ByteBuf::release);
        List<Sent> initiations = pair.sent(pair.alice, MessageType.INITIATION);
        assertEquals(2, initiations.size(), "the sender rekeys: initiator and older than REKEY_AFTER_TIME");
        assertEquals(pair.now(), initiations.get(1).atNanos());

        pair.advanceTo(rejectAt);
        assertFalse(old.canSend(pair.now()));
        int transports = pair.sent(pair.alice, MessageType.TRANSPORT).size();
        packet = Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(40, 3));
        byte[] atReject = Packets.bytes(packet);
        pair.sendPacket(pair.alice, packet);
        assertEquals(transports, pair.sent(pair.alice, MessageType.TRANSPORT).size(), "nothing at 180 s");
        assertEquals(1, pair.alice.peer.staged().size());
        assertEquals(2, pair.sent(pair.alice, MessageType.INITIATION).size(), "one went out 0.1 s ago (5 s limit)");

        // The network comes back: the retransmission completes the handshake and the staged packet follows.
        pair.setNetwork((from, to, datagram) -> true);
        pair.advance(seconds(5.4));
        Keypair fresh = pair.alice.peer.keypairs().current();
        assertNotSame(old, fresh);
        assertEquals(2, pair.sentOn(pair.alice, old).size(), "never again on the old keypair");
        assertEquals(1, pair.sentOn(pair.alice, fresh).size());
        atBob = pair.bob.takeTunnel();
        assertEquals(1, atBob.size());
        assertArrayEquals(atReject, Packets.bytes(atBob.get(0)));
        atBob.forEach(ByteBuf::release);
    }

    @Test
    void keepaliveIsNotSentOnAKeypairPastRejectAfterTime() {
        aliceToBob(1);
        pair.advance(seconds(10));
        Keypair old = pair.alice.peer.keypairs().current();
        long rejectAt = old.birthNanos() + Protocol.REJECT_AFTER_TIME_NANOS;
        pair.setNetwork((from, to, datagram) -> false);
        // Turned on 10 s after the session began, a 170 s persistent keepalive falls due exactly at 180 s.
        pair.alice.engine.setPersistentKeepalive(pair.alice.peer, 170);
        pair.run();
        assertEquals(rejectAt, persistentKeepaliveDeadline(pair.alice));
        assertEquals(1, keepalives(pair.alice).size(), "the one sent when it was turned on");

        pair.advanceTo(rejectAt - 1);
        assertEquals(1, keepalives(pair.alice).size());
        assertEquals(1, pair.sent(pair.alice, MessageType.INITIATION).size());
        pair.advanceTo(rejectAt);
        assertEquals(1, keepalives(pair.alice).size(), "no keepalive on the expired keypair");
        assertEquals(2, pair.sentOn(pair.alice, old).size(), "on it only: the first packet, the enabling keepalive");
        assertEquals(1, pair.alice.peer.staged().size(), "the keepalive waits for a session");
        List<Sent> initiations = pair.sent(pair.alice, MessageType.INITIATION);
        assertEquals(2, initiations.size());
        assertEquals(rejectAt, initiations.get(1).atNanos(), "and starts the handshake for it");

        pair.setNetwork((from, to, datagram) -> true);
        pair.advance(seconds(5.4));
        Keypair fresh = pair.alice.peer.keypairs().current();
        assertNotSame(old, fresh);
        List<Sent> onFresh = pair.sentOn(pair.alice, fresh);
        assertEquals(1, onFresh.size(), "the staged keepalive is the new session's confirmation");
        assertTrue(isKeepalive(onFresh.get(0)));
        assertEquals(0, pair.alice.peer.staged().size());
        assertTrue(pair.bob.tunnel.isEmpty());
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

    /**
     * Establishes a session, lets bob's passive keepalive for alice's first packet go out (so nothing
     * else is pending), then turns on alice's persistent keepalive. Returns when it was turned on: alice's
     * first persistent keepalive left at that instant; {@link #logSizeWhenEnabled} marks the log there.
     */
    private int logSizeWhenEnabled;

    private long enablePersistentKeepaliveOnAQuietTunnel(int intervalSeconds) {
        aliceToBob(1);
        pair.advance(seconds(10));
        assertEquals(1, keepalives(pair.bob).size(), "bob's passive keepalive went out");
        logSizeWhenEnabled = pair.log().size();
        pair.alice.engine.setPersistentKeepalive(pair.alice.peer, intervalSeconds);
        pair.run();
        assertEquals(1, keepalives(pair.alice).size(), "turning it on sends one keepalive at once");
        return pair.now();
    }

    private List<Long> keepaliveInstants(EnginePair.Side side, long sinceNanos) {
        return keepalives(side).stream().map(Sent::atNanos).filter(at -> at >= sinceNanos).toList();
    }

    private long persistentKeepaliveDeadline(EnginePair.Side side) {
        assertTrue(side.peer.timers().isPending(PeerTimers.PERSISTENT_KEEPALIVE));
        return side.peer.timers().deadlineNanos(PeerTimers.PERSISTENT_KEEPALIVE);
    }

    @ParameterizedTest(name = "PersistentKeepalive = {0} s")
    @ValueSource(ints = {7, 25})
    void persistentKeepaliveGoesOutExactlyEveryIntervalOnAnIdleTunnel(int intervalSeconds) {
        long enabledAt = enablePersistentKeepaliveOnAQuietTunnel(intervalSeconds);
        // A window that ends before the keypair is REKEY_AFTER_TIME old (it was born 10 s before enabledAt).
        long windowSeconds = 104;
        pair.advance(seconds(windowSeconds));
        List<Long> expected = new ArrayList<>();
        for (long k = 0; k * intervalSeconds <= windowSeconds; k++) {
            expected.add(enabledAt + k * intervalSeconds * SECOND);
        }
        assertEquals(expected, keepaliveInstants(pair.alice, enabledAt), "one every " + intervalSeconds + " s");
        List<Sent> since = pair.log().subList(logSizeWhenEnabled, pair.log().size());
        assertEquals(expected.size(), since.size(), "an idle tunnel carries nothing but those keepalives: " + since);
        assertTrue(since.stream().allMatch(Sent::delivered));
        assertEquals(expected.get(expected.size() - 1) + intervalSeconds * SECOND,
                persistentKeepaliveDeadline(pair.alice));
    }

    @Test
    void persistentKeepaliveIsPushedBackByAnyAuthenticatedPacketSentOrReceived() {
        long e = enablePersistentKeepaliveOnAQuietTunnel(25); // next one due at e + 25 s
        pair.advance(seconds(10));
        bobToAlice(2);
        assertEquals(e + 35 * SECOND, persistentKeepaliveDeadline(pair.alice), "re-armed by a packet received");
        pair.advance(seconds(10)); // e + 20: alice's passive keepalive for bob's data
        assertEquals(List.of(e, e + 20 * SECOND), keepaliveInstants(pair.alice, e));
        assertEquals(e + 45 * SECOND, persistentKeepaliveDeadline(pair.alice), "re-armed by a keepalive sent");
        pair.advance(seconds(15));
        aliceToBob(3); // e + 35
        assertEquals(e + 60 * SECOND, persistentKeepaliveDeadline(pair.alice), "re-armed by data sent");
        // Bob answers alice's data with his passive keepalive at e + 45, which re-arms alice's timer again.
        pair.advance(seconds(34.999));
        assertEquals(List.of(e, e + 20 * SECOND), keepaliveInstants(pair.alice, e),
                "nothing at e + 25, e + 45 or e + 60: each was pushed back");
        assertEquals(List.of(e + 45 * SECOND), keepaliveInstants(pair.bob, e + 1));
        pair.advance(seconds(0.001));
        assertEquals(List.of(e, e + 20 * SECOND, e + 70 * SECOND), keepaliveInstants(pair.alice, e),
                "25 s after the last authenticated packet, bob's keepalive");
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
