package io.wgate.core.limit;

import java.net.InetAddress;

/**
 * How many cookie replies the device sends while under load: at most {@value #PER_SOURCE_PER_SECOND} per second per
 * source (burst {@value #PER_SOURCE_BURST}, a {@link HandshakeRateLimiter} of its own, keyed as that one is) and at
 * most {@value #GLOBAL_PER_SECOND} per second in all (burst {@value #GLOBAL_BURST}). A flood from spoofed sources
 * then cannot fill the socket with replies that wait for neighbour resolution of addresses nobody owns, ahead of
 * tunnel data and handshake responses (the protocol does not limit cookie replies; wgate does, and a legitimate peer
 * needs one reply per handshake attempt). Not thread-safe: the engine's owner thread.
 */
public final class CookieReplyLimiter {

    /** Replies per second to one source (the handshake rate of the kernel's ratelimiter). */
    public static final int PER_SOURCE_PER_SECOND = HandshakeRateLimiter.PACKETS_PER_SECOND;
    /** Burst to one source. */
    public static final int PER_SOURCE_BURST = HandshakeRateLimiter.PACKETS_BURSTABLE;
    /** Replies per second to all sources together. */
    public static final int GLOBAL_PER_SECOND = 2_000;
    /** Burst to all sources together. */
    public static final int GLOBAL_BURST = 200;
    /** Cost of one reply against the global bucket: 0.5 ms. */
    static final long GLOBAL_COST_NANOS = 1_000_000_000L / GLOBAL_PER_SECOND;
    /** Capacity of the global bucket: 100 ms. */
    static final long GLOBAL_MAX_NANOS = GLOBAL_COST_NANOS * GLOBAL_BURST;

    private final HandshakeRateLimiter perSource = new HandshakeRateLimiter();
    private long globalTokensNanos = GLOBAL_MAX_NANOS;
    private long globalLastNanos;
    private boolean started;

    /** Whether a cookie reply may go to {@code source} now; charges both buckets if so. */
    public boolean allow(long nowNanos, InetAddress source) {
        refillGlobal(nowNanos);
        if (globalTokensNanos < GLOBAL_COST_NANOS || !perSource.allow(nowNanos, source)) {
            return false;
        }
        globalTokensNanos -= GLOBAL_COST_NANOS;
        return true;
    }

    /** Whether no cookie reply may go to any source now (the global bucket is empty); charges nothing. */
    public boolean globalExhausted(long nowNanos) {
        refillGlobal(nowNanos);
        return globalTokensNanos < GLOBAL_COST_NANOS;
    }

    private void refillGlobal(long nowNanos) {
        if (!started) {
            started = true;
            globalLastNanos = nowNanos;
            return;
        }
        long elapsedNanos = Math.max(0, nowNanos - globalLastNanos); // a clock stepping back refills nothing
        globalLastNanos += elapsedNanos;
        globalTokensNanos = Math.min(GLOBAL_MAX_NANOS, globalTokensNanos + elapsedNanos);
    }
}
