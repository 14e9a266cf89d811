package io.wgate.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.core.Protocol;
import io.wgate.core.noise.SessionKeys;
import io.wgate.core.peer.Peer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The previous / current / next rotation of whitepaper §5.4.5-5.4.6 (kernel {@code noise.c}). */
class KeypairsTest {

    private final Peer peer = new Peer(new byte[32]);
    private final Keypairs keypairs = new Keypairs();
    private final List<Keypair> retired = new ArrayList<>();
    private int nextIndex = 1;

    private Keypair keypair(boolean initiator) {
        int index = nextIndex++;
        return new Keypair(peer, new SessionKeys(new byte[32], new byte[32], initiator, index, index + 100), 0);
    }

    @Test
    void initiatorKeypairBecomesCurrentAndTheOldCurrentPrevious() {
        Keypair first = keypair(true);
        Keypair second = keypair(true);
        Keypair third = keypair(true);
        keypairs.install(first, retired::add);
        keypairs.install(second, retired::add);
        assertSame(second, keypairs.current());
        assertSame(first, keypairs.previous());
        keypairs.install(third, retired::add);
        assertSame(third, keypairs.current());
        assertSame(second, keypairs.previous());
        assertEquals(List.of(first), retired);
    }

    @Test
    void responderKeypairWaitsInNextUntilConfirmed() {
        Keypair current = keypair(true);
        keypairs.install(current, retired::add);
        Keypair fresh = keypair(false);
        keypairs.install(fresh, retired::add);
        assertSame(current, keypairs.current(), "responder never sends on an unconfirmed keypair");
        assertSame(fresh, keypairs.next());
        assertNull(keypairs.previous());

        assertFalse(keypairs.receivedWith(current, retired::add), "data on current confirms nothing");
        assertTrue(keypairs.receivedWith(fresh, retired::add));
        assertSame(fresh, keypairs.current());
        assertSame(current, keypairs.previous());
        assertNull(keypairs.next());
    }

    @Test
    void initiatorInstallWhileANextIsPendingPromotesItToPrevious() {
        Keypair oldCurrent = keypair(true);
        keypairs.install(oldCurrent, retired::add);
        Keypair pending = keypair(false);
        keypairs.install(pending, retired::add);
        Keypair mine = keypair(true);
        keypairs.install(mine, retired::add);
        assertSame(mine, keypairs.current());
        assertSame(pending, keypairs.previous());
        assertNull(keypairs.next());
        assertTrue(retired.contains(oldCurrent));
    }

    @Test
    void secondResponderKeypairReplacesTheUnconfirmedOne() {
        Keypair a = keypair(false);
        Keypair b = keypair(false);
        keypairs.install(a, retired::add);
        keypairs.install(b, retired::add);
        assertSame(b, keypairs.next());
        assertEquals(List.of(a), retired);
    }

    @Test
    void clearRetiresEverything() {
        Keypair a = keypair(true);
        Keypair b = keypair(true);
        Keypair c = keypair(false);
        keypairs.install(a, retired::add);
        keypairs.install(b, retired::add);
        keypairs.install(c, retired::add);
        retired.clear();
        keypairs.clear(retired::add);
        assertTrue(keypairs.isEmpty());
        assertEquals(2, retired.size(), "a was already retired by c's install");
    }

    @Test
    void sendingLimitsByAgeAndCounter() {
        Keypair k = keypair(true);
        assertTrue(k.canSend(0));
        assertTrue(k.canSend(Protocol.REJECT_AFTER_TIME_NANOS - 1));
        assertFalse(k.canSend(Protocol.REJECT_AFTER_TIME_NANOS));
        assertTrue(k.canReceive(Protocol.REJECT_AFTER_TIME_NANOS - 1));
        assertFalse(k.canReceive(Protocol.REJECT_AFTER_TIME_NANOS));
        assertEquals(0, k.nextSendCounter());
        assertEquals(1, k.nextSendCounter());
        k.expireForSending();
        assertFalse(k.canSend(1));
        assertTrue(k.canReceive(1), "expiry for sending keeps receiving possible");
        k.destroy();
        assertFalse(k.canReceive(1));
        assertTrue(k.isDestroyed());
    }

    @Test
    void sendCounterSeamOnlyMovesForwardAndStopsAtRejectAfterMessages() {
        Keypair k = keypair(true);
        k.skipSendCounterTo(Protocol.REKEY_AFTER_MESSAGES);
        assertEquals(Protocol.REKEY_AFTER_MESSAGES, k.nextSendCounter(), "the next message carries the new counter");
        assertThrows(IllegalArgumentException.class, () -> k.skipSendCounterTo(5), "back: would reuse a nonce");
        assertThrows(IllegalArgumentException.class, () -> k.skipSendCounterTo(Protocol.REJECT_AFTER_MESSAGES + 1));
        assertThrows(IllegalArgumentException.class, () -> k.skipSendCounterTo(-1L), "2^64 - 1, unsigned");
        assertEquals(Protocol.REKEY_AFTER_MESSAGES + 1, k.sendCounter(), "a refused skip changes nothing");

        k.skipSendCounterTo(Protocol.REJECT_AFTER_MESSAGES - 1);
        assertTrue(k.canSend(0), "the last counter below REJECT_AFTER_MESSAGES may still be used");
        assertEquals(Protocol.REJECT_AFTER_MESSAGES - 1, k.nextSendCounter());
        assertFalse(k.canSend(0), "counter at REJECT_AFTER_MESSAGES: no more sending");
        assertTrue(k.canReceive(0), "the send counter never limits receiving (the replay window does)");
    }
}
