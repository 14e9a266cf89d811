package io.wgate.core;

/**
 * WireGuard protocol constants with the whitepaper's names and explicit units.
 *
 * <p>Sources: the WireGuard whitepaper §6.1 ("Preliminaries", the constants table), the Linux
 * module's {@code drivers/net/wireguard/messages.h} and wireguard-go's {@code device/constants.go}.
 * Where the kernel and wireguard-go differ the kernel's value is used and the difference noted.
 */
public final class Protocol {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /** Send a new initiation once a keypair has encrypted this many messages (2^60). */
    public static final long REKEY_AFTER_MESSAGES = 1L << 60;

    /**
     * Never use a keypair for more than this many messages, compared unsigned. Kernel value
     * {@code U64_MAX - COUNTER_WINDOW_SIZE - 1} = 2^64 - 8130 (wireguard-go uses 2^64 - 2^13 - 1;
     * the difference is irrelevant in practice).
     */
    public static final long REJECT_AFTER_MESSAGES = -1L - 8128L - 1L;

    /** The initiator of a keypair starts a new handshake when it is this old. */
    public static final long REKEY_AFTER_TIME_NANOS = 120 * NANOS_PER_SECOND;

    /** A keypair older than this is never used, for sending or receiving. */
    public static final long REJECT_AFTER_TIME_NANOS = 180 * NANOS_PER_SECOND;

    /** How long to keep retrying a handshake before giving up. */
    public static final long REKEY_ATTEMPT_TIME_NANOS = 90 * NANOS_PER_SECOND;

    /** Retransmit an unanswered initiation after this long (plus jitter). */
    public static final long REKEY_TIMEOUT_NANOS = 5 * NANOS_PER_SECOND;

    /**
     * Retransmissions before giving up: REKEY_ATTEMPT_TIME / REKEY_TIMEOUT = 18. As in the kernel and
     * wireguard-go the give-up test is {@code attempts > MAX_TIMER_HANDSHAKES}, so a peer that never
     * answers sees the first initiation plus 19 retries (20 in all, about 100 s) before we give up.
     */
    public static final int MAX_TIMER_HANDSHAKES = (int) (REKEY_ATTEMPT_TIME_NANOS / REKEY_TIMEOUT_NANOS);

    /**
     * Upper bound (exclusive) of the random jitter added to REKEY_TIMEOUT timers: the kernel draws
     * {@code [0, HZ/3)} jiffies, a third of a second.
     */
    public static final int REKEY_TIMEOUT_JITTER_MAX_NANOS = (int) (NANOS_PER_SECOND / 3);

    /** Passive keepalive: answer received data with a keepalive after this much silence. */
    public static final long KEEPALIVE_TIMEOUT_NANOS = 10 * NANOS_PER_SECOND;

    /** Key material is erased after three times REJECT_AFTER_TIME without a new session. */
    public static final long ZERO_KEY_MATERIAL_AFTER_NANOS = 3 * REJECT_AFTER_TIME_NANOS;

    /** The cookie secret is regenerated when older than this; cookies expire with it. */
    public static final long COOKIE_SECRET_MAX_AGE_NANOS = 120 * NANOS_PER_SECOND;

    /** A received cookie is used for mac2 only while younger than MAX_AGE minus this latency. */
    public static final long COOKIE_SECRET_LATENCY_NANOS = 5 * NANOS_PER_SECOND;

    /** At most this many initiations per second are consumed from one peer (flood guard). */
    public static final int INITIATIONS_PER_SECOND = 50;

    /** Minimum spacing between consumed initiations of one peer: 1 s / 50 = 20 ms. */
    public static final long INITIATION_MIN_INTERVAL_NANOS = NANOS_PER_SECOND / INITIATIONS_PER_SECOND;

    /** Capacity of the device-wide queue of handshake messages awaiting processing (kernel value). */
    public static final int MAX_QUEUED_INCOMING_HANDSHAKES = 4096;

    /** The device is under load while that queue holds at least an eighth of its capacity. */
    public static final int UNDER_LOAD_QUEUE_DEPTH = MAX_QUEUED_INCOMING_HANDSHAKES / 8;

    /** Once under load, the device stays so for this long after the queue drains. */
    public static final long UNDER_LOAD_AFTER_TIME_NANOS = NANOS_PER_SECOND;

    /** Packets held per peer while no session exists; the oldest is dropped beyond this. */
    public static final int MAX_STAGED_PACKETS = 128;

    /** Transport plaintext is zero-padded to a multiple of this many bytes. */
    public static final int MESSAGE_PADDING_MULTIPLE = 16;

    /** Default tunnel MTU: 1500 minus the worst-case overhead of 80 bytes (IPv6 outer header). */
    public static final int DEFAULT_MTU = 1420;

    /** Smallest tunnel MTU accepted: IPv4's minimum (RFC 791); IPv6 on the tunnel needs 1280. */
    public static final int MIN_MTU = 68;

    /** Largest tunnel MTU accepted. */
    public static final int MAX_MTU = 65535;

    /** Bytes WireGuard adds to a transport packet: 16-byte header plus the 16-byte AEAD tag. */
    public static final int TRANSPORT_OVERHEAD = 32;

    /** Upper bound on peers per device (kernel MAX_PEERS_PER_DEVICE). */
    public static final int MAX_PEERS = 1 << 20;

    private Protocol() {
    }
}
