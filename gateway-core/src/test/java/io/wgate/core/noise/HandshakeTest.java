package io.wgate.core.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.wgate.core.DropReason;
import io.wgate.core.Protocol;
import io.wgate.core.testkit.SeededEntropy;
import io.wgate.core.wire.Initiation;
import io.wgate.core.wire.Response;
import io.wgate.crypto.AeadImplementation;
import io.wgate.crypto.ChaCha20Poly1305;
import io.wgate.crypto.X25519;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * State machine, replay and flood rules of {@link Handshake} (whitepaper §5.4.2-5.4.3, §5.1; kernel {@code noise.c}).
 */
class HandshakeTest {

    private static final long EPOCH = 1_700_000_000L * 1_000_000_000L;
    private static final long SECOND = 1_000_000_000L;

    private final SeededEntropy entropy = new SeededEntropy(3);
    private final ChaCha20Poly1305 aead = AeadImplementation.JDK.newInstance();
    private final StaticIdentity alice = StaticIdentity.of(key());
    private final StaticIdentity bob = StaticIdentity.of(key());
    private final Handshake aliceSide = new Handshake(bob.publicKey());
    private final Handshake bobSide = new Handshake(alice.publicKey());
    private final List<ByteBuf> buffers = new ArrayList<>();

    HandshakeTest() {
        aliceSide.setIdentity(alice);
        bobSide.setIdentity(bob);
    }

    private byte[] key() {
        byte[] random = new byte[32];
        entropy.nextBytes(random);
        return X25519.privateKeyFrom(random);
    }

    @AfterEach
    void release() {
        buffers.forEach(ByteBuf::release);
        aead.close();
    }

    private Initiation initiation(long epochNanos) {
        ByteBuf buf = Unpooled.buffer(Initiation.LENGTH).writeZero(Initiation.LENGTH);
        buffers.add(buf);
        Initiation message = new Initiation().wrap(buf, 0).writeHeader();
        message.senderIndex(7);
        assertNull(aliceSide.createInitiation(alice, aead, entropy, epochNanos, message));
        return message;
    }

    private DropReason consume(Initiation message, long nowNanos) {
        DecryptedInitiation decrypted = new DecryptedInitiation();
        DropReason reason = Handshake.decryptInitiation(bob, aead, message, decrypted);
        return reason != null ? reason : bobSide.consumeInitiation(decrypted, aead, message, nowNanos);
    }

    private Response response() {
        ByteBuf buf = Unpooled.buffer(Response.LENGTH).writeZero(Response.LENGTH);
        buffers.add(buf);
        Response message = new Response().wrap(buf, 0).writeHeader();
        message.senderIndex(9);
        assertNull(bobSide.createResponse(aead, entropy, message));
        return message;
    }

    @Test
    void sameInitiationTwiceIsAReplay() {
        Initiation message = initiation(EPOCH);
        assertNull(consume(message, 0));
        assertEquals(DropReason.HANDSHAKE_REPLAY, consume(message, SECOND));
    }

    @Test
    void olderTimestampIsAReplayEvenFromANewInitiation() {
        Initiation newer = initiation(EPOCH + 10 * SECOND);
        Initiation older = initiation(EPOCH);
        assertNull(consume(newer, 0));
        assertEquals(DropReason.HANDSHAKE_REPLAY, consume(older, SECOND));
    }

    @Test
    void initiationsCloserThanTwentyMillisecondsAreAFlood() {
        Initiation first = initiation(EPOCH);
        Initiation second = initiation(EPOCH + SECOND);
        Initiation third = initiation(EPOCH + 2 * SECOND);
        assertNull(consume(first, 0));
        assertEquals(DropReason.HANDSHAKE_FLOOD, consume(second, Protocol.INITIATION_MIN_INTERVAL_NANOS - 1));
        assertNull(consume(third, Protocol.INITIATION_MIN_INTERVAL_NANOS));
    }

    @Test
    void responseOnlyInTheRightStateAndForgeriesChangeNothing() {
        Initiation message = initiation(EPOCH);
        assertNull(consume(message, 0));
        Response response = response();
        assertEquals(HandshakeState.RESPONSE_CREATED, bobSide.state());

        ByteBuf forgedBuf = Unpooled.copiedBuffer(response.buffer());
        buffers.add(forgedBuf);
        forgedBuf.setByte(Response.ENCRYPTED_NOTHING_OFFSET, forgedBuf.getByte(Response.ENCRYPTED_NOTHING_OFFSET) ^ 1);
        assertEquals(DropReason.HANDSHAKE_DECRYPTION_FAILED,
                aliceSide.consumeResponse(alice, aead, new Response().wrap(forgedBuf, 0)));
        assertEquals(HandshakeState.INITIATION_CREATED, aliceSide.state(), "a forgery leaves the state intact");
        assertNull(aliceSide.consumeResponse(alice, aead, response));
        assertEquals(HandshakeState.RESPONSE_CONSUMED, aliceSide.state());
        assertEquals(DropReason.UNEXPECTED_HANDSHAKE_STATE, aliceSide.consumeResponse(alice, aead, response));
    }

    @Test
    void mismatchedPresharedKeysFailAtTheResponse() {
        byte[] psk = new byte[32];
        psk[0] = 1;
        aliceSide.setPresharedKey(psk);
        assertNull(consume(initiation(EPOCH), 0));
        assertEquals(DropReason.HANDSHAKE_DECRYPTION_FAILED, aliceSide.consumeResponse(alice, aead, response()));
        bobSide.setPresharedKey(psk);
    }

    @Test
    void initiationFromAnUnknownStaticKeyStillDecryptsToThatKey() {
        Initiation message = initiation(EPOCH);
        DecryptedInitiation decrypted = new DecryptedInitiation();
        assertNull(Handshake.decryptInitiation(bob, aead, message, decrypted));
        assertEquals(io.wgate.crypto.Bytes.hex(alice.publicKey()), io.wgate.crypto.Bytes.hex(decrypted.remoteStatic()));
        assertEquals(DropReason.HANDSHAKE_DECRYPTION_FAILED,
                Handshake.decryptInitiation(alice, aead, message, new DecryptedInitiation()),
                "addressed to bob: alice cannot decrypt it");
    }
}
