package io.wgate.tun;

import io.netty.buffer.ByteBuf;

/**
 * Turns one read from an {@code IFF_VNET_HDR} TUN queue (a {@link VirtioNetHeader} and a packet of up to 64 KiB)
 * into the plain IP packets the rest of the gateway expects: a {@code gso_type NONE} packet is copied and, when
 * {@code NEEDS_CSUM} is set, its L4 checksum is completed; a TCP (TSO) or UDP (USO, {@code gso_type UDP_L4})
 * super-packet, IPv4 or IPv6, is cut into segments of {@code gso_size} payload bytes, each with its own IP and
 * transport header and full checksums. The design follows wireguard-go's {@code tun/offload_linux.go} (read
 * side), written independently.
 *
 * <p>Use: {@link #prepare} validates the read and remembers where it is; then {@link #segmentLength} and
 * {@link #writeSegment} for each of the {@link #segmentCount} segments. One instance per channel, used only on its
 * event loop; no allocation. The naive twin is {@code NaiveSegmenter} in the tests.
 *
 * <p>Per segment {@code i} of {@code n}: the IPv4 total length, identification ({@code + i}) and header checksum,
 * or the IPv6 payload length, are rewritten. TCP: the sequence number advances by {@code i * gso_size}; FIN and PSH
 * stay on the last segment only and CWR on the first only. UDP: the length field is the segment's. The L4 checksum
 * is computed over the pseudo-header and the whole segment (a UDP result of 0 is sent as {@code 0xFFFF}).
 *
 * <p>IPv6 extension headers (hop-by-hop, destination options, and a routing header with no segments left) between
 * the fixed header and the transport header are kept in every segment; the transport header must start at
 * {@code csum_start}. A routing header with segments left is dropped: the pseudo-header would need its final
 * destination, which locally sent super-packets never have.
 */
final class GsoSplitter {
    static final int IPV4_MIN_HEADER = 20;
    static final int IPV6_HEADER = 40;
    static final int TCP_MIN_HEADER = 20;
    static final int UDP_HEADER = 8;
    static final int PROTO_TCP = 6;
    static final int PROTO_UDP = 17;
    /** Offset of the checksum field in the TCP header (RFC 9293 §3.1). */
    static final int TCP_CSUM_OFFSET = 16;
    /** Offset of the checksum field in the UDP header (RFC 768). */
    static final int UDP_CSUM_OFFSET = 6;
    static final int TCP_FLAGS_OFFSET = 13;
    static final int TCP_FIN = 0x01;
    static final int TCP_PSH = 0x08;
    static final int TCP_CWR = 0x80;
    /** IPv6 extension headers kept in front of the transport header (RFC 8200 §4). */
    static final int IPV6_HOP_BY_HOP = 0;
    static final int IPV6_ROUTING = 43;
    static final int IPV6_DESTINATION_OPTIONS = 60;
    /** More extension headers than any real packet carries: such a chain is not split. */
    private static final int MAX_EXTENSION_HEADERS = 8;

    private ByteBuf src;
    private int packetIndex;
    private int packetLength;
    private boolean gso;
    private boolean ipv4;
    private boolean udp;
    private boolean needsCsum;
    private int csumStart;
    private int csumOffset;
    /** Bytes in front of the transport header: the IPv4 header, or the IPv6 header and its extension headers. */
    private int transportOffset;
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
        int version = src.getUnsignedByte(pkt) >>> 4;
        boolean v4;
        boolean isUdp;
        switch (gsoType) {
            case VirtioNetHeader.GSO_TCPV4 -> {
                v4 = true;
                isUdp = false;
            }
            case VirtioNetHeader.GSO_TCPV6 -> {
                v4 = false;
                isUdp = false;
            }
            case VirtioNetHeader.GSO_UDP_L4 -> {
                v4 = version == 4;
                isUdp = true;
            }
            default -> {
                return TunDropReason.GSO_TYPE_UNSUPPORTED;
            }
        }
        int l4 = transportOffset(src, pkt, len, v4, isUdp ? PROTO_UDP : PROTO_TCP);
        int checksumAt = isUdp ? UDP_CSUM_OFFSET : TCP_CSUM_OFFSET;
        if (l4 < 0 || size == 0 || (csum && (start != l4 || offset != checksumAt))
                || (!isUdp && l4 + TCP_MIN_HEADER > len)) { // the TCP data offset must lie inside the packet
            return TunDropReason.GSO_HEADERS_INVALID;
        }
        int l4Header = isUdp ? UDP_HEADER : (src.getUnsignedByte(pkt + l4 + 12) >>> 4) * 4;
        int headers = l4 + l4Header;
        // hdr_len is the kernel's skb_headlen: at least the real headers, but on the forwarding path it can be the
        // whole first packet (wireguard-go tun/offload_linux.go recomputes it for that reason), so the real header
        // lengths are used and hdr_len only has to cover them.
        if (l4Header < (isUdp ? UDP_HEADER : TCP_MIN_HEADER) || headers > len || hdrLen < headers || hdrLen > len) {
            return TunDropReason.GSO_HEADERS_INVALID;
        }
        if (headers + Math.min(size, len - headers) > maxSegment) {
            return TunDropReason.OVERSIZED_READ;
        }
        set(src, pkt, len, true, csum, start, offset);
        ipv4 = v4;
        udp = isUdp;
        transportOffset = l4;
        headerLength = headers;
        gsoSize = size;
        int payload = len - headers;
        segments = payload == 0 ? 1 : (payload + size - 1) / size;
        return null;
    }

    /**
     * Where the transport header of a super-packet starts, or -1 if the IP header is not one for {@code proto}: an
     * IPv4 header (options allowed, no fragment) with the right total length, or an IPv6 header with the right
     * payload length followed by extension headers the splitter keeps (see the class comment).
     */
    private static int transportOffset(ByteBuf src, int pkt, int len, boolean v4, int proto) {
        int version = src.getUnsignedByte(pkt) >>> 4;
        if (v4) {
            int ihl = (src.getUnsignedByte(pkt) & 0x0F) * 4;
            if (version != 4 || ihl < IPV4_MIN_HEADER || ihl + UDP_HEADER > len) {
                return -1; // checked first: the fields below must lie inside the packet
            }
            boolean fragment = (src.getUnsignedShort(pkt + 6) & 0x3FFF) != 0; // MF or a fragment offset
            if (src.getUnsignedShort(pkt + 2) != len || src.getUnsignedByte(pkt + 9) != proto || fragment) {
                return -1;
            }
            return ihl;
        }
        if (version != 6 || IPV6_HEADER + UDP_HEADER > len || src.getUnsignedShort(pkt + 4) != len - IPV6_HEADER) {
            return -1;
        }
        int next = src.getUnsignedByte(pkt + 6);
        int offset = IPV6_HEADER;
        for (int n = 0; n <= MAX_EXTENSION_HEADERS; n++) {
            if (next == proto) {
                return offset + UDP_HEADER <= len ? offset : -1;
            }
            boolean kept = next == IPV6_HOP_BY_HOP || next == IPV6_DESTINATION_OPTIONS
                    || (next == IPV6_ROUTING && offset + 4 <= len && src.getUnsignedByte(pkt + offset + 3) == 0);
            if (!kept || offset + 8 > len) {
                return -1;
            }
            next = src.getUnsignedByte(pkt + offset);
            offset += (src.getUnsignedByte(pkt + offset + 1) + 1) * 8;
        }
        return -1;
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

    /** Whether the prepared read is a UDP (USO) super-packet (meaningful when {@link #isGso()}). */
    boolean isUdp() {
        return udp;
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
     * Writes packet {@code i} into {@code dst} at {@code index}; its length is {@link #segmentLength}. Borrows
     * {@code dst}, which must have that many bytes of capacity from {@code index}; its indices are not changed.
     */
    void writeSegment(int i, ByteBuf dst, int index) {
        int d = index;
        int segLen = segmentLength(i);
        if (!gso) {
            dst.setBytes(d, src, packetIndex, packetLength);
            if (needsCsum) {
                long sum = InternetChecksum.add(0, dst, d + csumStart, packetLength - csumStart);
                dst.setShort(d + csumStart + csumOffset, nonZero(InternetChecksum.finish(sum))); // skb_checksum_help
            }
            return;
        }
        int payloadOffset = i * gsoSize;
        dst.setBytes(d, src, packetIndex, headerLength);
        dst.setBytes(d + headerLength, src, packetIndex + headerLength + payloadOffset, segLen - headerLength);
        int l4 = d + transportOffset;
        int l4Len = segLen - transportOffset;
        int proto = udp ? PROTO_UDP : PROTO_TCP;
        long pseudo;
        if (ipv4) {
            int ihl = transportOffset;
            dst.setShort(d + 2, segLen);
            dst.setShort(d + 4, dst.getUnsignedShort(d + 4) + i);
            dst.setShort(d + 10, 0);
            dst.setShort(d + 10, InternetChecksum.finish(InternetChecksum.add(0, dst, d, ihl)));
            pseudo = InternetChecksum.add(proto + l4Len, dst, d + 12, 8);
        } else {
            dst.setShort(d + 4, segLen - IPV6_HEADER);
            pseudo = InternetChecksum.add(proto + l4Len, dst, d + 8, 32);
        }
        int checksumField;
        if (udp) {
            dst.setShort(l4 + 4, l4Len);
            checksumField = l4 + UDP_CSUM_OFFSET;
        } else {
            dst.setInt(l4 + 4, dst.getInt(l4 + 4) + payloadOffset);
            int tcpFlags = dst.getUnsignedByte(l4 + TCP_FLAGS_OFFSET);
            if (i != segments - 1) {
                tcpFlags &= ~(TCP_FIN | TCP_PSH);
            }
            if (i != 0) {
                tcpFlags &= ~TCP_CWR;
            }
            dst.setByte(l4 + TCP_FLAGS_OFFSET, tcpFlags);
            checksumField = l4 + TCP_CSUM_OFFSET;
        }
        dst.setShort(checksumField, 0);
        int value = InternetChecksum.finish(InternetChecksum.add(pseudo, dst, l4, l4Len));
        dst.setShort(checksumField, udp ? nonZero(value) : value);
    }

    /** A computed checksum of 0 is sent as {@code 0xFFFF}: for UDP, 0 would mean "no checksum" (RFC 768). */
    private static int nonZero(int checksum) {
        return checksum == 0 ? 0xFFFF : checksum;
    }
}
