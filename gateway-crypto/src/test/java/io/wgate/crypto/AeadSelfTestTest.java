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

    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void reportsAnAddressFormThatSealsWithAnotherCounter(AeadImplementation implementation) {
        try (ChaCha20Poly1305 aead = OpenSslRequirement.newInstance(implementation)) {
            ChaCha20Poly1305 broken = new Delegating(aead) {
                @Override
                public void sealAt(AeadKey key, long counter, long address, int length) {
                    super.sealAt(key, counter + 1, address, length);
                }
            };
            assertEquals("native-address seal differs from the general form with nonce 0^4 || LE64(counter)"
                    + " (direct buffer)", AeadSelfTest.check(broken));
        }
    }

    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void reportsAnAddressFormOpenThatAcceptsEverything(AeadImplementation implementation) {
        try (ChaCha20Poly1305 aead = OpenSslRequirement.newInstance(implementation)) {
            ChaCha20Poly1305 broken = new Delegating(aead) {
                @Override
                public boolean openAt(AeadKey key, long counter, long address, int length) {
                    super.openAt(key, counter, address, length);
                    return true;
                }
            };
            assertEquals("native-address open accepted a forged message (direct buffer)", AeadSelfTest.check(broken));
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
        public void sealAt(AeadKey key, long counter, long address, int length) {
            delegate.sealAt(key, counter, address, length);
        }

        @Override
        public boolean openAt(AeadKey key, long counter, long address, int length) {
            return delegate.openAt(key, counter, address, length);
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
