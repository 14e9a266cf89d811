package io.wgate.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TransportTest {

    @Test
    void readsReferenceKeepaliveHeader() {
        ByteBuf buf = Unpooled.wrappedBuffer(WireVectors.message("keepalive"));
        try {
            assertEquals(Transport.MIN_LENGTH, buf.readableBytes(), "a keepalive is header plus tag");
            assertEquals(0x55667788, Transport.receiverIndex(buf, 0));
            assertEquals(0L, Transport.counter(buf, 0));
        } finally {
            assertTrue(buf.release());
        }
    }

    @Test
    void writesHeaderLittleEndianAtAnOffset() {
        ByteBuf buf = Unpooled.buffer(40).writeZero(40);
        try {
            Transport.writeHeader(buf, 3, 0x55667788, 0x0102030405060708L);
            byte[] header = new byte[Transport.HEADER_LENGTH];
            buf.getBytes(3, header);
            assertArrayEquals(HexFormat.of().parseHex("04000000" + "88776655" + "0807060504030201"), header);
            assertEquals(0x55667788, Transport.receiverIndex(buf, 3));
            assertEquals(0x0102030405060708L, Transport.counter(buf, 3));
            assertEquals(MessageType.TRANSPORT, MessageType.of(buf.readerIndex(3)));
        } finally {
            assertTrue(buf.release());
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {-1L, -8130L, Long.MIN_VALUE, Long.MAX_VALUE})
    void counterRoundTripsAllSixtyFourBits(long counter) {
        ByteBuf buf = Unpooled.buffer(16).writeZero(16);
        try {
            Transport.writeHeader(buf, 0, 1, counter);
            assertEquals(counter, Transport.counter(buf, 0));
        } finally {
            assertTrue(buf.release());
        }
    }

    /** Expected values worked by hand from kernel send.c calculate_skb_padding / wireguard-go calculatePaddingSize. */
    @ParameterizedTest(name = "length {0}, mtu {1} -> {2}")
    @CsvSource({
        "0, 1420, 0",        // keepalive: nothing to pad
        "1, 1420, 16",
        "16, 1420, 16",
        "17, 1420, 32",
        "1400, 1420, 1408",
        "1409, 1420, 1420",  // round-up (1424) is capped at the MTU
        "1419, 1420, 1420",
        "1420, 1420, 1420",
        "1421, 1420, 1436",  // larger than the MTU (GSO): last = 1421 % 1420 = 1 -> pad 15
        "1500, 1420, 1500",  // last = 80, already a multiple of 16
        "2840, 1420, 2840",  // last = 0
        "1281, 1281, 1281",  // MTU not a multiple of 16
        "1280, 1281, 1280",
        "0, 0, 0",           // mtu 0: plain round-up
        "1, 0, 16",
        "1500, 0, 1504",
        "65535, 0, 65536",
    })
    void padsToSixteenButNeverPastTheMtu(int length, int mtu, int expected) {
        assertEquals(expected, Transport.paddedLength(length, mtu));
        assertEquals(expected - length, Transport.paddingLength(length, mtu));
    }

    @Test
    void paddingPropertiesHoldForRandomLengths() {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 100_000; i++) {
            int mtu = random.nextInt(4) == 0 ? 0 : random.nextInt(576, 9001);
            int length = random.nextInt(0, 65536);
            int padded = Transport.paddedLength(length, mtu);
            String where = "seed " + seed + ", length " + length + ", mtu " + mtu;
            assertTrue(padded >= length && padded - length < Transport.PADDING_MULTIPLE, where);
            if (mtu == 0) {
                assertEquals(0, padded % Transport.PADDING_MULTIPLE, where);
            } else if (length <= mtu) {
                assertTrue(padded <= mtu, where);
                assertTrue(padded % Transport.PADDING_MULTIPLE == 0 || padded == mtu, where);
            }
        }
    }

    @Test
    void messageLengthAddsHeaderAndTag() {
        assertEquals(Transport.MIN_LENGTH, Transport.messageLength(0, 1420));
        assertEquals(16 + 1420 + 16, Transport.messageLength(1420, 1420));
        assertEquals(16 + 96 + 16, Transport.messageLength(84, 1420));
    }
}
