package io.wgate.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

/** JDK-specific behaviour; vectors run in {@link ChaCha20Poly1305Test}. */
class JdkChaCha20Poly1305Test {
    @Test
    void isAlwaysAvailable() {
        assertTrue(AeadImplementation.JDK.isAvailable(), AeadImplementation.JDK.unavailableReason());
    }

    @Test
    void nameCarriesTheRuntimeAndProvider() {
        try (ChaCha20Poly1305 aead = AeadImplementation.JDK.newInstance()) {
            assertTrue(aead.name().startsWith("JDK " + Runtime.version()), aead.name());
            assertTrue(aead.name().contains("SunJCE"), aead.name());
        }
    }

    @Test
    void sealRepeatsAfterTheJdkRefusesAMatchingKeyAndNonce() {
        // Third seal with the same key and nonce in a row: our workaround must not disturb the cipher.
        AeadKey key = AeadKey.copyOf(Vectors.sequence(32));
        byte[] nonce = new byte[12];
        try (ChaCha20Poly1305 aead = AeadImplementation.JDK.newInstance()) {
            byte[] first = null;
            for (int i = 0; i < 3; i++) {
                ByteBuf buf = TestBuffers.DIRECT.withContent(0, new byte[40], 16);
                try {
                    aead.seal(key, nonce, null, buf, 0, 40);
                    byte[] out = TestBuffers.read(buf, 0, 56);
                    if (first == null) {
                        first = out;
                    }
                    assertArrayEquals(first, out);
                } finally {
                    TestBuffers.release(buf);
                }
            }
        }
    }
}
