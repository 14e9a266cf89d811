package io.wgate.core.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.wgate.core.testkit.Packets;
import io.wgate.core.testkit.Vectors;
import io.wgate.crypto.AeadImplementation;
import io.wgate.crypto.AeadKey;
import io.wgate.crypto.ChaCha20Poly1305;
import io.wgate.crypto.X25519;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Cacophony Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s vector ({@code vectors/cacophony-IKpsk2_...txt}),
 * run through {@link SymmetricState} with the token sequence WireGuard's handshake uses (whitepaper
 * §5.4.2-5.4.3), for both AEAD implementations. WireGuard differs only in its prologue and payloads,
 * so this pins the chaining, hashing, KDF and AEAD composition the {@link Handshake} is built from.
 */
class CacophonyVectorTest {

    private static final Vectors V = Vectors.load("cacophony-IKpsk2_25519_ChaChaPoly_BLAKE2s.txt");

    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void handshakeAndTransportMessagesMatch(AeadImplementation implementation) {
        try (ChaCha20Poly1305 aead = implementation.newInstance()) {
            byte[] initStatic = V.hex("init_static");
            byte[] initEphemeral = V.hex("init_ephemeral");
            byte[] respStatic = V.hex("resp_static");
            byte[] respEphemeral = V.hex("resp_ephemeral");
            byte[] respStaticPublic = X25519.publicKey(respStatic);
            assertArrayEquals(V.hex("init_remote_static"), respStaticPublic);

            SymmetricState s = SymmetricState.initialize(Noise.CONSTRUCTION, V.hex("prologue"));
            s.mixHash(respStaticPublic); // pre-message: <- s

            // message 0, initiator: e, es, s, ss, payload
            byte[] payload0 = V.hex("payload0");
            ByteBuf m0 = Unpooled.buffer(32 + 48 + payload0.length + 16);
            byte[] ePublic = X25519.publicKey(initEphemeral);
            m0.setBytes(0, ePublic);
            s.mixHash(ePublic);
            s.mixKey(ePublic);
            s.encryptAndHash(aead, s.mixKey(X25519.scalarMult(initEphemeral, respStaticPublic)),
                    X25519.publicKey(initStatic), m0, 32);
            s.encryptAndHash(aead, s.mixKey(X25519.scalarMult(initStatic, respStaticPublic)), payload0, m0, 80);
            m0.writerIndex(m0.capacity());
            assertArrayEquals(V.hex("ciphertext0"), Packets.bytes(m0), "message 0");
            m0.release();

            // message 1, responder: e, ee, se, psk, payload
            byte[] payload1 = V.hex("payload1");
            ByteBuf m1 = Unpooled.buffer(32 + payload1.length + 16);
            byte[] rePublic = X25519.publicKey(respEphemeral);
            m1.setBytes(0, rePublic);
            s.mixHash(rePublic);
            s.mixKey(rePublic);
            s.mixKey(X25519.scalarMult(initEphemeral, rePublic));                 // ee
            s.mixKey(X25519.scalarMult(initStatic, rePublic));                    // se
            s.encryptAndHash(aead, s.mixKeyAndHash(V.hex("psk")), payload1, m1, 32); // psk
            m1.writerIndex(m1.capacity());
            assertArrayEquals(V.hex("ciphertext1"), Packets.bytes(m1), "message 1");
            m1.release();
            assertArrayEquals(V.hex("handshake_hash"), s.hash(), "handshake hash");

            // transport: initiator sends with T1, responder with T2; nonces count per direction
            byte[][] keys = s.split();
            AeadKey initiatorSend = AeadKey.copyOf(keys[0]);
            AeadKey responderSend = AeadKey.copyOf(keys[1]);
            long[] counters = new long[2];
            for (int i = 2; i <= 5; i++) {
                int direction = i % 2; // 0: initiator, 1: responder
                byte[] payload = V.hex("payload" + i);
                ByteBuf m = Unpooled.buffer(payload.length + 16);
                m.writeBytes(payload).writeZero(16);
                aead.seal(direction == 0 ? initiatorSend : responderSend, counters[direction]++, m, 0, payload.length);
                assertArrayEquals(V.hex("ciphertext" + i), Packets.bytes(m), "message " + i);
                m.release();
            }
            initiatorSend.destroy();
            responderSend.destroy();
        }
    }
}
