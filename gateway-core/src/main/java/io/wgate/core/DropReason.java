package io.wgate.core;

/**
 * Why the engine discarded a packet. Every early return on a packet path names one of these and bumps
 * its counter in {@link DropCounters}; the metrics module exports them as
 * {@code wgate_dropped_packets_total{reason="..."}}.
 */
public enum DropReason {

    // ---- datagrams from the network ----
    /** Fewer than four bytes, an unknown message type or non-zero reserved bytes. */
    MALFORMED_HEADER("malformed_header"),
    /** A known message type with the wrong length (types 1-3 are fixed size, type 4 at least 32 bytes). */
    INVALID_MESSAGE_LENGTH("invalid_message_length"),
    /** The bounded handshake queue was full. */
    HANDSHAKE_QUEUE_FULL("handshake_queue_full"),
    /** mac1 of a handshake message did not verify. */
    INVALID_MAC1("invalid_mac1"),
    /** Under load and mac2 was absent or stale: a cookie reply was sent instead of doing handshake work. */
    COOKIE_REPLY_SENT("cookie_reply_sent"),
    /**
     * Under load and mac2 was absent or stale, but cookie replies to this source, or to all sources, are at their
     * rate ({@link io.wgate.core.limit.CookieReplyLimiter}): nothing was sent.
     */
    COOKIE_REPLY_LIMITED("cookie_reply_limited"),
    /** A cookie reply was due, but the socket's send queue was past the share cookie replies may use. */
    COOKIE_REPLY_BACKPRESSURE("cookie_reply_backpressure"),
    /** Under load, mac2 valid, but the source exceeded its handshake rate. */
    RATE_LIMITED("rate_limited"),
    /** No private key is configured, so no handshake can be answered or started. */
    NO_IDENTITY("no_identity"),
    /** An initiation decrypted to a static key that is not one of our peers. */
    UNKNOWN_PEER("unknown_peer"),
    /** A handshake field failed to authenticate (encrypted static, timestamp or empty payload). */
    HANDSHAKE_DECRYPTION_FAILED("handshake_decryption_failed"),
    /** A Diffie-Hellman result was all zero (low-order point). */
    ZERO_DH_RESULT("zero_dh_result"),
    /** An initiation's timestamp was not newer than the newest accepted from that peer. */
    HANDSHAKE_REPLAY("handshake_replay"),
    /** An initiation arrived less than 20 ms after the previous consumed one from that peer. */
    HANDSHAKE_FLOOD("handshake_flood"),
    /** The receiver index matches nothing of the right kind. */
    UNKNOWN_RECEIVER_INDEX("unknown_receiver_index"),
    /** A response arrived for a handshake that is not waiting for one. */
    UNEXPECTED_HANDSHAKE_STATE("unexpected_handshake_state"),
    /** A cookie reply that we did not ask for or that failed to decrypt. */
    INVALID_COOKIE_REPLY("invalid_cookie_reply"),
    /** Transport data on a keypair past REJECT_AFTER_TIME. */
    KEYPAIR_EXPIRED("keypair_expired"),
    /** Transport data whose AEAD tag did not verify. */
    DECRYPTION_FAILED("decryption_failed"),
    /** Transport data whose counter was seen before, is too old for the window or past the limit. */
    REPLAYED("replayed"),
    /** Decrypted data that is not a well-formed IPv4 or IPv6 packet. */
    INVALID_INNER_PACKET("invalid_inner_packet"),
    /** Decrypted data whose source address is not in the sending peer's AllowedIPs. */
    NOT_ALLOWED_SOURCE("not_allowed_source"),

    // ---- packets from the tunnel ----
    /** Not an IPv4 or IPv6 packet, or shorter than its header. */
    INVALID_TUNNEL_PACKET("invalid_tunnel_packet"),
    /** No peer's AllowedIPs contain the destination. */
    NO_ROUTE("no_route"),
    /** The peer has no known endpoint to send to. */
    NO_ENDPOINT("no_endpoint"),
    /** The peer's staged queue was full; the oldest packet was dropped. */
    STAGED_QUEUE_FULL("staged_queue_full"),
    /** Staged packets discarded because the handshake gave up or the keys were zeroed. */
    STAGED_PACKETS_EXPIRED("staged_packets_expired"),

    // ---- crypto workers (a CryptoQueue is set) ----
    /** The crypto workers' queue was full: the packet was dropped before any counter or state was used. */
    CRYPTO_QUEUE_FULL("crypto_queue_full"),
    /** Sealing failed on a worker (a key destroyed while in use; never expected). */
    ENCRYPTION_FAILED("encryption_failed");

    private final String label;

    DropReason(String label) {
        this.label = label;
    }

    /** The metric label value, snake case. */
    public String label() {
        return label;
    }
}
