package io.wgate.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The start-up self-test passes real implementations and names the first mismatch of broken ones. */
class AeadSelfTestTest {
    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void passesTheRealImplementations(AeadImplementation implementation) {
        try (ChaCha20Poly1305 aead = OpenSslRequirement.newInstance(implementation)) {
            assertNull(AeadSelfTest.check(aead));
        }
    }

    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void reportsACorruptedSeal(AeadImplementation implementation) {
        try (ChaCha20Poly1305 aead = OpenSslRequirement.newInstance(implementation)) {
            ChaCha20Poly1305 broken = new Delegating(aead) {
                @Override
                public void seal(AeadKey key, byte[] nonce, byte[] ad, ByteBuf buf, int offset, int length) {
                    super.seal(key, nonce, ad, buf, offset, length);
                    buf.setByte(offset, buf.getByte(offset) ^ 1);
                }
            };
            assertEquals("seal output differs from the RFC 8439 §2.8.2 ciphertext‖tag (heap buffer)",
                    AeadSelfTest.check(broken));
        }
    }

    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void reportsAnOpenThatAcceptsEverything(AeadImplementation implementation) {
        try (ChaCha20Poly1305 aead = OpenSslRequirement.newInstance(implementation)) {
            ChaCha20Poly1305 broken = new Delegating(aead) {
                @Override
                public boolean open(AeadKey key, byte[] nonce, byte[] ad, ByteBuf buf, int offset, int length) {
                    super.open(key, nonce, ad, buf, offset, length);
                    return true;
                }
            };
            assertEquals("open accepted a forged tag (heap buffer)", AeadSelfTest.check(broken));
        }
    }

    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void reportsACounterFormWithTheWrongByteOrder(AeadImplementation implementation) {
        try (ChaCha20Poly1305 aead = OpenSslRequirement.newInstance(implementation)) {
            ChaCha20Poly1305 broken = new Delegating(aead) {
                @Override
                public void seal(AeadKey key, long counter, ByteBuf buf, int offset, int length) {
                    super.seal(key, Long.reverseBytes(counter), buf, offset, length);
                }
            };
            assertEquals("counter-form seal differs from the general form with nonce 0^4 || LE64(counter) (heap buffer)",
                    AeadSelfTest.check(broken));
        }
    }

    /** Forwards everything to a real implementation. */
    private static class Delegating implements ChaCha20Poly1305 {
        private final ChaCha20Poly1305 delegate;

        Delegating(ChaCha20Poly1305 delegate) {
            this.delegate = delegate;
        }

        @Override
        public void seal(AeadKey key, long counter, ByteBuf buf, int offset, int length) {
            delegate.seal(key, counter, buf, offset, length);
        }

        @Override
        public boolean open(AeadKey key, long counter, ByteBuf buf, int offset, int length) {
            return delegate.open(key, counter, buf, offset, length);
        }

        @Override
        public void seal(AeadKey key, byte[] nonce, byte[] ad, ByteBuf buf, int offset, int length) {
            delegate.seal(key, nonce, ad, buf, offset, length);
        }

        @Override
        public boolean open(AeadKey key, byte[] nonce, byte[] ad, ByteBuf buf, int offset, int length) {
            return delegate.open(key, nonce, ad, buf, offset, length);
        }

        @Override
        public String name() {
            return "broken " + delegate.name();
        }

        @Override
        public void close() {
        }
    }
}
