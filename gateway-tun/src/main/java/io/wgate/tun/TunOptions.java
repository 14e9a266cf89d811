package io.wgate.tun;

/**
 * How to open a TUN interface: the flags beyond the always-on {@code IFF_TUN | IFF_NO_PI}.
 *
 * <p>{@code queues > 1} opens that many file descriptors on one interface with {@code IFF_MULTI_QUEUE}; the
 * kernel then spreads flows across them, and each queue can be served by its own {@link TunChannel} on its own
 * event loop. {@code vnetHeader} asks for {@code IFF_VNET_HDR} plus {@code TUNSETOFFLOAD(TUN_F_CSUM | TUN_F_TSO4 |
 * TUN_F_TSO6)}: a {@code virtio_net_hdr} in front of each packet, partial checksums and TCP GSO super-packets on
 * read, which {@link TunChannel} completes and splits, and coalesced GSO super-packets on write. With
 * {@code udpSegmentation} as well, {@code TUN_F_USO4 | TUN_F_USO6} are asked for on top (Linux 6.2 and later): UDP
 * super-packets on read, coalesced UDP on write; a kernel that refuses them keeps the TCP offloads. If the kernel
 * refuses the TCP offloads, {@link TunDevice#open} falls back to plain packets (see {@link TunQueue#vnetHeader()}).
 *
 * @param vnetHeader      whether to ask for the virtio_net_hdr and TCP/checksum offloads
 * @param udpSegmentation whether to ask for the UDP segmentation offloads too (only with {@code vnetHeader})
 * @param queues          number of queues, 1 to {@value IfTun#MAX_TAP_QUEUES}
 */
public record TunOptions(boolean vnetHeader, boolean udpSegmentation, int queues) {
    /** One queue, no vnet header: plain IP packets on a single fd. */
    public static final TunOptions DEFAULT = new TunOptions(false, false, 1);

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
        return new TunOptions(false, false, queues);
    }

    /** These options with the vnet header and TCP/checksum offloads turned on or off. */
    public TunOptions withVnetHeader(boolean on) {
        return new TunOptions(on, udpSegmentation, queues);
    }

    /** These options with the UDP segmentation offloads (on top of the vnet header) asked for or not. */
    public TunOptions withUdpSegmentation(boolean on) {
        return new TunOptions(vnetHeader, on, queues);
    }

    /** The {@code TUN_F_*} offloads passed to {@code TUNSETOFFLOAD} first when {@code vnetHeader} is set. */
    static int offloads() {
        return IfTun.TUN_F_CSUM | IfTun.TUN_F_TSO4 | IfTun.TUN_F_TSO6;
    }

    /** The {@code TUN_F_*} offloads added to {@link #offloads()} when {@code udpSegmentation} is set too. */
    static int udpOffloads() {
        return IfTun.TUN_F_USO4 | IfTun.TUN_F_USO6;
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
}
