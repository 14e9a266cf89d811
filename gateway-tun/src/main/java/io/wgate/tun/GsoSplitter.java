package io.wgate.tun;

import io.netty.buffer.ByteBuf;

/**
 * Turns one read from an {@code IFF_VNET_HDR} TUN queue (a {@link VirtioNetHeader} and a packet of up to 64 KiB)
 * into the plain IP packets the rest of the gateway expects: a {@code gso_type NONE} packet is copied and, when
 * {@code NEEDS_CSUM} is set, its L4 checksum is completed; a TCPv4/TCPv6 GSO super-packet is cut into segments of
 * {@code gso_size} payload bytes, each with its own IP and TCP header and full checksums. The design follows
 * wireguard-go's {@code tun/offload_linux.go} (read side), written independently.
 *
 * <p>Use: {@link #prepare} validates the read and remembers where it is; then {@link #segmentLength} and
 * {@link #writeSegment} for each of the {@link #segmentCount} segments. One instance per channel, used only on its
 * event loop; no allocation. The naive twin is {@code NaiveSegmenter} in the tests.
 *
 * <p>Per segment {@code i} of {@code n}: the IPv4 total length, identification ({@code + i}) and header checksum,
 * or the IPv6 payload length, are rewritten; the TCP sequence number advances by {@code i * gso_size}; FIN and PSH
 * stay on the last segment only and CWR on the first only; the TCP checksum is computed over the pseudo-header and
 * the whole segment.
 */
final class GsoSplitter {
    static final int IPV4_MIN_HEADER = 20;
    static final int IPV6_HEADER = 40;
    static final int TCP_MIN_HEADER = 20;
    static final int PROTO_TCP = 6;
    /** Offset of the checksum field in the TCP header (RFC 9293 §3.1). */
    static final int TCP_CSUM_OFFSET = 16;
    static final int TCP_FLAGS_OFFSET = 13;
    static final int TCP_FIN = 0x01;
    static final int TCP_PSH = 0x08;
    static final int TCP_CWR = 0x80;

    private ByteBuf src;
    private int packetIndex;
    private int packetLength;
    private boolean gso;
    private boolean ipv4;
    private boolean needsCsum;
    private int csumStart;
    private int csumOffset;
    private int ipHeaderLength;
    private int headerLength;
    private int gsoSize;
    private int segments;

    /**
     * Parses the virtio_net_hdr at {@code index} and checks the packet behind it. Borrows {@code src} until the
     * next {@code prepare} or {@link #clear()}; nothing is modified.
     *
     * @param length        bytes read: header plus packet
     * @param maxSegment    longest packet the caller accepts; longer segments make the read
     *                      {@link TunDropReason#OVERSIZED_READ}
     * @return null if the packet can be written out, else why it must be dropped
     */
    TunDropReason prepare(ByteBuf src, int index, int length, int maxSegment) {
        this.src = null;
        if (length < VirtioNetHeader.LENGTH + 1) {
            return TunDropReason.VNET_HEADER_TRUNCATED;
        }
        int flags = src.getUnsignedByte(index + VirtioNetHeader.FLAGS_OFFSET);
        int gsoType = src.getUnsignedByte(index + VirtioNetHeader.GSO_TYPE_OFFSET) & ~VirtioNetHeader.GSO_ECN;
        int hdrLen = src.getUnsignedShortLE(index + VirtioNetHeader.HDR_LEN_OFFSET);
        int size = src.getUnsignedShortLE(index + VirtioNetHeader.GSO_SIZE_OFFSET);
        int start = src.getUnsignedShortLE(index + VirtioNetHeader.CSUM_START_OFFSET);
        int offset = src.getUnsignedShortLE(index + VirtioNetHeader.CSUM_OFFSET_OFFSET);
        int pkt = index + VirtioNetHeader.LENGTH;
        int len = length - VirtioNetHeader.LENGTH;
        boolean csum = (flags & VirtioNetHeader.F_NEEDS_CSUM) != 0;
        if (csum && start + offset + 2 > len) {
            return TunDropReason.CSUM_OFFSETS_INVALID;
        }
        if (gsoType == VirtioNetHeader.GSO_NONE) {
            if (len > maxSegment) {
                return TunDropReason.OVERSIZED_READ;
            }
            set(src, pkt, len, false, csum, start, offset);
            segments = 1;
            return null;
        }
        boolean v4;
        if (gsoType == VirtioNetHeader.GSO_TCPV4) {
            v4 = true;
        } else if (gsoType == VirtioNetHeader.GSO_TCPV6) {
            v4 = false;
        } else {
            return TunDropReason.GSO_TYPE_UNSUPPORTED;
        }
        int ipLen = ipHeaderLength(src, pkt, len, v4);
        if (ipLen < 0 || size == 0 || (csum && (start != ipLen || offset != TCP_CSUM_OFFSET))) {
            return TunDropReason.GSO_HEADERS_INVALID;
        }
        int tcpLen = (src.getUnsignedByte(pkt + ipLen + 12) >>> 4) * 4;
        int headers = ipLen + tcpLen;
        // hdr_len is the kernel's skb_headlen: at least the real headers, but on the forwarding path it can be the
        // whole first packet (wireguard-go tun/offload_linux.go recomputes it for that reason), so the real header
        // lengths are used and hdr_len only has to cover them.
        if (tcpLen < TCP_MIN_HEADER || headers > len || hdrLen < headers || hdrLen > len) {
            return TunDropReason.GSO_HEADERS_INVALID;
        }
        if (headers + Math.min(size, len - headers) > maxSegment) {
            return TunDropReason.OVERSIZED_READ;
        }
        set(src, pkt, len, true, csum, start, offset);
        ipv4 = v4;
        ipHeaderLength = ipLen;
        headerLength = headers;
        gsoSize = size;
        int payload = len - headers;
        segments = payload == 0 ? 1 : (payload + size - 1) / size;
        return null;
    }

    /** IP header length of a TCP super-packet of the given family, or -1 if the IP header is not one. */
    private static int ipHeaderLength(ByteBuf src, int pkt, int len, boolean v4) {
        int version = src.getUnsignedByte(pkt) >>> 4;
        if (v4) {
            int ihl = (src.getUnsignedByte(pkt) & 0x0F) * 4;
            boolean fragment = (src.getUnsignedShort(pkt + 6) & 0x3FFF) != 0; // MF or a fragment offset
            if (version != 4 || ihl < IPV4_MIN_HEADER || ihl + TCP_MIN_HEADER > len
                    || src.getUnsignedShort(pkt + 2) != len || src.getUnsignedByte(pkt + 9) != PROTO_TCP
                    || fragment) {
                return -1;
            }
            return ihl;
        }
        if (version != 6 || IPV6_HEADER + TCP_MIN_HEADER > len
                || src.getUnsignedShort(pkt + 4) != len - IPV6_HEADER
                || src.getUnsignedByte(pkt + 6) != PROTO_TCP) {
            // Extension headers are not split (dropped as GSO_HEADERS_INVALID): locally sent TCP does not use them.
            return -1;
        }
        return IPV6_HEADER;
    }

    private void set(ByteBuf src, int pkt, int len, boolean gso, boolean csum, int start, int offset) {
        this.src = src;
        this.packetIndex = pkt;
        this.packetLength = len;
        this.gso = gso;
        this.needsCsum = csum;
        this.csumStart = start;
        this.csumOffset = offset;
    }

    /** Forgets the borrowed buffer. */
    void clear() {
        src = null;
    }

    /** Whether the prepared read is a GSO super-packet. */
    boolean isGso() {
        return gso;
    }

    /** Whether the prepared read is an IPv4 super-packet (meaningful when {@link #isGso()}). */
    boolean isIpv4() {
        return ipv4;
    }

    /** Whether the prepared read is a non-GSO packet whose L4 checksum {@link #writeSegment} completes. */
    boolean needsChecksum() {
        return !gso && needsCsum;
    }

    /** Number of packets the prepared read becomes (1 unless GSO). */
    int segmentCount() {
        return segments;
    }

    /** Length of packet {@code i}, in bytes. */
    int segmentLength(int i) {
        if (!gso) {
            return packetLength;
        }
        int payload = packetLength - headerLength;
        return headerLength + Math.min(gsoSize, payload - i * gsoSize);
    }

    /**
     * Writes packet {@code i} at {@code dst}'s writer index and advances it by {@link #segmentLength}. Borrows
     * {@code dst}, which must have that many writable bytes.
     */
    void writeSegment(int i, ByteBuf dst) {
        int d = dst.writerIndex();
        int segLen = segmentLength(i);
        if (!gso) {
            dst.writeBytes(src, packetIndex, packetLength);
            if (needsCsum) {
                long sum = InternetChecksum.add(0, dst, d + csumStart, packetLength - csumStart);
                int value = InternetChecksum.finish(sum);
                dst.setShort(d + csumStart + csumOffset, value == 0 ? 0xFFFF : value); // as skb_checksum_help
            }
            return;
        }
        int payloadOffset = i * gsoSize;
        dst.writeBytes(src, packetIndex, headerLength);
        dst.writeBytes(src, packetIndex + headerLength + payloadOffset, segLen - headerLength);
        int tcp = d + ipHeaderLength;
        int tcpLen = segLen - ipHeaderLength;
        long pseudo;
        if (ipv4) {
            dst.setShort(d + 2, segLen);
            dst.setShort(d + 4, dst.getUnsignedShort(d + 4) + i);
            dst.setShort(d + 10, 0);
            dst.setShort(d + 10, InternetChecksum.finish(InternetChecksum.add(0, dst, d, ipHeaderLength)));
            pseudo = InternetChecksum.add(PROTO_TCP + tcpLen, dst, d + 12, 8);
        } else {
            dst.setShort(d + 4, tcpLen);
            pseudo = InternetChecksum.add(PROTO_TCP + tcpLen, dst, d + 8, 32);
        }
        dst.setInt(tcp + 4, dst.getInt(tcp + 4) + payloadOffset);
        int tcpFlags = dst.getUnsignedByte(tcp + TCP_FLAGS_OFFSET);
        if (i != segments - 1) {
            tcpFlags &= ~(TCP_FIN | TCP_PSH);
        }
        if (i != 0) {
            tcpFlags &= ~TCP_CWR;
        }
        dst.setByte(tcp + TCP_FLAGS_OFFSET, tcpFlags);
        dst.setShort(tcp + TCP_CSUM_OFFSET, 0);
        dst.setShort(tcp + TCP_CSUM_OFFSET, InternetChecksum.finish(InternetChecksum.add(pseudo, dst, tcp, tcpLen)));
    }
}
