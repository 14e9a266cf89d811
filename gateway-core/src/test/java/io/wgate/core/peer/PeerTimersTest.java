package io.wgate.core.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.core.Protocol;
import io.wgate.core.testkit.ScriptedEntropy;
import org.junit.jupiter.api.Test;

/** Each hook of {@link PeerTimers} against the timer rules of whitepaper §6 and kernel {@code timers.c}. */
class PeerTimersTest {

    private static final long T0 = 1_000_000_000_000L;
    private final PeerTimers timers = new PeerTimers();

    @Test
    void dataSentArmsNewHandshakeOnceWithJitter() {
        timers.onDataSent(T0, new ScriptedEntropy().integer(123));
        assertEquals(T0 + Protocol.KEEPALIVE_TIMEOUT_NANOS + Protocol.REKEY_TIMEOUT_NANOS + 123,
                timers.deadlineNanos(PeerTimers.NEW_HANDSHAKE));
        timers.onDataSent(T0 + 5, new ScriptedEntropy()); // already pending: no jitter drawn, deadline kept
        assertEquals(T0 + Protocol.KEEPALIVE_TIMEOUT_NANOS + Protocol.REKEY_TIMEOUT_NANOS + 123,
                timers.deadlineNanos(PeerTimers.NEW_HANDSHAKE));
        timers.onAnyAuthenticatedPacketReceived();
        assertFalse(timers.isPending(PeerTimers.NEW_HANDSHAKE));
    }

    @Test
    void dataReceivedArmsKeepaliveOrOwesAnotherOne() {
        timers.onDataReceived(T0);
        assertEquals(T0 + Protocol.KEEPALIVE_TIMEOUT_NANOS, timers.deadlineNanos(PeerTimers.SEND_KEEPALIVE));
        timers.onDataReceived(T0 + 1);
        assertTrue(timers.takeNeedAnotherKeepalive());
        assertFalse(timers.takeNeedAnotherKeepalive());
        timers.onAnyAuthenticatedPacketSent();
        assertFalse(timers.isPending(PeerTimers.SEND_KEEPALIVE));
    }

    @Test
    void expireReportsOnlyDueTimersAndDisarmsThem() {
        timers.onHandshakeInitiated(T0, new ScriptedEntropy().integer(0));
        timers.onSessionDerived(T0);
        timers.onAnyAuthenticatedPacketTraversal(T0, 25);
        assertEquals(0, timers.expire(T0 + Protocol.REKEY_TIMEOUT_NANOS - 1));
        assertEquals(T0 + Protocol.REKEY_TIMEOUT_NANOS, timers.nextDeadlineNanos());
        assertEquals(PeerTimers.RETRANSMIT_HANDSHAKE, timers.expire(T0 + Protocol.REKEY_TIMEOUT_NANOS));
        assertFalse(timers.isPending(PeerTimers.RETRANSMIT_HANDSHAKE));
        assertEquals(PeerTimers.PERSISTENT_KEEPALIVE, timers.expire(T0 + 25_000_000_000L));
        assertEquals(PeerTimers.ZERO_KEY_MATERIAL, timers.expire(T0 + Protocol.ZERO_KEY_MATERIAL_AFTER_NANOS));
        assertEquals(Long.MAX_VALUE, timers.nextDeadlineNanos());
    }

    @Test
    void persistentKeepaliveOffArmsNothing() {
        timers.onAnyAuthenticatedPacketTraversal(T0, 0);
        assertFalse(timers.isPending(PeerTimers.PERSISTENT_KEEPALIVE));
    }

    @Test
    void handshakeCompleteResetsAttemptsAndStopsRetransmission() {
        timers.onHandshakeInitiated(T0, new ScriptedEntropy().integer(7));
        timers.incrementHandshakeAttempts();
        timers.markLastMinuteHandshakeSent();
        timers.onHandshakeComplete();
        assertEquals(0, timers.handshakeAttempts());
        assertFalse(timers.sentLastMinuteHandshake());
        assertFalse(timers.isPending(PeerTimers.RETRANSMIT_HANDSHAKE));
    }

    @Test
    void deadlinesWorkAcrossTheSignOfNanoTime() {
        long start = -5_000_000_000L; // System.nanoTime may be negative
        timers.onHandshakeInitiated(start, new ScriptedEntropy().integer(0));
        assertEquals(0, timers.expire(start + Protocol.REKEY_TIMEOUT_NANOS - 1));
        assertEquals(PeerTimers.RETRANSMIT_HANDSHAKE, timers.expire(start + Protocol.REKEY_TIMEOUT_NANOS));
    }
}
