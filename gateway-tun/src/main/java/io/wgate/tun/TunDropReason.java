package io.wgate.tun;

/**
 * Why a {@link TunChannel} dropped a packet. Each reason has a counter in {@link TunCounters}.
 */
public enum TunDropReason {
    /**
     * A packet read from the interface was longer than the read buffer (interface MTU above
     * {@link TunChannelConfig#getMtu()}); the kernel truncated it, so it was discarded.
     */
    OVERSIZED_READ,
    /**
     * The kernel refused a written packet ({@code EINVAL}: not an IPv4/IPv6 packet, {@code EIO}: interface down,
     * or similar); the write's promise fails with the error and the channel stays open.
     */
    WRITE_REJECTED,
    /** A packet was still queued for writing when the channel closed; its promise fails. */
    UNSENT_ON_CLOSE;

    private static final TunDropReason[] VALUES = values();

    /** Number of reasons, for arrays indexed by {@link #ordinal()}. */
    static int count() {
        return VALUES.length;
    }

    /** The reason with this ordinal. */
    static TunDropReason of(int ordinal) {
        return VALUES[ordinal];
    }
}
