package io.wgate.tun;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The naive twin of {@link GroCoalescer}: byte arrays, each rule a separate readable check, the output built by
 * concatenation. It turns a batch of packets into the writes (virtio_net_hdr + packet) a coalescing TUN channel
 * makes. Same rules as the class comment of {@link GroCoalescer}.
 */
final class NaiveCoalescer {
    private NaiveCoalescer() {
    }

    /** The writes for {@code packets}, in order; with {@code udp}, UDP is coalesced too. */
    static List<byte[]> coalesce(List<byte[]> packets, boolean udp) {
        List<byte[]> writes = new ArrayList<>();
        int i = 0;
        while (i < packets.size()) {
            int count = groupSize(packets, i, udp);
            writes.add(count == 1 ? withHeader(new byte[10], packets.get(i)) : merge(packets.subList(i, i + count)));
            i += count;
        }
        return writes;
    }

    private static int groupSize(List<byte[]> packets, int from, boolean udp) {
        byte[] first = packets.get(from);
        Shape shape = shape(first, udp);
        if (shape == null || from + 1 >= packets.size()) {
            return 1;
        }
        int gsoSize = first.length - shape.headers;
        int total = first.length;
        int count = 1;
        byte[] previous = first;
        for (int i = from + 1; i < packets.size() && count < 64; i++) {
            byte[] next = packets.get(i);
            int payload = next.length - shape.headers;
            if (payload <= 0 || payload > gsoSize || total + payload > 65535 || !follows(first, previous, next, shape)
                    || !SuperPackets.l4ChecksumValid(next) || udpWithoutChecksum(next, shape)) {
                break;
            }
            if (count == 1 && (!SuperPackets.l4ChecksumValid(first) || udpWithoutChecksum(first, shape))) {
                return 1;
            }
            total += payload;
            count++;
            previous = next;
            boolean psh = !shape.udp && (next[shape.ip + 13] & 0x08) != 0;
            if (payload < gsoSize || psh) {
                break;
            }
        }
        return count;
    }

    private static boolean udpWithoutChecksum(byte[] p, Shape shape) {
        return shape.udp && NaiveSegmenter.u16(p, shape.ip + 6) == 0;
    }

    /** Header geometry of a packet that may start a group, or null. */
    private record Shape(boolean v4, int ip, boolean udp, int headers) {
    }

    private static Shape shape(byte[] p, boolean udpAllowed) {
        if (p.length < 28) {
            return null;
        }
        boolean v4;
        int proto;
        if ((p[0] & 0xFF) == 0x45) {
            if (NaiveSegmenter.u16(p, 2) != p.length || (NaiveSegmenter.u16(p, 6) & 0x3FFF) != 0) {
                return null;
            }
            v4 = true;
            proto = p[9] & 0xFF;
        } else if ((p[0] & 0xF0) == 0x60 && p.length >= 48) {
            if (NaiveSegmenter.u16(p, 4) != p.length - 40) {
                return null;
            }
            v4 = false;
            proto = p[6] & 0xFF;
        } else {
            return null;
        }
        int ip = v4 ? 20 : 40;
        if (proto == 6) {
            if (ip + 20 >= p.length) {
                return null; // no room for a TCP header and payload
            }
            int tcp = ((p[ip + 12] & 0xFF) >> 4) * 4;
            if (tcp < 20 || ip + tcp >= p.length || (p[ip + 13] & 0xFF) != 0x10) {
                return null;
            }
            return new Shape(v4, ip, false, ip + tcp);
        }
        if (proto == 17 && udpAllowed && ip + 8 < p.length && NaiveSegmenter.u16(p, ip + 4) == p.length - ip) {
            return new Shape(v4, ip, true, ip + 8);
        }
        return null;
    }

    private static boolean follows(byte[] first, byte[] previous, byte[] next, Shape shape) {
        int ip = shape.ip;
        if (shape.v4) {
            if ((next[0] & 0xFF) != 0x45 || NaiveSegmenter.u16(next, 2) != next.length) {
                return false;
            }
            int fragment = NaiveSegmenter.u16(next, 6);
            if ((fragment & ~0x4000) != 0 || fragment != NaiveSegmenter.u16(first, 6)) {
                return false;
            }
            if (next[1] != first[1] || next[8] != first[8] || next[9] != first[9]) {
                return false;
            }
            if (!Arrays.equals(next, 12, 20, first, 12, 20)) {
                return false;
            }
            boolean df = (fragment & 0x4000) != 0;
            if (!df && NaiveSegmenter.u16(next, 4) != ((NaiveSegmenter.u16(previous, 4) + 1) & 0xFFFF)) {
                return false;
            }
        } else {
            if (!Arrays.equals(next, 0, 4, first, 0, 4) || NaiveSegmenter.u16(next, 4) != next.length - 40
                    || next[6] != first[6] || next[7] != first[7] || !Arrays.equals(next, 8, 40, first, 8, 40)) {
                return false;
            }
        }
        if (!Arrays.equals(next, ip, ip + 4, first, ip, ip + 4)) {
            return false;
        }
        if (shape.udp) {
            return NaiveSegmenter.u16(next, ip + 4) == next.length - ip;
        }
        long expected = (u32(previous, ip + 4) + previous.length - shape.headers) & 0xFFFFFFFFL;
        int flags = next[ip + 13] & 0xFF;
        return u32(next, ip + 4) == expected
                && Arrays.equals(next, ip + 8, ip + 13, first, ip + 8, ip + 13) // ack, data offset
                && (flags == 0x10 || flags == 0x18)
                && Arrays.equals(next, ip + 14, ip + 16, first, ip + 14, ip + 16) // window
                && Arrays.equals(next, ip + 18, shape.headers, first, ip + 18, shape.headers); // urgent, options
    }

    private static long u32(byte[] b, int i) {
        return Integer.toUnsignedLong(ByteBuffer.wrap(b, i, 4).getInt());
    }

    /** One super-packet with its virtio_net_hdr for {@code group} (two or more packets). */
    private static byte[] merge(List<byte[]> group) {
        byte[] first = group.getFirst();
        Shape shape = shape(first, true);
        int payload = 0;
        for (byte[] p : group) {
            payload += p.length - shape.headers;
        }
        byte[] packet = new byte[shape.headers + payload];
        System.arraycopy(first, 0, packet, 0, shape.headers);
        int at = shape.headers;
        for (byte[] p : group) {
            System.arraycopy(p, shape.headers, packet, at, p.length - shape.headers);
            at += p.length - shape.headers;
        }
        int ip = shape.ip;
        int l4Length = packet.length - ip;
        if (shape.v4) {
            NaiveSegmenter.put16(packet, 2, packet.length);
            NaiveSegmenter.put16(packet, 10, 0);
            NaiveSegmenter.put16(packet, 10, NaiveSegmenter.checksum(packet, 0, 20, 0));
        } else {
            NaiveSegmenter.put16(packet, 4, l4Length);
        }
        int proto = shape.udp ? 17 : 6;
        if (shape.udp) {
            NaiveSegmenter.put16(packet, ip + 4, l4Length);
        } else {
            packet[ip + 13] = (byte) (0x10 | (group.getLast()[ip + 13] & 0x08)); // PSH of the last
        }
        byte[] pseudo = shape.v4 ? new byte[12] : new byte[40];
        if (shape.v4) {
            System.arraycopy(packet, 12, pseudo, 0, 8);
            pseudo[9] = (byte) proto;
            NaiveSegmenter.put16(pseudo, 10, l4Length);
        } else {
            System.arraycopy(packet, 8, pseudo, 0, 32);
            NaiveSegmenter.put16(pseudo, 34, l4Length);
            pseudo[39] = (byte) proto;
        }
        NaiveSegmenter.put16(packet, ip + (shape.udp ? 6 : 16), NaiveSegmenter.sum(pseudo, 0, pseudo.length, 0));
        byte[] vnet = new byte[10];
        vnet[0] = 1; // NEEDS_CSUM
        vnet[1] = (byte) (shape.udp ? 5 : shape.v4 ? 1 : 4);
        SuperPackets.putLe16(vnet, 2, shape.headers);
        SuperPackets.putLe16(vnet, 4, first.length - shape.headers);
        SuperPackets.putLe16(vnet, 6, ip);
        SuperPackets.putLe16(vnet, 8, shape.udp ? 6 : 16);
        return withHeader(vnet, packet);
    }

    private static byte[] withHeader(byte[] vnet, byte[] packet) {
        byte[] write = Arrays.copyOf(vnet, 10 + packet.length);
        System.arraycopy(packet, 0, write, 10, packet.length);
        return write;
    }
}
