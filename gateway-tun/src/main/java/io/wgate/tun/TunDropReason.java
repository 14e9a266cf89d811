package io.wgate.tun;

/**
 * Why a {@link TunChannel} dropped a packet (for reads from a vnet-header queue: one super-packet, however many
 * segments it would have made). Each reason has a counter in {@link TunCounters}.
 */
public enum TunDropReason {
    /**
     * A packet read from the interface was longer than the read buffer (interface MTU above
     * {@link TunChannelConfig#getMtu()}); the kernel truncated it, so it was discarded.
     */
    OVERSIZED_READ,
    /** A read from a vnet-header queue was shorter than the 10-byte virtio_net_hdr plus one packet byte. */
    VNET_HEADER_TRUNCATED,
    /**
     * The virtio_net_hdr asked for a GSO type wgate does not split (the old UFO {@code UDP} type or an unknown one;
     * TCPv4, TCPv6 and {@code UDP_L4} are split).
     */
    GSO_TYPE_UNSUPPORTED,
    /** NEEDS_CSUM was set with csum_start/csum_offset pointing past the end of the packet. */
    CSUM_OFFSETS_INVALID,
    /**
     * The IP or transport header of a GSO super-packet did not match the virtio_net_hdr or itself (wrong IP version
     * or protocol, an IPv6 extension header the splitter does not keep, IPv4 fragment, length fields, TCP data
     * offset, hdr_len, csum_start, gso_size 0).
     */
    GSO_HEADERS_INVALID,
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
