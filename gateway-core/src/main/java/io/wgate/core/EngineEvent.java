package io.wgate.core;

/**
 * Protocol events the engine counts in {@link EngineCounters}, besides the dropped packets of
 * {@link DropCounters}. Each happens at most once per handshake message or state change, never per
 * transport packet, except {@link #ENDPOINT_CHANGED}, which is counted only when the endpoint really moves.
 */
public enum EngineEvent {

    /** A handshake initiation went out (a first attempt, a retry or a rekey). */
    INITIATION_SENT,
    /** A handshake initiation from a known peer was authenticated and consumed. */
    INITIATION_RECEIVED,
    /** A handshake response went out. */
    RESPONSE_SENT,
    /** A handshake response was authenticated and consumed. */
    RESPONSE_RECEIVED,
    /**
     * A handshake completed: as initiator when the response was consumed, as responder when the first transport
     * message on the new keypair arrived (whitepaper §5.4.6, key confirmation).
     */
    HANDSHAKE_COMPLETED,
    /**
     * A handshake attempt was given up after {@link Protocol#MAX_TIMER_HANDSHAKES} retransmissions
     * (REKEY_ATTEMPT_TIME, 90 s) without an answer.
     */
    HANDSHAKE_TIMED_OUT,
    /** Under load, a handshake message without a valid mac2 was answered with a cookie reply. */
    COOKIE_REPLY_SENT,
    /** A cookie reply was decrypted and its cookie stored for the next handshake message's mac2. */
    COOKIE_REPLY_RECEIVED,
    /**
     * An initiation went out because the current session is old: REKEY_AFTER_TIME or REKEY_AFTER_MESSAGES on
     * send, or the receive-side limit (REJECT_AFTER_TIME - KEEPALIVE_TIMEOUT - REKEY_TIMEOUT). Also counted
     * in {@link #INITIATION_SENT}.
     */
    REKEY,
    /** Roaming: an authenticated packet came from another address than the peer's endpoint, which moved there. */
    ENDPOINT_CHANGED,
    /** The device went under load (handshakes need mac2 from now on); see {@link LoadEpisode}. */
    UNDER_LOAD_ENTERED,
    /** The device is no longer under load. */
    UNDER_LOAD_EXITED;

    private static final EngineEvent[] VALUES = values();

    /** Number of events, for arrays indexed by {@link #ordinal()}. */
    static int count() {
        return VALUES.length;
    }
}
