package io.wgate.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class InitiationTest {

    private static final byte[] VECTOR = WireVectors.message("initiation");

    @Test
    void fieldsTileTheMessageInOrder() {
        assertEquals(MessageType.HEADER_LENGTH, Initiation.SENDER_INDEX_OFFSET);
        assertEquals(Initiation.SENDER_INDEX_OFFSET + 4, Initiation.EPHEMERAL_OFFSET);
        assertEquals(Initiation.EPHEMERAL_OFFSET + Initiation.EPHEMERAL_LENGTH, Initiation.ENCRYPTED_STATIC_OFFSET);
        assertEquals(Initiation.ENCRYPTED_STATIC_OFFSET + Initiation.ENCRYPTED_STATIC_LENGTH,
                Initiation.ENCRYPTED_TIMESTAMP_OFFSET);
        assertEquals(Initiation.ENCRYPTED_TIMESTAMP_OFFSET + Initiation.ENCRYPTED_TIMESTAMP_LENGTH,
                Initiation.MAC1_OFFSET);
        assertEquals(Initiation.MAC1_OFFSET + Initiation.MAC_LENGTH, Initiation.MAC2_OFFSET);
        assertEquals(Initiation.MAC2_OFFSET + Initiation.MAC_LENGTH, Initiation.LENGTH);
        assertEquals(148, Initiation.LENGTH);
    }

    @Test
    void readsReferenceInitiation() {
        ByteBuf buf = Unpooled.wrappedBuffer(VECTOR);
        try {
            Initiation message = new Initiation().wrap(buf, 0);
            assertEquals(0x11223344, message.senderIndex());
            assertField(VECTOR, Initiation.EPHEMERAL_OFFSET, Initiation.EPHEMERAL_LENGTH, message::getEphemeral);
            assertField(VECTOR, Initiation.ENCRYPTED_STATIC_OFFSET, Initiation.ENCRYPTED_STATIC_LENGTH,
                    message::getEncryptedStatic);
            assertField(VECTOR, Initiation.ENCRYPTED_TIMESTAMP_OFFSET, Initiation.ENCRYPTED_TIMESTAMP_LENGTH,
                    message::getEncryptedTimestamp);
            assertField(VECTOR, Initiation.MAC1_OFFSET, Initiation.MAC_LENGTH, message::getMac1);
            byte[] mac2 = new byte[16];
            message.getMac2(mac2);
            assertArrayEquals(new byte[16], mac2, "the vector was made without a cookie");
            assertEquals(0, buf.readerIndex());
            assertEquals(Initiation.LENGTH, buf.writerIndex());
        } finally {
            assertTrue(buf.release());
        }
    }

    @Test
    void writesReferenceInitiationAtAnOffsetOfAPooledDirectBuffer() {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(Initiation.LENGTH + 20);
        try {
            int offset = 13;
            buf.writeZero(offset + Initiation.LENGTH);
            Initiation message = new Initiation().wrap(buf, offset)
                    .writeHeader()
                    .senderIndex(0x11223344)
                    .setEphemeral(slice(VECTOR, Initiation.EPHEMERAL_OFFSET, Initiation.EPHEMERAL_LENGTH))
                    .setEncryptedStatic(
                            slice(VECTOR, Initiation.ENCRYPTED_STATIC_OFFSET, Initiation.ENCRYPTED_STATIC_LENGTH))
                    .setEncryptedTimestamp(
                            slice(VECTOR, Initiation.ENCRYPTED_TIMESTAMP_OFFSET, Initiation.ENCRYPTED_TIMESTAMP_LENGTH))
                    .setMac1(slice(VECTOR, Initiation.MAC1_OFFSET, Initiation.MAC_LENGTH))
                    .setMac2(new byte[16]);
            assertSame(buf, message.buffer());
            assertEquals(offset, message.offset());
            assertArrayEquals(VECTOR, bytes(buf, offset, Initiation.LENGTH));
            assertEquals(0, buf.readerIndex(), "flyweights never move indices");
            assertEquals(MessageType.INITIATION, MessageType.of(buf.readerIndex(offset)));
        } finally {
            assertTrue(buf.release());
        }
    }

    @Test
    void rewrapsToAnotherMessage() {
        ByteBuf first = Unpooled.wrappedBuffer(VECTOR);
        ByteBuf second = Unpooled.buffer(Initiation.LENGTH).writeZero(Initiation.LENGTH);
        try {
            Initiation message = new Initiation().wrap(first, 0);
            assertEquals(0x11223344, message.senderIndex());
            message.wrap(second, 0).senderIndex(-2);
            assertEquals(-2, message.senderIndex());
            assertEquals(0xfe, second.getUnsignedByte(Initiation.SENDER_INDEX_OFFSET), "little-endian");
            assertEquals(0x11223344, new Initiation().wrap(first, 0).senderIndex(), "first buffer untouched");
        } finally {
            assertTrue(first.release());
            assertTrue(second.release());
        }
    }

    /** Checks that a getter copies exactly {@code vector[offset, offset + length)} into index 0 of a larger array. */
    static void assertField(byte[] vector, int offset, int length, java.util.function.Consumer<byte[]> getter) {
        byte[] dst = new byte[length + 3];
        Arrays.fill(dst, (byte) 0x5a);
        getter.accept(dst);
        assertArrayEquals(slice(vector, offset, length), Arrays.copyOf(dst, length));
        assertEquals(0x5a, dst[length], "copies exactly the field length");
    }

    static byte[] slice(byte[] bytes, int offset, int length) {
        return Arrays.copyOfRange(bytes, offset, offset + length);
    }

    static byte[] bytes(ByteBuf buf, int index, int length) {
        byte[] out = new byte[length];
        buf.getBytes(index, out);
        return out;
    }
}
