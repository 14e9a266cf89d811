package io.wgate.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** OpenSSL-specific behaviour; vectors run in {@link ChaCha20Poly1305Test}. */
class OpenSslChaCha20Poly1305Test {
    @BeforeEach
    void requireOpenSsl() {
        OpenSslRequirement.require();
    }

    @Test
    void isAvailableWithoutReason() {
        assertTrue(AeadImplementation.OPENSSL.isAvailable());
        assertNull(AeadImplementation.OPENSSL.unavailableReason());
    }

    @Test
    void nameCarriesTheLibraryVersion() {
        try (ChaCha20Poly1305 aead = AeadImplementation.OPENSSL.newInstance()) {
            assertTrue(aead.name().matches("OpenSSL 3\\.\\d+\\.\\d+.* libcrypto \\(FFM\\)"), aead.name());
            assertEquals(LibCrypto.VERSION + " libcrypto (FFM)", aead.name());
        }
    }

    @Test
    void manyInstancesCanBeCreatedAndClosed() {
        AeadKey key = AeadKey.copyOf(new byte[32]);
        ByteBuf buf = TestBuffers.DIRECT.allocate(48);
        try {
            for (int i = 0; i < 1000; i++) {
                try (ChaCha20Poly1305 aead = AeadImplementation.OPENSSL.newInstance()) {
                    aead.seal(key, i, buf, 0, 32);
                    assertTrue(aead.open(key, i, buf, 0, 48));
                }
            }
        } finally {
            TestBuffers.release(buf);
        }
    }

    @Test
    void closedInstanceRefusesWork() {
        ChaCha20Poly1305 aead = AeadImplementation.OPENSSL.newInstance();
        aead.close();
        AeadKey key = AeadKey.copyOf(new byte[32]);
        ByteBuf buf = TestBuffers.DIRECT.allocate(48);
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> aead.seal(key, 0, buf, 0, 32));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        } finally {
            TestBuffers.release(buf);
        }
    }
}
