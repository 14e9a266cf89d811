package io.wgate.core.limit;

import io.netty.util.collection.LongObjectHashMap;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Iterator;
import java.util.Objects;

/**
 * Per-source token bucket for handshake messages that arrive while the device is under load and carry a valid mac2
 * (whitepaper §5.3; kernel {@code ratelimiter.c}, wireguard-go {@code ratelimiter/ratelimiter.go}).
 *
 * <p>Tokens are nanoseconds: a packet costs {@value #PACKET_COST_NANOS} ns (20 per second sustained) and a bucket
 * holds at most {@value #TOKEN_MAX_NANOS} ns (a burst of 5). A new source starts with a full bucket minus the packet
 * that created it. As in the kernel, IPv4 sources are keyed by the full address and IPv6 sources by their top 64
 * bits, so one host cannot dodge the limit by rotating addresses inside its /64.
 *
 * <p>Buckets idle for more than {@value #GC_IDLE_NANOS} ns are swept, at most once per second, from within
 * {@link #allow}; time comes only from the callers' {@code nowNanos} (monotonic). The table is bounded: once it holds
 * {@code maxEntries} sources, new sources are refused until a sweep frees room (kernel behaviour). Not thread-safe.
 */
public final class HandshakeRateLimiter {

    /** Sustained rate per source (kernel {@code PACKETS_PER_SECOND}). */
    public static final int PACKETS_PER_SECOND = 20;
    /** Burst per source (kernel {@code PACKETS_BURSTABLE}). */
    public static final int PACKETS_BURSTABLE = 5;
    /** Cost of one packet in tokens (kernel {@code PACKET_COST}): 50 ms. */
    public static final long PACKET_COST_NANOS = 1_000_000_000L / PACKETS_PER_SECOND;
    /** Bucket capacity (kernel {@code TOKEN_MAX}): 250 ms. */
    public static final long TOKEN_MAX_NANOS = PACKET_COST_NANOS * PACKETS_BURSTABLE;
    /** Buckets idle longer than this are dropped, and sweeps run at most this often (kernel: 1 s, {@code HZ}). */
    public static final long GC_IDLE_NANOS = 1_000_000_000L;
    /** Default bound on the number of sources: the kernel's 8192 buckets &times; 8 on hosts with more than 1 GiB. */
    public static final int MAX_ENTRIES = 8192 * 8;

    /** One source's bucket. */
    private static final class Bucket {
        long lastNanos;
        long tokensNanos;
    }

    private final LongObjectHashMap<Bucket> v4 = new LongObjectHashMap<>();
    private final LongObjectHashMap<Bucket> v6 = new LongObjectHashMap<>();
    private final int maxEntries;
    private boolean swept;
    private long lastSweepNanos;

    /** A limiter bounded to {@link #MAX_ENTRIES} sources. */
    public HandshakeRateLimiter() {
        this(MAX_ENTRIES);
    }

    /** A limiter bounded to {@code maxEntries} sources (both families together). */
    public HandshakeRateLimiter(int maxEntries) {
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("maxEntries must be positive, got " + maxEntries);
        }
        this.maxEntries = maxEntries;
    }

    /**
     * Whether a handshake message from {@code source} may be processed now; charges one packet if so.
     * {@link InetAddress#getAddress()} copies the address; {@link #allowV4} and {@link #allowV6} do not.
     *
     * @param nowNanos monotonic time
     * @return {@code false} if the source's bucket is empty, or the source is new and the table is full
     */
    public boolean allow(long nowNanos, InetAddress source) {
        Objects.requireNonNull(source, "source");
        byte[] address = source.getAddress();
        if (source instanceof Inet4Address) {
            return allowV4(nowNanos, (address[0] & 0xff) << 24 | (address[1] & 0xff) << 16
                    | (address[2] & 0xff) << 8 | (address[3] & 0xff));
        }
        long high = 0;
        for (int i = 0; i < 8; i++) {
            high = high << 8 | (address[i] & 0xffL);
        }
        return allowV6(nowNanos, high);
    }

    /** {@link #allow} for an IPv4 source given as a big-endian u32; allocates nothing for a known source. */
    public boolean allowV4(long nowNanos, int address) {
        return allow(nowNanos, v4, address & 0xffff_ffffL);
    }

    /** {@link #allow} for an IPv6 source given by its first 8 bytes (big-endian), which are the whole key. */
    public boolean allowV6(long nowNanos, long high) {
        return allow(nowNanos, v6, high);
    }

    /** Sources currently tracked. */
    public int size() {
        return v4.size() + v6.size();
    }

    private boolean allow(long nowNanos, LongObjectHashMap<Bucket> table, long key) {
        sweepIfDue(nowNanos);
        Bucket bucket = table.get(key);
        if (bucket != null) {
            // A clock that steps back neither refills nor rewinds the bucket.
            long elapsedNanos = Math.max(0, nowNanos - bucket.lastNanos);
            long tokens = Math.min(TOKEN_MAX_NANOS, bucket.tokensNanos + elapsedNanos);
            bucket.lastNanos += elapsedNanos;
            boolean allowed = tokens >= PACKET_COST_NANOS;
            bucket.tokensNanos = allowed ? tokens - PACKET_COST_NANOS : tokens;
            return allowed;
        }
        if (size() >= maxEntries) {
            return false;
        }
        bucket = new Bucket();
        bucket.lastNanos = nowNanos;
        bucket.tokensNanos = TOKEN_MAX_NANOS - PACKET_COST_NANOS;
        table.put(key, bucket);
        return true;
    }

    private void sweepIfDue(long nowNanos) {
        if (swept && nowNanos - lastSweepNanos < GC_IDLE_NANOS) {
            return;
        }
        swept = true;
        lastSweepNanos = nowNanos;
        sweep(v4, nowNanos);
        sweep(v6, nowNanos);
    }

    private static void sweep(LongObjectHashMap<Bucket> table, long nowNanos) {
        for (Iterator<Bucket> it = table.values().iterator(); it.hasNext(); ) {
            if (nowNanos - it.next().lastNanos > GC_IDLE_NANOS) {
                it.remove();
            }
        }
    }
}
