package io.wgate.tun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Coalesces consecutive packets of a TUN write batch into one GSO super-packet, as the kernel's GRO would have:
 * the receiving stack then handles one 64 KiB packet instead of 45. The design follows wireguard-go's
 * {@code tun/offload_linux.go} (write side) and the kernel's {@code tcp_gro_receive} / {@code udp_gro_receive}
 * rules, written independently.
 *
 * <p>{@link #group} looks at the packets from a given position and says how many form the next write. One packet
 * is written as it is (behind a zero virtio_net_hdr). For several, it prepares a {@code writev}: a header block
 * (virtio_net_hdr with {@code NEEDS_CSUM} and the GSO type, then the first packet's IP and transport headers with
 * the lengths of the whole, the IPv4 header checksum redone and the transport checksum field set to the folded
 * pseudo-header sum) followed by the payload of every packet, in place in the packets' own buffers.
 *
 * <p>Packets join a group when, relative to its first packet:
 * <ul>
 *   <li>IP: same version; IPv4 without options or fragmentation, same TOS, TTL, DF bit, addresses, and with DF
 *       clear the identification counting up by one; IPv6 without extension headers, same first word (traffic
 *       class, flow label), hop limit and addresses; consistent length fields.
 *   <li>TCP: same ports, acknowledgment number, data offset, window and options; the sequence number continues the
 *       previous packet; flags {@code ACK} only, except that the last packet may carry {@code ACK PSH} (as
 *       wireguard-go; anything else, {@code FIN}, {@code ECE}, {@code CWR} included, is written alone).
 *   <li>UDP (only when {@linkplain #setUdp enabled}: the kernel must have accepted {@code TUN_F_USO4|USO6}): same
 *       ports, consistent length field.
 *   <li>Payload: every packet but the last carries exactly the first packet's payload size ({@code gso_size}); a
 *       shorter one ends the group; at most {@value #MAX_SEGMENTS} packets and {@value #MAX_PACKET} bytes.
 * <li>Checksum: every packet's L4 checksum verifies. The kernel trusts a coalesced packet ({@code CHECKSUM_PARTIAL})
 *     and gives each segment a fresh checksum, so a corrupt packet must be written alone for the kernel to drop it,
 *     as it would have (wireguard-go and the kernel's GRO verify too).
 * </ul>
 * The naive twin is {@code NaiveCoalescer} in the tests.
 *
 * <p>Event loop of the channel only; no allocation after construction. Borrows the packets.
 */
final class GroCoalescer {
    /** Most packets in one super-packet (and the window {@link TunChannel} looks at). */
    static final int MAX_SEGMENTS = 64;
    /** Largest IP packet: the IPv4 total length and IPv6 payload length fields are 16 bits. */
    static final int MAX_PACKET = 65535;
    private static final int IPV4_HEADER = 20;
    private static final int IPV6_HEADER = 40;
    private static final int MAX_TCP_HEADER = 60;
    private static final int IOVEC_BYTES = 16;
    private static final int TCP_ACK = 0x10;
    /** The flags byte of a packet that can start a group: ACK alone. */
    private static final int TCP_FIRST_FLAGS = TCP_ACK;
    /** The flag the last packet of a group may add to ACK. */
    private static final int TCP_ENDS_GROUP = GsoSplitter.TCP_PSH;

    /** Header block: virtio_net_hdr, then at most a 40-byte IPv6 (or 20-byte IPv4) and a 60-byte TCP header. */
    private final MemorySegment headerMemory = Arena.ofAuto().allocate(VirtioNetHeader.LENGTH + IPV6_HEADER
            + MAX_TCP_HEADER, 8);
    /** A never-released, untracked view of {@link #headerMemory} for field access and checksums. */
    private final ByteBuf header = Unpooled.wrappedBuffer(headerMemory.asByteBuffer());
    private final MemorySegment iovecs = Arena.ofAuto().allocate((long) (MAX_SEGMENTS + 1) * IOVEC_BYTES, 8);
    private boolean tcp = true;
    private boolean udp;
    private int iovecCount;
    private int groupBytes;

    /** Whether TCP packets are coalesced (on by default). */
    void setTcp(boolean on) {
        tcp = on;
    }

    /** Whether UDP packets are coalesced (off by default: needs the kernel's UDP segmentation offload). */
    void setUdp(boolean on) {
        udp = on;
    }

    boolean tcp() {
        return tcp;
    }

    boolean udp() {
        return udp;
    }

    /**
     * How many packets from {@code packets[from]} (at most up to {@code to}, exclusive) form the next write. When
     * more than one, {@link #iovecs()} and {@link #iovecCount()} describe that write until the next call.
     */
    int group(ByteBuf[] packets, int from, int to) {
        ByteBuf first = packets[from];
        int r = first.readerIndex();
        int len = first.readableBytes();
        int ipLen = ipHeaderLength(first, r, len);
        if (ipLen < 0 || to - from < 2 || !first.hasMemoryAddress()) {
            return 1;
        }
        boolean v4 = ipLen == IPV4_HEADER;
        int proto = first.getUnsignedByte(r + (v4 ? 9 : 6));
        int l4 = r + ipLen;
        int l4Len;
        if (proto == GsoSplitter.PROTO_TCP && tcp) {
            if (ipLen + GsoSplitter.TCP_MIN_HEADER >= len) {
                return 1; // no room for a TCP header and payload; the data offset may lie past the packet
            }
            l4Len = (first.getUnsignedByte(l4 + 12) >>> 4) * 4;
            if (l4Len < GsoSplitter.TCP_MIN_HEADER || ipLen + l4Len >= len
                    || first.getUnsignedByte(l4 + GsoSplitter.TCP_FLAGS_OFFSET) != TCP_FIRST_FLAGS) {
                return 1;
            }
        } else if (proto == GsoSplitter.PROTO_UDP && udp) {
            l4Len = GsoSplitter.UDP_HEADER;
            if (ipLen + l4Len >= len || first.getUnsignedShort(l4 + 4) != len - ipLen) {
                return 1;
            }
        } else {
            return 1;
        }
        boolean isTcp = proto == GsoSplitter.PROTO_TCP;
        int headers = ipLen + l4Len;
        int gsoSize = len - headers;
        int total = len;
        int count = 1;
        int lastFlags = 0;
        ByteBuf previous = first;
        for (int i = from + 1; i < to && count < MAX_SEGMENTS; i++) {
            ByteBuf next = packets[i];
            int payload = next.readableBytes() - headers;
            if (payload <= 0 || payload > gsoSize || total + payload > MAX_PACKET || !next.hasMemoryAddress()
                    || !sameFlow(first, next, previous, v4, headers, isTcp)
                    || !checksumValid(next, ipLen, proto)) {
                break;
            }
            if (count == 1 && !checksumValid(first, ipLen, proto)) {
                return 1;
            }
            int flags = isTcp ? next.getUnsignedByte(next.readerIndex() + ipLen + GsoSplitter.TCP_FLAGS_OFFSET) : 0;
            total += payload;
            count++;
            previous = next;
            lastFlags = flags;
            if (payload < gsoSize || (flags & TCP_ENDS_GROUP) != 0) {
                break;
            }
        }
        if (count > 1) {
            prepare(packets, from, count, v4, isTcp, headers, gsoSize, total, lastFlags & TCP_ENDS_GROUP);
        }
        return count;
    }

    /**
     * Whether the L4 checksum of {@code p} verifies (RFC 1071: the sum over pseudo-header and segment folds to
     * {@code 0xFFFF}). A UDP packet without a checksum (IPv4, field 0) does not qualify: the kernel's UDP GRO does not
     * merge those either. A packet that fails is written alone, so the kernel drops it as it would have.
     */
    private static boolean checksumValid(ByteBuf p, int ipLen, int proto) {
        int r = p.readerIndex();
        int l4Len = p.readableBytes() - ipLen;
        if (proto == GsoSplitter.PROTO_UDP && p.getShort(r + ipLen + GsoSplitter.UDP_CSUM_OFFSET) == 0) {
            return false;
        }
        long sum = ipLen == IPV4_HEADER ? InternetChecksum.add(proto + l4Len, p, r + 12, 8)
                : InternetChecksum.add(proto + l4Len, p, r + 8, 32);
        return InternetChecksum.fold(InternetChecksum.add(sum, p, r + ipLen, l4Len)) == 0xFFFF;
    }

    /**
     * The IP header length of a packet that may start a group: 20 for IPv4 without options or fragmentation, 40 for
     * IPv6 (the caller checks the next header is the transport), with the length field matching; else -1.
     */
    private static int ipHeaderLength(ByteBuf p, int r, int len) {
        if (len < IPV4_HEADER + GsoSplitter.UDP_HEADER) {
            return -1;
        }
        int b0 = p.getUnsignedByte(r);
        if (b0 == 0x45) {
            boolean fragment = (p.getUnsignedShort(r + 6) & 0x3FFF) != 0;
            return p.getUnsignedShort(r + 2) == len && !fragment ? IPV4_HEADER : -1;
        }
        if ((b0 >>> 4) == 6 && len >= IPV6_HEADER + GsoSplitter.UDP_HEADER
                && p.getUnsignedShort(r + 4) == len - IPV6_HEADER) {
            return IPV6_HEADER;
        }
        return -1;
    }

    /** Whether {@code next} continues the group of {@code first}, right after {@code previous}. */
    private static boolean sameFlow(ByteBuf first, ByteBuf next, ByteBuf previous, boolean v4, int headers,
                                    boolean isTcp) {
        int f = first.readerIndex();
        int n = next.readerIndex();
        int len = next.readableBytes();
        int ipLen;
        if (v4) {
            ipLen = IPV4_HEADER;
            int fragment = next.getUnsignedShort(n + 6);
            if (next.getUnsignedByte(n) != 0x45 || next.getUnsignedShort(n + 2) != len
                    || (fragment & 0xBFFF) != 0 // MF, offset or the reserved bit: only DF may be set
                    || fragment != first.getUnsignedShort(f + 6) // same DF
                    || next.getUnsignedByte(n + 1) != first.getUnsignedByte(f + 1) // TOS
                    || next.getShort(n + 8) != first.getShort(f + 8) // TTL, protocol
                    || next.getLong(n + 12) != first.getLong(f + 12)) { // addresses
                return false;
            }
            if ((fragment & 0x4000) == 0 // without DF the identification must count up
                    && next.getUnsignedShort(n + 4) != ((previous.getUnsignedShort(previous.readerIndex() + 4) + 1)
                    & 0xFFFF)) {
                return false;
            }
        } else {
            ipLen = IPV6_HEADER;
            if (next.getInt(n) != first.getInt(f) // version, traffic class, flow label
                    || next.getUnsignedShort(n + 4) != len - IPV6_HEADER
                    || next.getShort(n + 6) != first.getShort(f + 6) // next header, hop limit
                    || next.getLong(n + 8) != first.getLong(f + 8) || next.getLong(n + 16) != first.getLong(f + 16)
                    || next.getLong(n + 24) != first.getLong(f + 24)
                    || next.getLong(n + 32) != first.getLong(f + 32)) {
                return false;
            }
        }
        int fl4 = f + ipLen;
        int nl4 = n + ipLen;
        if (next.getInt(nl4) != first.getInt(fl4)) { // ports
            return false;
        }
        if (!isTcp) {
            return next.getUnsignedShort(nl4 + 4) == len - ipLen;
        }
        int p = previous.readerIndex();
        long expectedSeq = (previous.getUnsignedInt(p + ipLen + 4) + previous.readableBytes() - headers) & 0xFFFFFFFFL;
        if (next.getUnsignedInt(nl4 + 4) != expectedSeq
                || next.getInt(nl4 + 8) != first.getInt(fl4 + 8) // acknowledgment number
                || next.getUnsignedByte(nl4 + 12) != first.getUnsignedByte(fl4 + 12) // data offset
                || (next.getUnsignedByte(nl4 + GsoSplitter.TCP_FLAGS_OFFSET) & ~TCP_ENDS_GROUP)
                != first.getUnsignedByte(fl4 + GsoSplitter.TCP_FLAGS_OFFSET)
                || next.getShort(nl4 + 14) != first.getShort(fl4 + 14) // window
                || next.getShort(nl4 + 18) != first.getShort(fl4 + 18)) { // urgent pointer
            return false;
        }
        for (int i = 20; i < headers - ipLen; i += 4) { // options, identical
            if (next.getInt(nl4 + i) != first.getInt(fl4 + i)) {
                return false;
            }
        }
        return true;
    }

    /** Builds the header block and the vectors for {@code count} packets from {@code packets[from]}. */
    private void prepare(ByteBuf[] packets, int from, int count, boolean v4, boolean isTcp, int headers, int gsoSize,
                         int total, int endFlags) {
        ByteBuf first = packets[from];
        int h = VirtioNetHeader.LENGTH;
        int ipLen = v4 ? IPV4_HEADER : IPV6_HEADER;
        header.setBytes(h, first, first.readerIndex(), headers);
        int l4Total = total - ipLen;
        int proto = isTcp ? GsoSplitter.PROTO_TCP : GsoSplitter.PROTO_UDP;
        long pseudo;
        if (v4) {
            header.setShort(h + 2, total);
            header.setShort(h + 10, 0);
            header.setShort(h + 10, InternetChecksum.finish(InternetChecksum.add(0, header, h, IPV4_HEADER)));
            pseudo = InternetChecksum.add(proto + l4Total, header, h + 12, 8);
        } else {
            header.setShort(h + 4, l4Total);
            pseudo = InternetChecksum.add(proto + l4Total, header, h + 8, 32);
        }
        int l4 = h + ipLen;
        int checksumOffset;
        int gsoType;
        if (isTcp) {
            header.setByte(l4 + GsoSplitter.TCP_FLAGS_OFFSET,
                    header.getUnsignedByte(l4 + GsoSplitter.TCP_FLAGS_OFFSET) | endFlags);
            checksumOffset = GsoSplitter.TCP_CSUM_OFFSET;
            gsoType = v4 ? VirtioNetHeader.GSO_TCPV4 : VirtioNetHeader.GSO_TCPV6;
        } else {
            header.setShort(l4 + 4, l4Total);
            checksumOffset = GsoSplitter.UDP_CSUM_OFFSET;
            gsoType = VirtioNetHeader.GSO_UDP_L4;
        }
        header.setShort(l4 + checksumOffset, InternetChecksum.fold(pseudo)); // CHECKSUM_PARTIAL: not complemented
        header.setByte(VirtioNetHeader.FLAGS_OFFSET, VirtioNetHeader.F_NEEDS_CSUM);
        header.setByte(VirtioNetHeader.GSO_TYPE_OFFSET, gsoType);
        header.setShortLE(VirtioNetHeader.HDR_LEN_OFFSET, headers);
        header.setShortLE(VirtioNetHeader.GSO_SIZE_OFFSET, gsoSize);
        header.setShortLE(VirtioNetHeader.CSUM_START_OFFSET, ipLen);
        header.setShortLE(VirtioNetHeader.CSUM_OFFSET_OFFSET, checksumOffset);

        setIovec(0, headerMemory.address(), h + headers);
        for (int i = 0; i < count; i++) {
            ByteBuf packet = packets[from + i];
            setIovec(i + 1, packet.memoryAddress() + packet.readerIndex() + headers, packet.readableBytes() - headers);
        }
        iovecCount = count + 1;
        groupBytes = total;
    }

    private void setIovec(int index, long address, int length) {
        iovecs.set(ValueLayout.JAVA_LONG, (long) index * IOVEC_BYTES, address);
        iovecs.set(ValueLayout.JAVA_LONG, (long) index * IOVEC_BYTES + 8, length);
    }

    /** Address of the prepared {@code struct iovec} array. */
    long iovecs() {
        return iovecs.address();
    }

    /** Number of prepared vectors: the header block and one per packet. */
    int iovecCount() {
        return iovecCount;
    }

    /** IP bytes of the prepared super-packet (without the virtio_net_hdr). */
    int groupBytes() {
        return groupBytes;
    }

    /** The prepared header block (virtio_net_hdr and headers), for tests. */
    ByteBuf headerBlock() {
        return header;
    }
}
