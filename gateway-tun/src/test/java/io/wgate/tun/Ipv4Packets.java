package io.wgate.tun;

import java.net.InetAddress;
import java.nio.ByteBuffer;

/** Builds and inspects IPv4 packets for the TUN tests (RFC 791 header, RFC 792 ICMP echo, RFC 1071 checksum). */
final class Ipv4Packets {
    static final int PROTOCOL_ICMP = 1;
    static final int PROTOCOL_UDP = 17;
    static final int ICMP_ECHO_REPLY = 0;
    static final int ICMP_ECHO_REQUEST = 8;
    private static final int HEADER_LENGTH = 20;

    private Ipv4Packets() {
    }

    /** An ICMP echo request from {@code source} to {@code destination} with valid IP and ICMP checksums. */
    static byte[] echoRequest(InetAddress source, InetAddress destination, int id, int sequence, byte[] payload) {
        int icmpLength = 8 + payload.length;
        ByteBuffer p = ByteBuffer.allocate(HEADER_LENGTH + icmpLength);
        p.put((byte) 0x45).put((byte) 0).putShort((short) p.capacity()).putShort((short) 0x1234)
                .putShort((short) 0x4000) // don't fragment
                .put((byte) 64).put((byte) PROTOCOL_ICMP).putShort((short) 0)
                .put(source.getAddress()).put(destination.getAddress());
        p.putShort(10, (short) checksum(p.array(), 0, HEADER_LENGTH));
        p.put((byte) ICMP_ECHO_REQUEST).put((byte) 0).putShort((short) 0).putShort((short) id)
                .putShort((short) sequence).put(payload);
        p.putShort(HEADER_LENGTH + 2, (short) checksum(p.array(), HEADER_LENGTH, icmpLength));
        return p.array();
    }

    /** RFC 1071 Internet checksum of {@code length} bytes at {@code offset}. */
    static int checksum(byte[] data, int offset, int length) {
        long sum = 0;
        for (int i = 0; i + 1 < length; i += 2) {
            sum += ((data[offset + i] & 0xff) << 8) | (data[offset + i + 1] & 0xff);
        }
        if ((length & 1) != 0) {
            sum += (data[offset + length - 1] & 0xff) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    static int version(byte[] packet) {
        return (packet[0] & 0xff) >>> 4;
    }

    static int protocol(byte[] packet) {
        return packet[9] & 0xff;
    }

    static InetAddress source(byte[] packet) {
        return address(packet, 12);
    }

    static InetAddress destination(byte[] packet) {
        return address(packet, 16);
    }

    static int headerLength(byte[] packet) {
        return (packet[0] & 0x0f) * 4;
    }

    /** Whether {@code packet} is an IPv4 packet with the given protocol and destination. */
    static boolean isIpv4(byte[] packet, int protocol, InetAddress destination) {
        return packet.length >= HEADER_LENGTH && version(packet) == 4 && protocol(packet) == protocol
                && destination(packet).equals(destination);
    }

    private static InetAddress address(byte[] packet, int offset) {
        byte[] a = new byte[4];
        System.arraycopy(packet, offset, a, 0, 4);
        try {
            return InetAddress.getByAddress(a);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
