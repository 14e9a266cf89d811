package io.wgate.tun;

/**
 * Constants of the kernel's TUN interface, named as in {@code include/uapi/linux/if_tun.h} (ioctl numbers computed
 * with the generic {@code _IOW('T', n, int)} / {@code _IOR} encoding used by x86-64 and aarch64).
 *
 * <p>{@link #TUNSETIFF} with {@code IFF_TUN | IFF_NO_PI [| IFF_MULTI_QUEUE] [| IFF_VNET_HDR]}, and
 * {@link #TUNSETOFFLOAD} with {@code TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 [| TUN_F_USO4 | TUN_F_USO6]} when offloads
 * are asked for.
 */
final class IfTun {
    /** {@code _IOW('T', 202, int)}: attach the fd to an interface (creating it if needed). */
    static final long TUNSETIFF = 0x400454caL;
    /** {@code _IOW('T', 203, int)}: keep the interface after the last fd closes. */
    static final long TUNSETPERSIST = 0x400454cbL;
    /** {@code _IOR('T', 207, unsigned int)}: the IFF_* flags this kernel supports. */
    static final long TUNGETFEATURES = 0x800454cfL;
    /** {@code _IOW('T', 208, unsigned int)}: TUN_F_* offloads; the argument is passed by value. */
    static final long TUNSETOFFLOAD = 0x400454d0L;
    /** {@code _IOR('T', 210, unsigned int)}: read back name and flags. */
    static final long TUNGETIFF = 0x800454d2L;
    /** {@code _IOW('T', 216, int)}: size of the virtio_net_hdr prefix. */
    static final long TUNSETVNETHDRSZ = 0x400454d8L;
    /** {@code _IOW('T', 217, int)}: IFF_ATTACH_QUEUE / IFF_DETACH_QUEUE on a multi-queue fd. */
    static final long TUNSETQUEUE = 0x400454d9L;

    /** Layer-3 device: reads and writes are bare IP packets. */
    static final int IFF_TUN = 0x0001;
    static final int IFF_TAP = 0x0002;
    static final int IFF_NAPI = 0x0010;
    /** One fd per queue; all fds name the same interface. */
    static final int IFF_MULTI_QUEUE = 0x0100;
    static final int IFF_ATTACH_QUEUE = 0x0200;
    static final int IFF_DETACH_QUEUE = 0x0400;
    /** No 4-byte {@code struct tun_pi} in front of each packet. */
    static final int IFF_NO_PI = 0x1000;
    /** A {@code struct virtio_net_hdr} in front of each packet (needed for GSO/GRO offloads). */
    static final int IFF_VNET_HDR = 0x4000;

    /** {@code TUN_F_CSUM}: userspace accepts packets whose L4 checksum is only partial (NEEDS_CSUM). */
    static final int TUN_F_CSUM = 0x01;
    /** {@code TUN_F_TSO4}: userspace accepts TCP-over-IPv4 GSO super-packets. */
    static final int TUN_F_TSO4 = 0x02;
    /** {@code TUN_F_TSO6}: userspace accepts TCP-over-IPv6 GSO super-packets. */
    static final int TUN_F_TSO6 = 0x04;
    /** {@code TUN_F_USO4}: userspace accepts UDP-over-IPv4 GSO (UDP_L4) super-packets (Linux 6.2 and later). */
    static final int TUN_F_USO4 = 0x20;
    /** {@code TUN_F_USO6}: userspace accepts UDP-over-IPv6 GSO (UDP_L4) super-packets (Linux 6.2 and later). */
    static final int TUN_F_USO6 = 0x40;

    /** Kernel limit on queues per interface ({@code MAX_TAP_QUEUES} in drivers/net/tun.c). */
    static final int MAX_TAP_QUEUES = 256;

    private IfTun() {
    }
}
