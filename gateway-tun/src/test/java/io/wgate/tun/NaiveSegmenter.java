package io.wgate.tun;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The naive twin of {@link GsoSplitter} and {@link InternetChecksum}: byte arrays, one field at a time, a checksum
 * folded after every word. Only for well-formed reads (the malformed ones are tested against the drop reasons).
 */
final class NaiveSegmenter {
    private NaiveSegmenter() {
    }

    /** RFC 1071 checksum field value over {@code data[off, off + len)} plus {@code initial} (a folded sum). */
    static int checksum(byte[] data, int off, int len, int initial) {
        return ~sum(data, off, len, initial) & 0xFFFF;
    }

    /** Ones'-complement sum, folded after each word. */
    static int sum(byte[] data, int off, int len, int initial) {
        int sum = initial;
        for (int i = 0; i < len; i += 2) {
            int hi = data[off + i] & 0xFF;
            int lo = i + 1 < len ? data[off + i + 1] & 0xFF : 0;
            sum += (hi << 8) | lo;
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return sum;
    }

    static int u16(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }

    static int u16le(byte[] b, int i) {
        return (b[i] & 0xFF) | ((b[i + 1] & 0xFF) << 8);
    }

    static void put16(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }

    /** Offset of the transport header behind an IPv6 header and its hop-by-hop, routing or destination options. */
    static int transportOffsetV6(byte[] packet) {
        int next = packet[6] & 0xFF;
        int offset = 40;
        while (next == 0 || next == 43 || next == 60) {
            next = packet[offset] & 0xFF;
            offset += ((packet[offset + 1] & 0xFF) + 1) * 8;
        }
        return offset;
    }

    /** Writes the full L4 checksum of {@code seg} (pseudo-header from the IP header; UDP's 0 becomes 0xFFFF). */
    static void fillL4Checksum(byte[] seg, boolean v4, int ipLen, int proto) {
        int segL4 = seg.length - ipLen;
        byte[] pseudo = v4 ? new byte[12] : new byte[40];
        if (v4) {
            System.arraycopy(seg, 12, pseudo, 0, 8);
            pseudo[9] = (byte) proto;
            put16(pseudo, 10, segL4);
        } else {
            System.arraycopy(seg, 8, pseudo, 0, 32);
            put16(pseudo, 34, segL4); // upper-layer length is 32 bits; the high half is zero here
            pseudo[39] = (byte) proto;
        }
        int at = ipLen + (proto == 17 ? 6 : 16);
        put16(seg, at, 0);
        int partial = sum(pseudo, 0, pseudo.length, 0);
        int value = checksum(seg, ipLen, segL4, partial);
        put16(seg, at, proto == 17 && value == 0 ? 0xFFFF : value);
    }

    /** The packets a vnet-header read {@code read} (header included) should become. */
    static List<byte[]> split(byte[] read) {
        int flags = read[0] & 0xFF;
        int gsoType = read[1] & 0x7F;
        int gsoSize = u16le(read, 4);
        int csumStart = u16le(read, 6);
        int csumOffset = u16le(read, 8);
        byte[] packet = Arrays.copyOfRange(read, 10, read.length);
        List<byte[]> out = new ArrayList<>();
        if (gsoType == 0) {
            if ((flags & 1) != 0) {
                int value = checksum(packet, csumStart, packet.length - csumStart, 0);
                put16(packet, csumStart + csumOffset, value == 0 ? 0xFFFF : value);
            }
            out.add(packet);
            return out;
        }
        boolean udp = gsoType == 5;
        boolean v4 = udp ? (packet[0] & 0xF0) == 0x40 : gsoType == 1;
        int ipLen = v4 ? (packet[0] & 0x0F) * 4 : transportOffsetV6(packet);
        int proto = udp ? 17 : 6;
        int l4HeaderLen = udp ? 8 : ((packet[ipLen + 12] & 0xFF) >> 4) * 4;
        int headers = ipLen + l4HeaderLen;
        byte[] payload = Arrays.copyOfRange(packet, headers, packet.length);
        int count = Math.max(1, (payload.length + gsoSize - 1) / gsoSize);
        long seq = udp ? 0 : Integer.toUnsignedLong(java.nio.ByteBuffer.wrap(packet, ipLen + 4, 4).getInt());
        int id = u16(packet, 4);
        for (int i = 0; i < count; i++) {
            int from = i * gsoSize;
            int to = Math.min(payload.length, from + gsoSize);
            byte[] seg = new byte[headers + (to - from)];
            System.arraycopy(packet, 0, seg, 0, headers);
            System.arraycopy(payload, from, seg, headers, to - from);
            if (v4) {
                put16(seg, 2, seg.length);
                put16(seg, 4, (id + i) & 0xFFFF);
                put16(seg, 10, 0);
                put16(seg, 10, checksum(seg, 0, ipLen, 0));
            } else {
                put16(seg, 4, seg.length - 40);
            }
            int segL4 = seg.length - ipLen;
            if (udp) {
                put16(seg, ipLen + 4, segL4);
            } else {
                long s = (seq + from) & 0xFFFFFFFFL;
                java.nio.ByteBuffer.wrap(seg, ipLen + 4, 4).putInt((int) s);
                int f = seg[ipLen + 13] & 0xFF;
                if (i < count - 1) {
                    f &= ~0x09; // FIN, PSH
                }
                if (i > 0) {
                    f &= ~0x80; // CWR
                }
                seg[ipLen + 13] = (byte) f;
            }
            fillL4Checksum(seg, v4, ipLen, proto);
            out.add(seg);
        }
        return out;
    }
}
