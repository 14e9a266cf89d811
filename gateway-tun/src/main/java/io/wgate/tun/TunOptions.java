package io.wgate.tun;

/**
 * How to open a TUN interface: the flags beyond the always-on {@code IFF_TUN | IFF_NO_PI}.
 *
 * <p>{@code queues > 1} opens that many file descriptors on one interface with {@code IFF_MULTI_QUEUE}; the
 * kernel then spreads flows across them, and each queue can be served by its own {@link TunChannel} on its own
 * event loop. {@code vnetHeader} ({@code IFF_VNET_HDR} plus {@code TUNSETOFFLOAD}: a {@code virtio_net_hdr} in
 * front of each packet, GSO super-packets on read) is reserved for later and rejected by {@link TunDevice#open}.
 *
 * @param vnetHeader whether packets carry a virtio_net_hdr (not supported yet)
 * @param queues     number of queues, 1 to {@value IfTun#MAX_TAP_QUEUES}
 */
public record TunOptions(boolean vnetHeader, int queues) {
    /** One queue, no vnet header: plain IP packets on a single fd. */
    public static final TunOptions DEFAULT = new TunOptions(false, 1);

    /**
     * Validates the queue count.
     *
     * @throws IllegalArgumentException if {@code queues} is outside 1 to 256
     */
    public TunOptions {
        if (queues < 1 || queues > IfTun.MAX_TAP_QUEUES) {
            throw new IllegalArgumentException(
                    "queues is " + queues + "; a TUN interface has 1 to " + IfTun.MAX_TAP_QUEUES + " queues");
        }
    }

    /** {@code DEFAULT} with {@code queues} queues (multi-queue when more than one). */
    public static TunOptions multiQueue(int queues) {
        return new TunOptions(false, queues);
    }

    /** The {@code ifr_flags} to pass to {@code TUNSETIFF} for every queue. */
    int ifreqFlags() {
        int flags = IfTun.IFF_TUN | IfTun.IFF_NO_PI;
        if (queues > 1) {
            flags |= IfTun.IFF_MULTI_QUEUE;
        }
        if (vnetHeader) {
            flags |= IfTun.IFF_VNET_HDR;
        }
        return flags;
    }

    /** Throws {@link UnsupportedOperationException} for options this version cannot serve yet. */
    void checkSupported() {
        if (vnetHeader) {
            throw new UnsupportedOperationException("IFF_VNET_HDR is not supported yet: every packet would start"
                    + " with a virtio_net_hdr and reads could return GSO super-packets, which TunChannel does not"
                    + " split; open the device with vnetHeader=false");
        }
    }
}
