package io.wgate.tun;

import java.util.Random;

/**
 * Builds vnet-header reads the way the kernel hands them out: random IPv4 (with options) or IPv6 TCP super-packets
 * with a virtio_net_hdr, and plain packets whose L4 checksum field holds the pseudo-header sum (NEEDS_CSUM).
 */
final class SuperPackets {
    static final int TCP_FIN = 0x01;
    static final int TCP_PSH = 0x08;
    static final int TCP_ACK = 0x10;
    static final int TCP_ECE = 0x40;
    static final int TCP_CWR = 0x80;

    private SuperPackets() {
    }

    /**
     * What a random super-packet was made of: TCP, or UDP ({@code udp}: no TCP options or flags); for IPv6,
     * {@code extensionBytes} of extension headers (8 each: hop-by-hop, then destination options, the third a routing
     * header with no segments left).
     */
    record Spec(boolean ipv4, int ipOptions, int tcpOptions, int payload, int gsoSize, int tcpFlags, boolean ecn,
                int extraHdrLen, boolean udp, int extensionBytes) {
        Spec(boolean ipv4, int ipOptions, int tcpOptions, int payload, int gsoSize, int tcpFlags, boolean ecn,
             int extraHdrLen) {
            this(ipv4, ipOptions, tcpOptions, payload, gsoSize, tcpFlags, ecn, extraHdrLen, false, 0);
        }

        int ipHeader() {
            return ipv4 ? 20 + ipOptions : 40 + extensionBytes;
        }

        int headers() {
            return ipHeader() + (udp ? 8 : 20 + tcpOptions);
        }
    }

    static Spec randomSpec(Random random) {
        return randomSpec(random, false);
    }

    /** A random TCP or UDP spec; IPv6 ones may have extension headers. */
    static Spec randomAnySpec(Random random) {
        return randomSpec(random, random.nextInt(3) == 0);
    }

    private static Spec randomSpec(Random random, boolean udp) {
        boolean ipv4 = random.nextBoolean();
        int ipOptions = ipv4 ? 4 * random.nextInt(11) : 0;
        int extensionBytes = !ipv4 && random.nextInt(3) == 0 ? 8 * (1 + random.nextInt(3)) : 0;
        int tcpOptions = udp ? 0 : 4 * random.nextInt(11);
        int[] sizes = {1, 7, 536, 1000, 1220, 1340, 1380, 1448};
        int gsoSize = random.nextInt(4) == 0 ? 1 + random.nextInt(2000) : sizes[random.nextInt(sizes.length)];
        int headers = (ipv4 ? 20 + ipOptions : 40 + extensionBytes) + (udp ? 8 : 20 + tcpOptions);
        int maxPayload = Math.min(65535 - headers, gsoSize * 48);
        int payload = switch (random.nextInt(5)) {
            case 0 -> 0;
            case 1 -> Math.min(maxPayload, gsoSize * (1 + random.nextInt(8))); // exact multiple
            case 2 -> maxPayload;
            default -> 1 + random.nextInt(maxPayload);
        };
        int flags = udp ? 0 : TCP_ACK | (random.nextBoolean() ? TCP_PSH : 0) | (random.nextBoolean() ? TCP_FIN : 0)
                | (random.nextBoolean() ? TCP_CWR : 0) | (random.nextBoolean() ? TCP_ECE : 0);
        int extra = random.nextBoolean() ? 0 : random.nextInt(Math.min(payload, gsoSize) + 1);
        return new Spec(ipv4, ipOptions, tcpOptions, payload, gsoSize, flags, !udp && random.nextBoolean(), extra,
                udp, extensionBytes);
    }

    /** A vnet-header read (header + packet) of a TCP or UDP super-packet; random bytes where the spec leaves freedom. */
    static byte[] tcpSuperPacket(Spec spec, Random random) {
        return superPacket(spec, random);
    }

    /** {@link #tcpSuperPacket}, by its general name. */
    static byte[] superPacket(Spec spec, Random random) {
        int ip = spec.ipHeader();
        int proto = spec.udp() ? 17 : 6;
        int length = spec.headers() + spec.payload();
        byte[] read = new byte[10 + length];
        byte[] packet = new byte[length];
        random.nextBytes(packet);
        if (spec.ipv4()) {
            packet[0] = (byte) (0x40 | (ip / 4));
            NaiveSegmenter.put16(packet, 2, length);
            packet[6] = (byte) (random.nextBoolean() ? 0x40 : 0); // DF or nothing, never MF or an offset
            packet[7] = 0;
            packet[9] = (byte) proto;
            NaiveSegmenter.put16(packet, 10, 0);
            NaiveSegmenter.put16(packet, 10, NaiveSegmenter.checksum(packet, 0, ip, 0));
        } else {
            packet[0] = (byte) (0x60 | (packet[0] & 0x0F));
            NaiveSegmenter.put16(packet, 4, length - 40);
            int headersLeft = spec.extensionBytes() / 8;
            int at = 6; // where the current "next header" byte is
            for (int n = 0; n < headersLeft; n++) {
                int offset = 40 + 8 * n;
                int type = n == 0 ? 0 : n == 2 ? 43 : 60;
                packet[at] = (byte) type;
                packet[offset + 1] = 0; // 8 bytes long
                if (type == 43) {
                    packet[offset + 3] = 0; // no segments left
                }
                at = offset;
            }
            packet[at] = (byte) proto;
        }
        if (spec.udp()) {
            NaiveSegmenter.put16(packet, ip + 4, length - ip); // the kernel's length of the whole; rewritten
        } else {
            packet[ip + 12] = (byte) (((20 + spec.tcpOptions()) / 4) << 4 | (packet[ip + 12] & 0x0F));
            packet[ip + 13] = (byte) spec.tcpFlags();
        }
        // The kernel leaves the pseudo-header sum here; the splitter must not care what it is.
        System.arraycopy(packet, 0, read, 10, length);
        read[0] = 1; // NEEDS_CSUM
        read[1] = (byte) ((spec.udp() ? 5 : spec.ipv4() ? 1 : 4) | (spec.ecn() ? 0x80 : 0));
        putLe16(read, 2, spec.headers() + spec.extraHdrLen());
        putLe16(read, 4, spec.gsoSize());
        putLe16(read, 6, ip);
        putLe16(read, 8, spec.udp() ? 6 : 16);
        return read;
    }

    /**
     * A vnet-header read of a plain (gso NONE) TCP or UDP packet with NEEDS_CSUM: the checksum field holds the
     * folded pseudo-header sum, as the kernel leaves it for CHECKSUM_PARTIAL.
     */
    static byte[] partialChecksumPacket(boolean ipv4, boolean udp, int payload, Random random) {
        int ip = ipv4 ? 20 : 40;
        int l4 = udp ? 8 : 20;
        int length = ip + l4 + payload;
        byte[] packet = new byte[length];
        random.nextBytes(packet);
        int proto = udp ? 17 : 6;
        byte[] pseudo;
        if (ipv4) {
            packet[0] = 0x45;
            NaiveSegmenter.put16(packet, 2, length);
            packet[6] = 0;
            packet[7] = 0;
            packet[9] = (byte) proto;
            pseudo = new byte[12];
            System.arraycopy(packet, 12, pseudo, 0, 8);
            pseudo[9] = (byte) proto;
            NaiveSegmenter.put16(pseudo, 10, length - ip);
        } else {
            packet[0] = 0x60;
            NaiveSegmenter.put16(packet, 4, length - 40);
            packet[6] = (byte) proto;
            pseudo = new byte[40];
            System.arraycopy(packet, 8, pseudo, 0, 32);
            NaiveSegmenter.put16(pseudo, 34, length - 40);
            pseudo[39] = (byte) proto;
        }
        int csumOffset = udp ? 6 : 16;
        if (udp) {
            NaiveSegmenter.put16(packet, ip + 4, length - ip);
        } else {
            packet[ip + 12] = 0x50;
        }
        NaiveSegmenter.put16(packet, ip + csumOffset, NaiveSegmenter.sum(pseudo, 0, pseudo.length, 0));
        byte[] read = new byte[10 + length];
        System.arraycopy(packet, 0, read, 10, length);
        read[0] = 1;
        read[1] = 0;
        putLe16(read, 2, ip + l4);
        putLe16(read, 6, ip);
        putLe16(read, 8, csumOffset);
        return read;
    }

    static void putLe16(byte[] b, int i, int v) {
        b[i] = (byte) v;
        b[i + 1] = (byte) (v >>> 8);
    }

    /**
     * Whether the L4 checksum of an IP packet (IPv6 extension headers allowed) verifies, computed independently of both
     * implementations: the sum of all 16-bit words of pseudo-header and segment, modulo 65535, must be 0.
     */
    static boolean l4ChecksumValid(byte[] p) {
        boolean v4 = (p[0] & 0xF0) == 0x40;
        int ip = v4 ? (p[0] & 0x0F) * 4 : NaiveSegmenter.transportOffsetV6(p);
        int proto = v4 ? p[9] & 0xFF : lastNextHeader(p);
        long total = proto + (p.length - ip);
        total += wordsMod(p, v4 ? 12 : 8, v4 ? 8 : 32);
        total += wordsMod(p, ip, p.length - ip);
        return total % 65535 == 0;
    }

    /** The next-header value that names the transport protocol of an IPv6 packet (after its extension headers). */
    static int lastNextHeader(byte[] p) {
        int next = p[6] & 0xFF;
        int offset = 40;
        while (next == 0 || next == 43 || next == 60) {
            next = p[offset] & 0xFF;
            offset += ((p[offset + 1] & 0xFF) + 1) * 8;
        }
        return next;
    }

    /** Whether an IPv4 header checksum verifies (same independent formulation). */
    static boolean ipv4HeaderChecksumValid(byte[] p) {
        return wordsMod(p, 0, (p[0] & 0x0F) * 4) % 65535 == 0;
    }

    private static long wordsMod(byte[] p, int off, int len) {
        long total = 0;
        for (int i = 0; i < len; i += 2) {
            int word = (p[off + i] & 0xFF) << 8;
            if (i + 1 < len) {
                word |= p[off + i + 1] & 0xFF;
            }
            total += word;
        }
        return total % 65535;
    }
}
