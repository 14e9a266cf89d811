package io.wgate.core.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.InetAddress;

/**
 * Builds IPv4 and IPv6 UDP packets the way a TUN read delivers them: in a pooled direct buffer with
 * {@link #HEADROOM} bytes before the packet (for the transport header) and {@link #TAILROOM} after
 * it (for padding and the tag), so the engine can encrypt in place.
 */
public final class Packets {

    public static final int HEADROOM = 16;
    public static final int TAILROOM = 48;

    private static final ByteBufAllocator ALLOCATOR = PooledByteBufAllocator.DEFAULT;

    private Packets() {
    }

    /** An IPv4/UDP packet from {@code source} to {@code destination} (IPv4 literals) carrying {@code payload}. */
    public static ByteBuf udp4(String source, String destination, byte[] payload) {
        int length = 20 + 8 + payload.length;
        ByteBuf buf = ALLOCATOR.directBuffer(HEADROOM + length + TAILROOM);
        buf.writerIndex(HEADROOM).readerIndex(HEADROOM);
        int start = buf.writerIndex();
        buf.writeByte(0x45).writeByte(0).writeShort(length).writeShort(0x1234).writeShort(0x4000)
                .writeByte(64).writeByte(17).writeShort(0);
        buf.writeBytes(address(source, 4)).writeBytes(address(destination, 4));
        buf.setShort(start + 10, ipv4Checksum(buf, start));
        buf.writeShort(40000).writeShort(9).writeShort(8 + payload.length).writeShort(0);
        buf.writeBytes(payload);
        return buf;
    }

    /** An IPv6/UDP packet from {@code source} to {@code destination} (IPv6 literals) carrying {@code payload}. */
    public static ByteBuf udp6(String source, String destination, byte[] payload) {
        int length = 40 + 8 + payload.length;
        ByteBuf buf = ALLOCATOR.directBuffer(HEADROOM + length + TAILROOM);
        buf.writerIndex(HEADROOM).readerIndex(HEADROOM);
        buf.writeInt(0x6000_0000).writeShort(8 + payload.length).writeByte(17).writeByte(64);
        buf.writeBytes(address(source, 16)).writeBytes(address(destination, 16));
        buf.writeShort(40000).writeShort(9).writeShort(8 + payload.length).writeShort(0);
        buf.writeBytes(payload);
        return buf;
    }

    /** A payload of {@code length} bytes with a recognisable pattern. */
    public static byte[] payload(int length, int seed) {
        byte[] payload = new byte[length];
        for (int i = 0; i < length; i++) {
            payload[i] = (byte) (seed + i * 7);
        }
        return payload;
    }

    /** The readable bytes of {@code buf}, copied. Borrows {@code buf}. */
    public static byte[] bytes(ByteBuf buf) {
        byte[] out = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), out);
        return out;
    }

    /** Parses an IP literal of the given byte length (no DNS). */
    public static byte[] address(String literal, int length) {
        byte[] address = InetAddress.ofLiteral(literal).getAddress();
        if (address.length != length) {
            throw new IllegalArgumentException(literal + " is not an IPv" + (length == 4 ? 4 : 6) + " literal");
        }
        return address;
    }

    /** An InetAddress for a literal, without DNS. */
    public static InetAddress inet(String literal) {
        return InetAddress.ofLiteral(literal);
    }

    private static int ipv4Checksum(ByteBuf buf, int start) {
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += buf.getUnsignedShort(start + i);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return ~sum & 0xffff;
    }
}
