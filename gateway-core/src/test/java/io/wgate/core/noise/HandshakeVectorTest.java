package io.wgate.core.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.wgate.core.cookie.CookieChecker;
import io.wgate.core.cookie.CookieGenerator;
import io.wgate.core.testkit.Packets;
import io.wgate.core.testkit.ScriptedEntropy;
import io.wgate.core.testkit.Vectors;
import io.wgate.core.wire.CookieReply;
import io.wgate.core.wire.Initiation;
import io.wgate.core.wire.Response;
import io.wgate.core.wire.Transport;
import io.wgate.crypto.AeadImplementation;
import io.wgate.crypto.AeadKey;
import io.wgate.crypto.Blake2s;
import io.wgate.crypto.ChaCha20Poly1305;
import java.net.InetSocketAddress;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fixed-input WireGuard handshake transcript made by the team (no official one exists; file
 * {@code vectors/wireguard-handshake-unofficial.txt}), reproduced byte for byte by {@link Handshake},
 * {@link CookieGenerator} and {@link CookieChecker}. The transcript is unofficial; interop with
 * wireguard-go is the final authority.
 */
class HandshakeVectorTest {

    private static final Vectors V = Vectors.load("wireguard-handshake-unofficial.txt");
    private static final long EPOCH_NANOS = 1_700_000_000L * 1_000_000_000L;
    private static final long NOW_NANOS = 42_000_000_000L;

    private final ChaCha20Poly1305 aead = AeadImplementation.select("auto").newInstance();
    private final StaticIdentity alice = StaticIdentity.of(V.hex("initiator_static_private"));
    private final StaticIdentity bob = StaticIdentity.of(V.hex("responder_static_private"));

    @AfterEach
    void closeAead() {
        aead.close();
    }

    private static int index(String key) {
        return Integer.parseUnsignedInt(V.text(key), 16);
    }

    @Test
    void publicKeysAndMac1KeyMatch() {
        assertArrayEquals(V.hex("initiator_static_public"), alice.publicKey());
        assertArrayEquals(V.hex("responder_static_public"), bob.publicKey());
        assertArrayEquals(V.hex("mac1_key_responder"), bob.mac1Key());
    }

    @Test
    void fullHandshakeReproducesTheTranscript() {
        Handshake initiator = new Handshake(bob.publicKey());
        initiator.setIdentity(alice);
        Handshake responder = new Handshake(alice.publicKey());
        responder.setIdentity(bob);
        CookieGenerator aliceMacs = new CookieGenerator(bob.publicKey());
        CookieGenerator bobMacs = new CookieGenerator(alice.publicKey());

        ByteBuf initiationBuf = Unpooled.buffer(Initiation.LENGTH).writeZero(Initiation.LENGTH);
        ByteBuf responseBuf = Unpooled.buffer(Response.LENGTH).writeZero(Response.LENGTH);
        try {
            Initiation initiation = new Initiation().wrap(initiationBuf, 0).writeHeader();
            initiation.senderIndex(index("initiator_index"));
            initiator.setLocalIndex(index("initiator_index"));
            ScriptedEntropy ei = new ScriptedEntropy().bytes(V.hex("initiator_ephemeral_private"));
            assertNull(initiator.createInitiation(alice, aead, ei, EPOCH_NANOS, initiation));
            aliceMacs.addMacs(initiationBuf, 0, Initiation.LENGTH, NOW_NANOS);
            assertArrayEquals(V.hex("initiation"), Packets.bytes(initiationBuf), "initiation");

            DecryptedInitiation decrypted = new DecryptedInitiation();
            assertNull(Handshake.decryptInitiation(bob, aead, initiation, decrypted));
            assertArrayEquals(alice.publicKey(), decrypted.remoteStatic());
            assertNull(responder.consumeInitiation(decrypted, aead, initiation, NOW_NANOS));

            Response response = new Response().wrap(responseBuf, 0).writeHeader();
            response.senderIndex(index("responder_index"));
            responder.setLocalIndex(index("responder_index"));
            ScriptedEntropy er = new ScriptedEntropy().bytes(V.hex("responder_ephemeral_private"));
            assertNull(responder.createResponse(aead, er, response));
            bobMacs.addMacs(responseBuf, 0, Response.LENGTH, NOW_NANOS);
            assertArrayEquals(V.hex("response"), Packets.bytes(responseBuf), "response");

            assertNull(initiator.consumeResponse(alice, aead, response));
            SessionKeys aliceKeys = initiator.beginSession();
            SessionKeys bobKeys = responder.beginSession();
            assertArrayEquals(V.hex("initiator_send_key"), aliceKeys.sendKey());
            assertArrayEquals(V.hex("initiator_receive_key"), aliceKeys.receiveKey());
            assertArrayEquals(aliceKeys.sendKey(), bobKeys.receiveKey());
            assertArrayEquals(aliceKeys.receiveKey(), bobKeys.sendKey());
            assertEquals(index("responder_index"), aliceKeys.remoteIndex());
            assertEquals(HandshakeState.ZEROED, initiator.state());

            ByteBuf keepalive = Unpooled.buffer(Transport.MIN_LENGTH).writeZero(Transport.MIN_LENGTH);
            Transport.writeHeader(keepalive, 0, aliceKeys.remoteIndex(), 0);
            AeadKey sendKey = AeadKey.copyOf(aliceKeys.sendKey());
            aead.seal(sendKey, 0, keepalive, Transport.HEADER_LENGTH, 0);
            sendKey.destroy();
            assertArrayEquals(V.hex("first_keepalive"), Packets.bytes(keepalive), "first keepalive");
            keepalive.release();
        } finally {
            initiationBuf.release();
            responseBuf.release();
        }
    }

    @Test
    void cookieReplyAndMac2MatchTheTranscript() {
        Handshake initiator = new Handshake(bob.publicKey());
        initiator.setIdentity(alice);
        CookieGenerator aliceMacs = new CookieGenerator(bob.publicKey());
        ByteBuf initiationBuf = Unpooled.buffer(Initiation.LENGTH).writeZero(Initiation.LENGTH);
        ByteBuf replyBuf = Unpooled.buffer(CookieReply.LENGTH).writeZero(CookieReply.LENGTH);
        try {
            Initiation initiation = new Initiation().wrap(initiationBuf, 0).writeHeader();
            initiation.senderIndex(index("initiator_index"));
            initiator.createInitiation(alice, aead,
                    new ScriptedEntropy().bytes(V.hex("initiator_ephemeral_private")), EPOCH_NANOS, initiation);
            aliceMacs.addMacs(initiationBuf, 0, Initiation.LENGTH, NOW_NANOS);

            // The checker draws the reply nonce first, then (lazily) its first cookie secret.
            ScriptedEntropy entropy = new ScriptedEntropy()
                    .bytes(V.hex("cookie_nonce"))
                    .bytes(V.hex("cookie_secret"));
            CookieChecker checker = new CookieChecker(entropy);
            checker.setIdentity(bob);
            String[] source = V.text("cookie_source").split(":");
            InetSocketAddress from = new InetSocketAddress(Packets.inet(source[0]), Integer.parseInt(source[1]));
            checker.createReply(initiationBuf, 0, Initiation.LENGTH, index("initiator_index"), from, NOW_NANOS,
                    replyBuf, 0);
            assertArrayEquals(V.hex("cookie_reply"), Packets.bytes(replyBuf), "cookie reply");
            assertTrue(entropy.isExhausted());

            CookieReply reply = new CookieReply().wrap(replyBuf, 0);
            assertTrue(aliceMacs.consumeReply(reply, NOW_NANOS));
            aliceMacs.addMacs(initiationBuf, 0, Initiation.LENGTH, NOW_NANOS + 1);
            byte[] mac2 = Arrays.copyOfRange(Packets.bytes(initiationBuf), Initiation.MAC2_OFFSET, Initiation.LENGTH);
            assertArrayEquals(V.hex("mac2_with_cookie"), mac2, "mac2");
            assertTrue(checker.checkMac2(initiationBuf, 0, Initiation.LENGTH, from, NOW_NANOS + 2));
            assertArrayEquals(V.hex("cookie"), Blake2s.mac(V.hex("cookie_secret"), new byte[] {
                (byte) 192, 0, 2, 1, (byte) (51820 >>> 8), (byte) 51820}, 0, 6));
        } finally {
            initiationBuf.release();
            replyBuf.release();
        }
    }

    @Test
    void staticStaticDhIsPrecomputedAndLowOrderPeersCannotHandshake() {
        Handshake lowOrder = new Handshake(new byte[32]); // the all-zero point is of low order
        lowOrder.setIdentity(alice);
        ByteBuf buf = Unpooled.buffer(Initiation.LENGTH).writeZero(Initiation.LENGTH);
        try {
            Initiation initiation = new Initiation().wrap(buf, 0).writeHeader();
            assertEquals(io.wgate.core.DropReason.ZERO_DH_RESULT, lowOrder.createInitiation(alice, aead,
                    new ScriptedEntropy().bytes(new byte[32]), EPOCH_NANOS, initiation));
        } finally {
            buf.release();
        }
        assertEquals(HandshakeState.ZEROED, lowOrder.state());
    }
}
