package io.wgate.core.wire;

import static io.wgate.core.wire.InitiationTest.assertField;
import static io.wgate.core.wire.InitiationTest.bytes;
import static io.wgate.core.wire.InitiationTest.slice;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class ResponseTest {

    private static final byte[] VECTOR = WireVectors.message("response");

    @Test
    void fieldsTileTheMessageInOrder() {
        assertEquals(MessageType.HEADER_LENGTH, Response.SENDER_INDEX_OFFSET);
        assertEquals(Response.SENDER_INDEX_OFFSET + 4, Response.RECEIVER_INDEX_OFFSET);
        assertEquals(Response.RECEIVER_INDEX_OFFSET + 4, Response.EPHEMERAL_OFFSET);
        assertEquals(Response.EPHEMERAL_OFFSET + Response.EPHEMERAL_LENGTH, Response.ENCRYPTED_NOTHING_OFFSET);
        assertEquals(Response.ENCRYPTED_NOTHING_OFFSET + Response.ENCRYPTED_NOTHING_LENGTH, Response.MAC1_OFFSET);
        assertEquals(Response.MAC1_OFFSET + Response.MAC_LENGTH, Response.MAC2_OFFSET);
        assertEquals(Response.MAC2_OFFSET + Response.MAC_LENGTH, Response.LENGTH);
        assertEquals(92, Response.LENGTH);
    }

    @Test
    void readsReferenceResponse() {
        ByteBuf buf = Unpooled.wrappedBuffer(VECTOR);
        try {
            Response message = new Response().wrap(buf, 0);
            assertEquals(0x55667788, message.senderIndex());
            assertEquals(0x11223344, message.receiverIndex(), "answers the initiation's sender index");
            assertField(VECTOR, Response.EPHEMERAL_OFFSET, Response.EPHEMERAL_LENGTH, message::getEphemeral);
            assertField(VECTOR, Response.ENCRYPTED_NOTHING_OFFSET, Response.ENCRYPTED_NOTHING_LENGTH,
                    message::getEncryptedNothing);
            assertField(VECTOR, Response.MAC1_OFFSET, Response.MAC_LENGTH, message::getMac1);
            assertField(VECTOR, Response.MAC2_OFFSET, Response.MAC_LENGTH, message::getMac2);
        } finally {
            assertTrue(buf.release());
        }
    }

    @Test
    void writesReferenceResponseAtAnOffset() {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(128);
        try {
            int offset = 7;
            buf.writeZero(offset + Response.LENGTH);
            Response message = new Response().wrap(buf, offset)
                    .writeHeader()
                    .senderIndex(0x55667788)
                    .receiverIndex(0x11223344)
                    .setEphemeral(slice(VECTOR, Response.EPHEMERAL_OFFSET, Response.EPHEMERAL_LENGTH))
                    .setEncryptedNothing(
                            slice(VECTOR, Response.ENCRYPTED_NOTHING_OFFSET, Response.ENCRYPTED_NOTHING_LENGTH))
                    .setMac1(slice(VECTOR, Response.MAC1_OFFSET, Response.MAC_LENGTH))
                    .setMac2(slice(VECTOR, Response.MAC2_OFFSET, Response.MAC_LENGTH));
            assertEquals(offset, message.offset());
            assertArrayEquals(VECTOR, bytes(buf, offset, Response.LENGTH));
            assertEquals(0, buf.readerIndex());
        } finally {
            assertTrue(buf.release());
        }
    }
}
