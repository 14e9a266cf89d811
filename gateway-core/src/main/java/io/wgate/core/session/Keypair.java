package io.wgate.core.session;

import io.wgate.core.Protocol;
import io.wgate.core.noise.SessionKeys;
import io.wgate.core.peer.Peer;
import io.wgate.core.route.IndexEntry;
import io.wgate.crypto.AeadKey;

/**
 * One transport session derived by a handshake (whitepaper §5.4.5): the two keys, our send counter,
 * the receive replay window, both indices, its birth time and whether we initiated it.
 *
 * <p>Owned by the engine thread. The send counter is assigned sequentially before encryption, so
 * sealing could later be fanned out to worker threads while the counter stays single-writer.
 */
public final class Keypair implements IndexEntry {

    private final Peer peer;
    private final AeadKey sendKey;
    private final AeadKey receiveKey;
    private final ReplayWindow replayWindow = new ReplayWindow();
    private final long birthNanos;
    private final boolean initiator;
    private final int localIndex;
    private final int remoteIndex;
    private long sendCounter;

    /** A keypair for {@code peer} from {@code keys} (copied), born at {@code nowNanos}. */
    public Keypair(Peer peer, SessionKeys keys, long nowNanos) {
        this.peer = peer;
        this.sendKey = AeadKey.copyOf(keys.sendKey());
        this.receiveKey = AeadKey.copyOf(keys.receiveKey());
        this.birthNanos = nowNanos;
        this.initiator = keys.initiator();
        this.localIndex = keys.localIndex();
        this.remoteIndex = keys.remoteIndex();
    }

    /** The peer this session belongs to. */
    public Peer peer() {
        return peer;
    }

    /** Key for sealing our transport messages. */
    public AeadKey sendKey() {
        return sendKey;
    }

    /** Key for opening the peer's transport messages. */
    public AeadKey receiveKey() {
        return receiveKey;
    }

    /** Replay protection for received counters. */
    public ReplayWindow replayWindow() {
        return replayWindow;
    }

    /** Monotonic time the session was derived. */
    public long birthNanos() {
        return birthNanos;
    }

    /** Whether we sent the initiation of this session's handshake. */
    public boolean isInitiator() {
        return initiator;
    }

    /** Our index: the receiver index of the peer's transport messages. */
    public int localIndex() {
        return localIndex;
    }

    /** The peer's index: the receiver index of our transport messages. */
    public int remoteIndex() {
        return remoteIndex;
    }

    /** The counter the next sealed message will carry (unsigned). */
    public long sendCounter() {
        return sendCounter;
    }

    /** Age of the session at {@code nowNanos}. */
    public long ageNanos(long nowNanos) {
        return nowNanos - birthNanos;
    }

    /**
     * Whether a message may still be sealed with this keypair: not destroyed, younger than
     * REJECT_AFTER_TIME and its counter below REJECT_AFTER_MESSAGES.
     */
    public boolean canSend(long nowNanos) {
        return !sendKey.isDestroyed()
                && ageNanos(nowNanos) < Protocol.REJECT_AFTER_TIME_NANOS
                && Long.compareUnsigned(sendCounter, Protocol.REJECT_AFTER_MESSAGES) < 0;
    }

    /** Whether messages may still be opened with this keypair: not destroyed and younger than REJECT_AFTER_TIME. */
    public boolean canReceive(long nowNanos) {
        return !receiveKey.isDestroyed() && ageNanos(nowNanos) < Protocol.REJECT_AFTER_TIME_NANOS;
    }

    /** Takes the next send counter. Call only after {@link #canSend} said yes. */
    public long nextSendCounter() {
        return sendCounter++;
    }

    /**
     * Test seam, package-private on purpose: moves the send counter forward to {@code counter} (unsigned),
     * as if the messages in between had been sent, so tests reach REKEY_AFTER_MESSAGES (2^60) and
     * REJECT_AFTER_MESSAGES without sealing that many. Tests call it through
     * {@code io.wgate.core.session.SendCounters} in the test sources; production code never does. It keeps
     * the invariants {@link #nextSendCounter} relies on: the counter only moves forward (it is the AEAD
     * nonce, so moving it back would reuse one) and never beyond REJECT_AFTER_MESSAGES.
     *
     * @throws IllegalArgumentException if {@code counter} is below the current send counter or above
     *     REJECT_AFTER_MESSAGES (both compared unsigned)
     */
    void skipSendCounterTo(long counter) {
        if (Long.compareUnsigned(counter, sendCounter) < 0
                || Long.compareUnsigned(counter, Protocol.REJECT_AFTER_MESSAGES) > 0) {
            throw new IllegalArgumentException("send counter may only move forward, up to REJECT_AFTER_MESSAGES: "
                    + Long.toUnsignedString(sendCounter) + " -> " + Long.toUnsignedString(counter));
        }
        sendCounter = counter;
    }

    /** Makes the keypair unusable for sending from now on (private key change: wireguard-go's expiry). */
    public void expireForSending() {
        sendCounter = Protocol.REJECT_AFTER_MESSAGES;
    }

    /** Zeroes both keys; the keypair can no longer send or receive. */
    public void destroy() {
        sendKey.destroy();
        receiveKey.destroy();
    }

    /** Whether {@link #destroy} ran. */
    public boolean isDestroyed() {
        return sendKey.isDestroyed();
    }

    @Override
    public String toString() {
        return "Keypair[localIndex=" + Integer.toUnsignedString(localIndex) + ", initiator=" + initiator + "]";
    }

    @Override
    public Peer handshakePeer() {
        return null;
    }

    @Override
    public Keypair keypair() {
        return this;
    }

    @Override
    public Peer owner() {
        return peer;
    }
}
