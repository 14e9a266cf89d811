package io.wgate.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MessageTypeTest {

    @ParameterizedTest
    @CsvSource({"initiation, 1", "response, 2", "cookie-reply, 3", "keepalive, 4"})
    void classifiesReferenceMessages(String name, int expectedType) {
        ByteBuf buf = Unpooled.wrappedBuffer(WireVectors.message(name));
        try {
            assertEquals(expectedType, MessageType.of(buf));
            assertTrue(MessageType.hasValidHeader(buf));
        } finally {
            assertTrue(buf.release());
        }
    }

    @ParameterizedTest(name = "type {0}, {1} bytes")
    @CsvSource({"1, 147", "1, 149", "1, 32", "2, 91", "2, 93", "2, 148", "3, 63", "3, 65", "3, 92", "4, 31", "4, 4"})
    void rejectsKnownTypeWithWrongLengthButKeepsHeaderValid(int type, int length) {
        ByteBuf buf = message(type, length);
        try {
            assertEquals(MessageType.INVALID, MessageType.of(buf));
            assertTrue(MessageType.hasValidHeader(buf), "header fine: INVALID_MESSAGE_LENGTH, not MALFORMED_HEADER");
        } finally {
            assertTrue(buf.release());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {32, 33, 48, 1452, 65535})
    void acceptsTransportOfAnyLengthFromMinimum(int length) {
        ByteBuf buf = message(MessageType.TRANSPORT, length);
        try {
            assertEquals(MessageType.TRANSPORT, MessageType.of(buf));
        } finally {
            assertTrue(buf.release());
        }
    }

    @ParameterizedTest(name = "reserved byte {0}")
    @ValueSource(ints = {1, 2, 3})
    void rejectsNonZeroReservedByte(int position) {
        for (int type = MessageType.INITIATION; type <= MessageType.TRANSPORT; type++) {
            ByteBuf buf = message(type, lengthOf(type));
            try {
                buf.setByte(position, 1);
                assertEquals(MessageType.INVALID, MessageType.of(buf));
                assertFalse(MessageType.hasValidHeader(buf));
            } finally {
                assertTrue(buf.release());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 5, 6, 255})
    void rejectsUnknownType(int type) {
        ByteBuf buf = message(type, 148);
        try {
            assertEquals(MessageType.INVALID, MessageType.of(buf));
            assertFalse(MessageType.hasValidHeader(buf));
        } finally {
            assertTrue(buf.release());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void rejectsFewerThanFourBytes(int length) {
        ByteBuf buf = Unpooled.buffer(4).writeZero(length);
        if (length > 0) {
            buf.setByte(0, MessageType.TRANSPORT);
        }
        try {
            assertEquals(MessageType.INVALID, MessageType.of(buf));
            assertFalse(MessageType.hasValidHeader(buf));
        } finally {
            assertTrue(buf.release());
        }
    }

    @Test
    void readsFromReaderIndexWithoutMovingIndices() {
        byte[] keepalive = WireVectors.message("keepalive");
        ByteBuf buf = Unpooled.directBuffer(64).writeBytes(new byte[] {9, 9, 9, 9, 9}).writeBytes(keepalive);
        try {
            buf.readerIndex(5);
            assertEquals(MessageType.TRANSPORT, MessageType.of(buf));
            assertTrue(MessageType.hasValidHeader(buf));
            assertEquals(5, buf.readerIndex());
            assertEquals(5 + keepalive.length, buf.writerIndex());
            buf.writerIndex(buf.writerIndex() - 1);
            assertEquals(MessageType.INVALID, MessageType.of(buf), "the length gate uses readable bytes only");
        } finally {
            assertTrue(buf.release());
        }
    }

    @Test
    void writeHeaderWritesTypeAndThreeZeroBytesAtAbsoluteIndex() {
        ByteBuf buf = Unpooled.buffer(8).writeBytes(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1});
        try {
            MessageType.writeHeader(buf, 2, MessageType.COOKIE_REPLY);
            assertEquals(0xff, buf.getUnsignedByte(1));
            assertEquals(3, buf.getByte(2));
            assertEquals(0, buf.getByte(3));
            assertEquals(0, buf.getByte(4));
            assertEquals(0, buf.getByte(5));
            assertEquals(0xff, buf.getUnsignedByte(6));
            assertEquals(0, buf.readerIndex());
            assertEquals(8, buf.writerIndex());
        } finally {
            assertTrue(buf.release());
        }
    }

    private static ByteBuf message(int type, int length) {
        ByteBuf buf = Unpooled.buffer(length).writeZero(length);
        if (length >= 4) {
            MessageType.writeHeader(buf, 0, type);
        }
        return buf;
    }

    private static int lengthOf(int type) {
        return switch (type) {
            case MessageType.INITIATION -> Initiation.LENGTH;
            case MessageType.RESPONSE -> Response.LENGTH;
            case MessageType.COOKIE_REPLY -> CookieReply.LENGTH;
            default -> Transport.MIN_LENGTH;
        };
    }
}
