package io.wgate.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpHeaderTest {

    /** 192.0.2.1 -> 198.51.100.7, 28-byte UDP packet (RFC 5737 documentation addresses). */
    private static final String IPV4_HEADER = "4500001c" + "00004000" + "4011" + "0000" + "c0000201" + "c6336407";
    /** 2001:db8::1 -> fd00::2, 8-byte payload (RFC 3849 documentation prefix). */
    private static final String IPV6_HEADER = "60000000" + "0008" + "11" + "40"
            + "20010db8000000000000000000000001" + "fd000000000000000000000000000002";

    @Test
    void readsIpv4VersionLengthAndAddressesAtAnOffset() {
        ByteBuf buf = packet(5, IPV4_HEADER, 8);
        try {
            assertEquals(4, IpHeader.version(buf, 5));
            assertEquals(28, IpHeader.packetLength(buf, 5, 28));
            assertEquals(0xc0000201, IpHeader.ipv4Source(buf, 5));
            assertEquals(0xc6336407, IpHeader.ipv4Destination(buf, 5));
            assertEquals(0, buf.readerIndex());
        } finally {
            assertTrue(buf.release());
        }
    }

    @Test
    void readsIpv6VersionLengthAndAddresses() {
        ByteBuf buf = packet(3, IPV6_HEADER, 8);
        try {
            assertEquals(6, IpHeader.version(buf, 3));
            assertEquals(48, IpHeader.packetLength(buf, 3, 48));
            assertEquals(0x20010db800000000L, IpHeader.ipv6SourceHigh(buf, 3));
            assertEquals(1L, IpHeader.ipv6SourceLow(buf, 3));
            assertEquals(0xfd00000000000000L, IpHeader.ipv6DestinationHigh(buf, 3));
            assertEquals(2L, IpHeader.ipv6DestinationLow(buf, 3));
        } finally {
            assertTrue(buf.release());
        }
    }

    @Test
    void reportsClaimedLengthEvenWhenLongerThanAvailableSoTheCallerCanDrop() {
        ByteBuf buf = packet(0, IPV4_HEADER, 0);
        try {
            assertEquals(28, IpHeader.packetLength(buf, 0, 20));
        } finally {
            assertTrue(buf.release());
        }
    }

    @Test
    void honoursIpv4Options() {
        // IHL 6 (24-byte header), total length 24.
        ByteBuf buf = packet(0, "46000018" + IPV4_HEADER.substring(8) + "01010100", 0);
        try {
            assertEquals(24, IpHeader.packetLength(buf, 0, 24));
            assertEquals(-1, IpHeader.packetLength(buf, 0, 23), "options cut off");
            buf.setShort(2, 22);
            assertEquals(-1, IpHeader.packetLength(buf, 0, 24), "total length below IHL * 4");
        } finally {
            assertTrue(buf.release());
        }
    }

    @ParameterizedTest(name = "first byte {0}, total length {1}")
    @CsvSource({"0x44, 20", "0x40, 20", "0x45, 19", "0x45, 0"})
    void rejectsInconsistentIpv4Header(int first, int totalLength) {
        ByteBuf buf = packet(0, IPV4_HEADER, 0);
        try {
            buf.setByte(0, first);
            buf.setShort(2, totalLength);
            assertEquals(-1, IpHeader.packetLength(buf, 0, 20));
        } finally {
            assertTrue(buf.release());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 19})
    void rejectsTruncatedIpv4Header(int available) {
        ByteBuf buf = packet(0, IPV4_HEADER, 0);
        try {
            assertEquals(-1, IpHeader.packetLength(buf, 0, available));
        } finally {
            assertTrue(buf.release());
        }
    }

    @Test
    void rejectsTruncatedIpv6Header() {
        ByteBuf buf = packet(0, IPV6_HEADER, 0);
        try {
            assertEquals(-1, IpHeader.packetLength(buf, 0, 39));
            assertEquals(40 + 8, IpHeader.packetLength(buf, 0, 40));
        } finally {
            assertTrue(buf.release());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0x00, 0x50, 0x75, 0xf0})
    void rejectsOtherVersions(int first) {
        ByteBuf buf = packet(0, IPV6_HEADER, 0);
        try {
            buf.setByte(0, first);
            assertEquals(first >>> 4, IpHeader.version(buf, 0));
            assertEquals(-1, IpHeader.packetLength(buf, 0, 40));
        } finally {
            assertTrue(buf.release());
        }
    }

    @Test
    void ipv6MaximumPayloadLength() {
        ByteBuf buf = packet(0, IPV6_HEADER, 0);
        try {
            buf.setShort(IpHeader.IPV6_PAYLOAD_LENGTH_OFFSET, 0xffff);
            assertEquals(0xffff + 40, IpHeader.packetLength(buf, 0, 40));
        } finally {
            assertTrue(buf.release());
        }
    }

    private static ByteBuf packet(int offset, String headerHex, int payloadLength) {
        byte[] header = HexFormat.of().parseHex(headerHex);
        return Unpooled.buffer(offset + header.length + payloadLength)
                .writeZero(offset)
                .writeBytes(header)
                .writeZero(payloadLength);
    }
}
