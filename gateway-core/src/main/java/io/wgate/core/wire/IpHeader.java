package io.wgate.core.wire;

import io.netty.buffer.ByteBuf;

/**
 * Reads of the inner IPv4 / IPv6 header that the engine needs: version, claimed length (to strip padding after
 * decryption, whitepaper §5.4.6) and addresses (cryptokey routing, whitepaper §2). All static, no allocation;
 * {@code index} is the absolute index of the first byte of the IP packet; addresses are returned big-endian
 * (network order) as
 * {@code int} / {@code long} halves, the form {@link io.wgate.core.route.AllowedIps} looks up. Every method borrows
 * the buffer and never moves its indices; callers check {@link #packetLength} before reading addresses.
 *
 * <pre>
 * IPv4 (RFC 791), IHL * 4 &gt;= 20 bytes      IPv6 (RFC 8200), 40 bytes
 * off  field                              off  field
 *   0  version (4 bits) | IHL (4 bits)      0  version (4 bits) | traffic class | flow label
 *   2  total length (BE u16)                4  payload length (BE u16), excludes these 40 bytes
 *  12  source address (4)                   8  source address (16)
 *  16  destination address (4)             24  destination address (16)
 * </pre>
 */
public final class IpHeader {

    public static final int IPV4_HEADER_MIN = 20;
    public static final int IPV6_HEADER_LENGTH = 40;

    public static final int IPV4_TOTAL_LENGTH_OFFSET = 2;
    public static final int IPV4_SOURCE_OFFSET = 12;
    public static final int IPV4_DESTINATION_OFFSET = 16;
    public static final int IPV6_PAYLOAD_LENGTH_OFFSET = 4;
    public static final int IPV6_SOURCE_OFFSET = 8;
    public static final int IPV6_DESTINATION_OFFSET = 24;

    private IpHeader() {
    }

    /** The IP version nibble: 4, 6, or anything else for a packet that is neither. Needs 1 readable byte. */
    public static int version(ByteBuf buf, int index) {
        return buf.getUnsignedByte(index) >>> 4;
    }

    /**
     * Length of the packet as claimed by its header: the IPv4 total length, or the IPv6 payload length + 40.
     * The caller still compares the result to what it has (a claim longer than the data is a lie).
     *
     * @param available bytes of the packet present from {@code index} on
     * @return the claimed length, or {@code -1} if the version is neither 4 nor 6, {@code available} is too short
     *     for the (fixed or IHL-sized) header, or the IPv4 header is inconsistent (IHL &lt; 5, or total length
     *     below the header length)
     */
    public static int packetLength(ByteBuf buf, int index, int available) {
        if (available < 1) {
            return -1;
        }
        int first = buf.getUnsignedByte(index);
        switch (first >>> 4) {
            case 4 -> {
                int headerLength = (first & 0x0f) * 4;
                if (available < IPV4_HEADER_MIN || headerLength < IPV4_HEADER_MIN || available < headerLength) {
                    return -1;
                }
                int totalLength = buf.getUnsignedShort(index + IPV4_TOTAL_LENGTH_OFFSET);
                return totalLength < headerLength ? -1 : totalLength;
            }
            case 6 -> {
                if (available < IPV6_HEADER_LENGTH) {
                    return -1;
                }
                return buf.getUnsignedShort(index + IPV6_PAYLOAD_LENGTH_OFFSET) + IPV6_HEADER_LENGTH;
            }
            default -> {
                return -1;
            }
        }
    }

    /** IPv4 source address as a big-endian u32 in an int. */
    public static int ipv4Source(ByteBuf buf, int index) {
        return buf.getInt(index + IPV4_SOURCE_OFFSET);
    }

    /** IPv4 destination address as a big-endian u32 in an int. */
    public static int ipv4Destination(ByteBuf buf, int index) {
        return buf.getInt(index + IPV4_DESTINATION_OFFSET);
    }

    /** First 8 bytes (big-endian) of the IPv6 source address. */
    public static long ipv6SourceHigh(ByteBuf buf, int index) {
        return buf.getLong(index + IPV6_SOURCE_OFFSET);
    }

    /** Last 8 bytes (big-endian) of the IPv6 source address. */
    public static long ipv6SourceLow(ByteBuf buf, int index) {
        return buf.getLong(index + IPV6_SOURCE_OFFSET + 8);
    }

    /** First 8 bytes (big-endian) of the IPv6 destination address. */
    public static long ipv6DestinationHigh(ByteBuf buf, int index) {
        return buf.getLong(index + IPV6_DESTINATION_OFFSET);
    }

    /** Last 8 bytes (big-endian) of the IPv6 destination address. */
    public static long ipv6DestinationLow(ByteBuf buf, int index) {
        return buf.getLong(index + IPV6_DESTINATION_OFFSET + 8);
    }
}
