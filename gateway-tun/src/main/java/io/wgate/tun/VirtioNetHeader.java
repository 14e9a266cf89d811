package io.wgate.tun;

/**
 * Layout and constants of {@code struct virtio_net_hdr}, the 10-byte prefix of every read and write on a TUN
 * queue opened with {@code IFF_VNET_HDR} (include/uapi/linux/virtio_net.h). Fields are little-endian on the
 * little-endian hosts wgate runs on (the kernel uses the host order for TUN unless TUNSETVNETLE/BE say otherwise).
 *
 * <pre>
 * offset 0 u8  flags        NEEDS_CSUM = 1, DATA_VALID = 2
 * offset 1 u8  gso_type     NONE = 0, TCPV4 = 1, UDP = 3, TCPV6 = 4, UDP_L4 = 5, ECN bit = 0x80
 * offset 2 u16 hdr_len      bytes of headers (the kernel reports skb_headlen, which may be larger)
 * offset 4 u16 gso_size     payload bytes per segment
 * offset 6 u16 csum_start   where the checksummed range starts (the L4 header)
 * offset 8 u16 csum_offset  where the checksum field sits, counted from csum_start
 * </pre>
 */
final class VirtioNetHeader {
    /** {@code sizeof(struct virtio_net_hdr)}, the TUN default (TUNSETVNETHDRSZ is not used). */
    static final int LENGTH = 10;

    static final int FLAGS_OFFSET = 0;
    static final int GSO_TYPE_OFFSET = 1;
    static final int HDR_LEN_OFFSET = 2;
    static final int GSO_SIZE_OFFSET = 4;
    static final int CSUM_START_OFFSET = 6;
    static final int CSUM_OFFSET_OFFSET = 8;

    /** {@code VIRTIO_NET_HDR_F_NEEDS_CSUM}: the L4 checksum field holds only the pseudo-header sum. */
    static final int F_NEEDS_CSUM = 1;
    /** {@code VIRTIO_NET_HDR_F_DATA_VALID}: the checksum was already verified (ignored on read). */
    static final int F_DATA_VALID = 2;

    static final int GSO_NONE = 0;
    static final int GSO_TCPV4 = 1;
    static final int GSO_UDP = 3;
    static final int GSO_TCPV6 = 4;
    static final int GSO_UDP_L4 = 5;
    /** {@code VIRTIO_NET_HDR_GSO_ECN}: the flow uses ECN, so CWR must appear on the first segment only. */
    static final int GSO_ECN = 0x80;

    private VirtioNetHeader() {
    }
}
