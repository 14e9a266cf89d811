package io.wgate.core.wire;

import static io.wgate.core.wire.InitiationTest.assertField;
import static io.wgate.core.wire.InitiationTest.bytes;
import static io.wgate.core.wire.InitiationTest.slice;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CookieReplyTest {

    private static final byte[] VECTOR = WireVectors.message("cookie-reply");

    @Test
    void fieldsTileTheMessageInOrder() {
        assertEquals(MessageType.HEADER_LENGTH, CookieReply.RECEIVER_INDEX_OFFSET);
        assertEquals(CookieReply.RECEIVER_INDEX_OFFSET + 4, CookieReply.NONCE_OFFSET);
        assertEquals(CookieReply.NONCE_OFFSET + CookieReply.NONCE_LENGTH, CookieReply.ENCRYPTED_COOKIE_OFFSET);
        assertEquals(CookieReply.ENCRYPTED_COOKIE_OFFSET + CookieReply.ENCRYPTED_COOKIE_LENGTH, CookieReply.LENGTH);
        assertEquals(64, CookieReply.LENGTH);
    }

    @Test
    void readsReferenceCookieReply() {
        ByteBuf buf = Unpooled.wrappedBuffer(VECTOR);
        try {
            CookieReply message = new CookieReply().wrap(buf, 0);
            assertEquals(0x11223344, message.receiverIndex(), "answers the initiation's sender index");
            byte[] nonce = new byte[CookieReply.NONCE_LENGTH];
            message.getNonce(nonce);
            byte[] expectedNonce = new byte[24];
            Arrays.fill(expectedNonce, (byte) 0x55);
            assertArrayEquals(expectedNonce, nonce);
            assertField(VECTOR, CookieReply.ENCRYPTED_COOKIE_OFFSET, CookieReply.ENCRYPTED_COOKIE_LENGTH,
                    message::getEncryptedCookie);
        } finally {
            assertTrue(buf.release());
        }
    }

    @Test
    void writesReferenceCookieReplyAtAnOffset() {
        ByteBuf buf = Unpooled.directBuffer(80);
        try {
            int offset = 16;
            buf.writeZero(offset + CookieReply.LENGTH);
            CookieReply message = new CookieReply().wrap(buf, offset)
                    .writeHeader()
                    .receiverIndex(0x11223344)
                    .setNonce(slice(VECTOR, CookieReply.NONCE_OFFSET, CookieReply.NONCE_LENGTH))
                    .setEncryptedCookie(
                            slice(VECTOR, CookieReply.ENCRYPTED_COOKIE_OFFSET, CookieReply.ENCRYPTED_COOKIE_LENGTH));
            assertEquals(offset, message.offset());
            assertArrayEquals(VECTOR, bytes(buf, offset, CookieReply.LENGTH));
        } finally {
            assertTrue(buf.release());
        }
    }
}
