package io.wgate.core.cookie;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.wgate.core.Protocol;
import io.wgate.core.noise.StaticIdentity;
import io.wgate.core.testkit.SeededEntropy;
import io.wgate.core.wire.CookieReply;
import io.wgate.core.wire.Initiation;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** mac1/mac2 and the cookie round trip between a {@link CookieGenerator} and a {@link CookieChecker}. */
class CookieCheckerTest {

    private static final InetSocketAddress SOURCE = new InetSocketAddress(InetAddress.ofLiteral("192.0.2.1"), 51820);
    private static final InetSocketAddress OTHER = new InetSocketAddress(InetAddress.ofLiteral("192.0.2.1"), 51821);

    private final SeededEntropy entropy = new SeededEntropy(5);
    private final StaticIdentity responder = StaticIdentity.of(key(1));
    private final CookieChecker checker = new CookieChecker(entropy);
    private final CookieGenerator generator = new CookieGenerator(responder.publicKey());
    private final ByteBuf message = Unpooled.buffer(Initiation.LENGTH).writeZero(Initiation.LENGTH);
    private final ByteBuf reply = Unpooled.buffer(CookieReply.LENGTH).writeZero(CookieReply.LENGTH);

    CookieCheckerTest() {
        checker.setIdentity(responder);
        for (int i = 0; i < 116; i++) {
            message.setByte(i, i * 3);
        }
    }

    private static byte[] key(int seed) {
        byte[] k = new byte[32];
        k[1] = (byte) seed; // not k[0]: clamping clears its low three bits
        return io.wgate.crypto.X25519.privateKeyFrom(k);
    }

    @AfterEach
    void release() {
        message.release();
        reply.release();
    }

    @Test
    void mac1VerifiesAndAnyChangeBreaksIt() {
        generator.addMacs(message, 0, Initiation.LENGTH, 0);
        assertTrue(checker.checkMac1(message, 0, Initiation.LENGTH));
        message.setByte(10, message.getByte(10) ^ 1);
        assertFalse(checker.checkMac1(message, 0, Initiation.LENGTH));
    }

    @Test
    void mac1ForAnotherResponderFails() {
        CookieGenerator forSomeoneElse = new CookieGenerator(StaticIdentity.of(key(2)).publicKey());
        forSomeoneElse.addMacs(message, 0, Initiation.LENGTH, 0);
        assertFalse(checker.checkMac1(message, 0, Initiation.LENGTH));
    }

    @Test
    void cookieRoundTripGivesAValidMac2BoundToTheSourceAddress() {
        long now = 10;
        generator.addMacs(message, 0, Initiation.LENGTH, now);
        assertFalse(checker.checkMac2(message, 0, Initiation.LENGTH, SOURCE, now), "zero mac2 without a cookie");
        checker.createReply(message, 0, Initiation.LENGTH, 0x01020304, SOURCE, now, reply, 0);
        assertTrue(generator.consumeReply(new CookieReply().wrap(reply, 0), now));
        assertFalse(generator.consumeReply(new CookieReply().wrap(reply, 0), now), "only one reply per mac1");
        generator.addMacs(message, 0, Initiation.LENGTH, now + 1);
        assertTrue(checker.checkMac2(message, 0, Initiation.LENGTH, SOURCE, now + 2));
        assertFalse(checker.checkMac2(message, 0, Initiation.LENGTH, OTHER, now + 2), "cookie is per address");
    }

    @Test
    void cookiesExpireWithTheSecretAndTheSenderStopsUsingThemEarly() {
        long now = 10;
        generator.addMacs(message, 0, Initiation.LENGTH, now);
        checker.createReply(message, 0, Initiation.LENGTH, 1, SOURCE, now, reply, 0);
        generator.consumeReply(new CookieReply().wrap(reply, 0), now);

        long late = now + Protocol.COOKIE_SECRET_MAX_AGE_NANOS - Protocol.COOKIE_SECRET_LATENCY_NANOS;
        generator.addMacs(message, 0, Initiation.LENGTH, late);
        byte[] mac2 = new byte[16];
        message.getBytes(Initiation.MAC2_OFFSET, mac2);
        assertArrayEquals(new byte[16], mac2, "the sender stops using a cookie 5 s before it expires");

        generator.addMacs(message, 0, Initiation.LENGTH, late - 1);
        assertTrue(checker.checkMac2(message, 0, Initiation.LENGTH, SOURCE, late - 1));
        assertFalse(checker.checkMac2(message, 0, Initiation.LENGTH, SOURCE, now + Protocol.COOKIE_SECRET_MAX_AGE_NANOS),
                "the secret rotated after 120 s");
    }
}
