package io.wgate.core.peer;

import io.wgate.core.Entropy;
import io.wgate.core.Protocol;

/**
 * The whole timer policy of one peer (whitepaper §6; the kernel's {@code timers.c}, wireguard-go's
 * {@code timers.go}; whitepaper §6) as deadlines rather than callbacks. The engine calls the
 * {@code on…} hooks when the named event happens and {@link #expire} from its tick; {@code expire}
 * returns which timers fired and the engine performs the actions.
 *
 * <p>Five timers: retransmit-handshake, send-keepalive, new-handshake, zero-key-material and
 * persistent-keepalive; plus the handshake attempt counter and two flags. Owner thread only; times are monotonic nanoseconds.
 */
public final class PeerTimers {

    /** Fired: retransmit the initiation (or give up). */
    public static final int RETRANSMIT_HANDSHAKE = 1;
    /** Fired: send a passive keepalive. */
    public static final int SEND_KEEPALIVE = 1 << 1;
    /** Fired: we sent data but heard nothing back; start a new handshake. */
    public static final int NEW_HANDSHAKE = 1 << 2;
    /** Fired: erase all key material. */
    public static final int ZERO_KEY_MATERIAL = 1 << 3;
    /** Fired: send a persistent keepalive. */
    public static final int PERSISTENT_KEEPALIVE = 1 << 4;

    private static final int TIMERS = 5;

    private final long[] deadlineNanos = new long[TIMERS];
    private int pending;
    /** Timers that expired and were not acted on yet; re-arming or cancelling one takes it back. */
    private int fired;

    private int handshakeAttempts;
    private boolean needAnotherKeepalive;
    private boolean sentLastMinuteHandshake;

    // ---------------------------------------------------------------- events

    /** A transport message with a non-empty payload was sent. Draws jitter only when it arms the timer. */
    public void onDataSent(long nowNanos, Entropy entropy) {
        if (!isPending(NEW_HANDSHAKE)) {
            arm(NEW_HANDSHAKE, nowNanos + Protocol.KEEPALIVE_TIMEOUT_NANOS + Protocol.REKEY_TIMEOUT_NANOS + jitter(entropy));
        }
    }

    /** A transport message with a non-empty payload was received and authenticated. */
    public void onDataReceived(long nowNanos) {
        if (!isPending(SEND_KEEPALIVE)) {
            arm(SEND_KEEPALIVE, nowNanos + Protocol.KEEPALIVE_TIMEOUT_NANOS);
        } else {
            needAnotherKeepalive = true;
        }
    }

    /** Any authenticated packet was sent: data, keepalive or handshake. */
    public void onAnyAuthenticatedPacketSent() {
        cancel(SEND_KEEPALIVE);
    }

    /** Any authenticated packet was received: data, keepalive or handshake. */
    public void onAnyAuthenticatedPacketReceived() {
        cancel(NEW_HANDSHAKE);
    }

    /** Any authenticated packet was sent or received: re-arms the persistent keepalive. */
    public void onAnyAuthenticatedPacketTraversal(long nowNanos, int persistentKeepaliveSeconds) {
        if (persistentKeepaliveSeconds > 0) {
            arm(PERSISTENT_KEEPALIVE, nowNanos + persistentKeepaliveSeconds * 1_000_000_000L);
        }
    }

    /** An initiation was sent. */
    public void onHandshakeInitiated(long nowNanos, Entropy entropy) {
        arm(RETRANSMIT_HANDSHAKE, nowNanos + Protocol.REKEY_TIMEOUT_NANOS + jitter(entropy));
    }

    /** Uniform jitter in {@code [0, REKEY_TIMEOUT_JITTER_MAX_NANOS)}, as the kernel's {@code [0, HZ/3)} jiffies. */
    private static int jitter(Entropy entropy) {
        return entropy.nextInt(Protocol.REKEY_TIMEOUT_JITTER_MAX_NANOS);
    }

    /** A handshake completed: response consumed, or first data on the responder's new keypair. */
    public void onHandshakeComplete() {
        cancel(RETRANSMIT_HANDSHAKE);
        handshakeAttempts = 0;
        sentLastMinuteHandshake = false;
    }

    /** A session was derived (either role). */
    public void onSessionDerived(long nowNanos) {
        arm(ZERO_KEY_MATERIAL, nowNanos + Protocol.ZERO_KEY_MATERIAL_AFTER_NANOS);
    }

    // ---------------------------------------------------------------- expiry

    /**
     * Moves every timer whose deadline is at or before {@code nowNanos} from armed to fired, and returns
     * that bit set. The caller then asks {@link #takeFired} for each timer in turn: a timer that the action
     * of an earlier one re-armed or cancelled is no longer fired (as with the kernel's {@code mod_timer}),
     * so, say, a passive keepalive that went out stops a persistent keepalive due at the same instant.
     */
    public int expire(long nowNanos) {
        int due = 0;
        for (int i = 0; i < TIMERS; i++) {
            int bit = 1 << i;
            if ((pending & bit) != 0 && nowNanos - deadlineNanos[i] >= 0) {
                due |= bit;
            }
        }
        pending &= ~due;
        fired |= due;
        return due;
    }

    /** Whether {@code timer} fired and is still to be acted on; clears it. */
    public boolean takeFired(int timer) {
        boolean wasFired = (fired & timer) != 0;
        fired &= ~timer;
        return wasFired;
    }

    /** The earliest pending deadline, or {@link Long#MAX_VALUE} when no timer is pending. */
    public long nextDeadlineNanos() {
        long earliest = Long.MAX_VALUE;
        for (int i = 0; i < TIMERS; i++) {
            if ((pending & (1 << i)) != 0 && deadlineNanos[i] < earliest) {
                earliest = deadlineNanos[i];
            }
        }
        return earliest;
    }

    /** Whether {@code timer} (one of the constants) is armed. */
    public boolean isPending(int timer) {
        return (pending & timer) != 0;
    }

    /** The deadline of an armed {@code timer}; unspecified when idle. */
    public long deadlineNanos(int timer) {
        return deadlineNanos[Integer.numberOfTrailingZeros(timer)];
    }

    /** Arms {@code timer} (one of the constants) for {@code deadlineNanos}, replacing any earlier deadline. */
    public void arm(int timer, long deadlineNanos) {
        this.deadlineNanos[Integer.numberOfTrailingZeros(timer)] = deadlineNanos;
        pending |= timer;
        fired &= ~timer;
    }

    /** Disarms {@code timer} (also if it fired and was not acted on yet). */
    public void cancel(int timer) {
        pending &= ~timer;
        fired &= ~timer;
    }

    /** Disarms every timer and resets the counters (peer removal). */
    public void cancelAll() {
        pending = 0;
        fired = 0;
        handshakeAttempts = 0;
        needAnotherKeepalive = false;
        sentLastMinuteHandshake = false;
    }

    // ---------------------------------------------------------------- counters and flags

    /** Retransmissions of the current handshake attempt so far. */
    public int handshakeAttempts() {
        return handshakeAttempts;
    }

    /** Counts one more retransmission; returns the new count. */
    public int incrementHandshakeAttempts() {
        return ++handshakeAttempts;
    }

    /** A new (non-retry) handshake attempt starts counting from zero. */
    public void resetHandshakeAttempts() {
        handshakeAttempts = 0;
    }

    /** Consumes the "another keepalive is owed" flag set by {@link #onDataReceived}. */
    public boolean takeNeedAnotherKeepalive() {
        boolean need = needAnotherKeepalive;
        needAnotherKeepalive = false;
        return need;
    }

    /** Whether the receive-side "last minute" rekey was already triggered for the current keypair. */
    public boolean sentLastMinuteHandshake() {
        return sentLastMinuteHandshake;
    }

    /** Marks the receive-side "last minute" rekey as triggered. */
    public void markLastMinuteHandshakeSent() {
        sentLastMinuteHandshake = true;
    }
}
