package io.wgate.core;

import static io.wgate.core.testkit.EnginePair.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.wgate.core.testkit.EnginePair;
import io.wgate.core.testkit.EnginePair.Sent;
import io.wgate.core.testkit.RecordingOutbox;
import io.wgate.core.testkit.Packets;
import io.wgate.core.wire.Initiation;
import io.wgate.core.wire.MessageType;
import io.wgate.crypto.Bytes;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The DoS path (whitepaper §5.3, §5.4.7; kernel {@code receive.c}): under load the responder answers
 * handshake messages without a valid mac2 with a cookie reply instead of doing handshake work; the
 * initiator's next retransmission carries mac2 and is processed, subject to the per-source rate limit.
 */
class EngineCookieTest {

    private static final InetSocketAddress ATTACKER = new InetSocketAddress(Packets.inet("203.0.113.66"), 666);

    private final EnginePair pair = new EnginePair(31);
    private final SplittableRandom random = new SplittableRandom(31);

    @AfterEach
    void close() {
        pair.close();
    }

    /** Queues {@code count} garbage initiations at bob without letting him process them yet. */
    private void flood(int count) {
        for (int i = 0; i < count; i++) {
            byte[] junk = new byte[Initiation.LENGTH];
            random.nextBytes(junk);
            junk[0] = MessageType.INITIATION;
            junk[1] = 0;
            junk[2] = 0;
            junk[3] = 0;
            pair.bob.engine.onDatagram(pair.now(), Unpooled.wrappedBuffer(junk), ATTACKER, pair.bob.outbox);
        }
    }

    private static byte[] mac2Of(Sent initiation) {
        return Arrays.copyOfRange(initiation.bytes(), Initiation.MAC2_OFFSET, Initiation.LENGTH);
    }

    @Test
    void underLoadTheInitiatorGetsACookieAndItsNextRetryWithMac2Succeeds() {
        flood(600);
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(40, 1)));

        assertEquals(1, pair.sent(pair.bob, MessageType.COOKIE_REPLY).size(), "a cookie, not a response");
        assertEquals(0, pair.sent(pair.bob, MessageType.RESPONSE).size());
        assertEquals(1, pair.bob.engine.drops().get(DropReason.COOKIE_REPLY_SENT));
        assertEquals(600, pair.bob.engine.drops().get(DropReason.INVALID_MAC1), "junk fails mac1 first: no cookie");
        assertTrue(pair.alice.peer.cookieGenerator().hasCookie());
        assertEquals(1, pair.sent(pair.alice, MessageType.INITIATION).size(), "no immediate resend");

        // Keep bob under load when the retransmission arrives.
        pair.advance(seconds(4.9));
        flood(600);
        pair.advance(seconds(0.5));

        List<Sent> initiations = pair.sent(pair.alice, MessageType.INITIATION);
        assertEquals(2, initiations.size());
        assertTrue(Bytes.isAllZero(mac2Of(initiations.get(0))), "no cookie yet: zero mac2");
        assertFalse(Bytes.isAllZero(mac2Of(initiations.get(1))), "the retry carries mac2");
        assertEquals(1, pair.sent(pair.bob, MessageType.RESPONSE).size(), "valid mac2 under load is processed");
        assertNotNull(pair.alice.peer.keypairs().current());
        List<ByteBuf> received = pair.bob.takeTunnel();
        assertEquals(1, received.size(), "the staged packet arrives");
        received.forEach(ByteBuf::release);
    }

    @Test
    void underLoadValidMac2IsStillRateLimitedPerSource() {
        flood(600);
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(40, 2)));
        pair.advance(seconds(4.9));
        flood(600);
        pair.advance(seconds(0.5));
        Sent withMac2 = pair.sent(pair.alice, MessageType.INITIATION).get(1);
        pair.bob.takeTunnel().forEach(ByteBuf::release);

        flood(600);
        for (int i = 0; i < 10; i++) {
            pair.bob.engine.onDatagram(pair.now(), Unpooled.wrappedBuffer(withMac2.bytes().clone()),
                    pair.alice.address, pair.bob.outbox);
        }
        pair.run();
        long limited = pair.bob.engine.drops().get(DropReason.RATE_LIMITED);
        long replays = pair.bob.engine.drops().get(DropReason.HANDSHAKE_REPLAY);
        assertEquals(10, limited + replays);
        assertTrue(limited >= 5, "burst of 5 then 20/s: most of 10 instant copies are limited, got " + limited);
    }

    @Test
    void transportDataIsNotDelayedByQueuedHandshakes() {
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(40, 5)));
        pair.bob.takeTunnel().forEach(ByteBuf::release);
        flood(Protocol.MAX_QUEUED_INCOMING_HANDSHAKES + 100);
        assertEquals(Protocol.MAX_QUEUED_INCOMING_HANDSHAKES, pair.bob.engine.queuedHandshakes());
        assertEquals(100, pair.bob.engine.drops().get(DropReason.HANDSHAKE_QUEUE_FULL), "the queue is bounded");

        // Alice's data reaches bob's tunnel at once, before any of the queued handshake work is done.
        pair.alice.engine.onTunnelPacket(pair.now(), Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(40, 6)),
                pair.alice.outbox);
        RecordingOutbox.Datagram datagram = pair.alice.outbox.takeDatagrams().get(0);
        pair.bob.engine.onDatagram(pair.now(), datagram.content(), pair.alice.address, pair.bob.outbox);
        List<ByteBuf> delivered = pair.bob.outbox.takeTunnelPackets();
        assertEquals(1, delivered.size());
        delivered.forEach(ByteBuf::release);
        assertEquals(Protocol.MAX_QUEUED_INCOMING_HANDSHAKES, pair.bob.engine.queuedHandshakes());

        // One tick does a bounded amount of handshake work.
        pair.bob.engine.onTick(pair.now(), pair.bob.outbox);
        assertEquals(Protocol.MAX_QUEUED_INCOMING_HANDSHAKES - EngineConfig.DEFAULT_HANDSHAKES_PER_TICK,
                pair.bob.engine.queuedHandshakes());
        assertEquals(Long.MIN_VALUE, pair.bob.engine.nextDeadlineNanos(), "more work: tick again at once");
        pair.run();
        assertEquals(0, pair.bob.engine.queuedHandshakes());
    }

    @Test
    void withoutLoadMac2IsNotRequired() {
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(40, 3)));
        assertEquals(0, pair.sent(pair.bob, MessageType.COOKIE_REPLY).size());
        assertEquals(1, pair.sent(pair.bob, MessageType.RESPONSE).size());
        pair.bob.takeTunnel().forEach(ByteBuf::release);
    }

    @Test
    void forgedCookieReplyIsRejected() {
        flood(600);
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(40, 4)));
        byte[] reply = pair.sent(pair.bob, MessageType.COOKIE_REPLY).get(0).bytes();
        // Alice already consumed it: a second copy finds no outstanding mac1.
        pair.inject(pair.alice, Unpooled.wrappedBuffer(reply.clone()), pair.bob.address);
        assertEquals(1, pair.alice.engine.drops().get(DropReason.INVALID_COOKIE_REPLY));
        byte[] forged = reply.clone();
        forged[40] ^= 1;
        pair.inject(pair.alice, Unpooled.wrappedBuffer(forged), pair.bob.address);
        assertEquals(2, pair.alice.engine.drops().get(DropReason.INVALID_COOKIE_REPLY));
    }

    /** {@code copies} of {@code initiation} at bob, from the sources {@code sourceOf} gives, then runs until quiet. */
    private void replay(byte[] initiation, int copies, java.util.function.IntFunction<InetSocketAddress> sourceOf) {
        for (int i = 0; i < copies; i++) {
            pair.bob.engine.onDatagram(pair.now(), Unpooled.copiedBuffer(initiation), sourceOf.apply(i),
                    pair.bob.outbox);
        }
        pair.run();
    }

    private static InetSocketAddress spoofed(int i) {
        String[] nets = {"192.0.2.", "198.51.100.", "203.0.113."};
        return new InetSocketAddress(Packets.inet(nets[i / 256] + (i % 256)), 40000 + i);
    }

    @Test
    void cookieRepliesToAFloodOfValidMac1AreLimitedInAllAndPerSourceAndCostNoHandshakeWork() {
        flood(600);
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(40, 1)));
        byte[] initiation = pair.sent(pair.alice, MessageType.INITIATION).getFirst().bytes(); // valid mac1, no mac2
        assertEquals(1, pair.bob.engine.drops().get(DropReason.COOKIE_REPLY_SENT));

        // 768 spoofed sources at one instant: the global burst (one already spent on alice) and no more.
        flood(600);
        replay(initiation, 768, EngineCookieTest::spoofed);
        long sent = pair.bob.engine.drops().get(DropReason.COOKIE_REPLY_SENT);
        long limited = pair.bob.engine.drops().get(DropReason.COOKIE_REPLY_LIMITED);
        assertEquals(io.wgate.core.limit.CookieReplyLimiter.GLOBAL_BURST, sent);
        assertEquals(1 + 768, sent + limited, "every copy was answered or counted as limited");
        assertEquals(sent, pair.sent(pair.bob, MessageType.COOKIE_REPLY).size());
        assertEquals(0, pair.sent(pair.bob, MessageType.RESPONSE).size(), "no Diffie-Hellman for any of them");

        // A second later (the global bucket full again), one source gets its burst of five and no more.
        pair.advance(seconds(1));
        flood(600);
        InetSocketAddress one = new InetSocketAddress(Packets.inet("203.0.113.200"), 1);
        replay(initiation, 20, i -> one);
        assertEquals(sent + io.wgate.core.limit.CookieReplyLimiter.PER_SOURCE_BURST,
                pair.bob.engine.drops().get(DropReason.COOKIE_REPLY_SENT));
        assertEquals(limited + 20 - io.wgate.core.limit.CookieReplyLimiter.PER_SOURCE_BURST,
                pair.bob.engine.drops().get(DropReason.COOKIE_REPLY_LIMITED));
    }

    @Test
    void underLoadCookielessMessagesAreLimitedBeforeMac1OnceNoReplyIsLeftAndJunkSpendsNoReply() {
        flood(600);
        pair.run();
        byte[] junk = new byte[Initiation.LENGTH]; // no cookie (mac2 zero), and a mac1 that is wrong
        random.nextBytes(junk);
        junk[0] = MessageType.INITIATION;
        junk[1] = 0;
        junk[2] = 0;
        junk[3] = 0;
        Arrays.fill(junk, Initiation.MAC2_OFFSET, Initiation.LENGTH, (byte) 0);
        long invalidBefore = pair.bob.engine.drops().get(DropReason.INVALID_MAC1);
        replay(junk, 300, EngineCookieTest::spoofed);
        assertEquals(invalidBefore + 300, pair.bob.engine.drops().get(DropReason.INVALID_MAC1));
        assertEquals(0, pair.bob.engine.drops().get(DropReason.COOKIE_REPLY_LIMITED), "junk spent no reply");

        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(40, 1)));
        byte[] initiation = pair.sent(pair.alice, MessageType.INITIATION).getFirst().bytes();
        replay(initiation, io.wgate.core.limit.CookieReplyLimiter.GLOBAL_BURST, EngineCookieTest::spoofed);
        assertEquals(io.wgate.core.limit.CookieReplyLimiter.GLOBAL_BURST,
                pair.bob.engine.drops().get(DropReason.COOKIE_REPLY_SENT), "alice's and all but one copy answered");
        assertEquals(1, pair.bob.engine.drops().get(DropReason.COOKIE_REPLY_LIMITED));

        // No reply left: the same junk now counts as limited, judged before its mac1 is looked at.
        replay(junk, 50, i -> spoofed(300 + i));
        assertEquals(invalidBefore + 300, pair.bob.engine.drops().get(DropReason.INVALID_MAC1));
        assertEquals(1 + 50, pair.bob.engine.drops().get(DropReason.COOKIE_REPLY_LIMITED));
        assertEquals(0, pair.sent(pair.bob, MessageType.RESPONSE).size(), "no Diffie-Hellman for any of them");
    }

    @Test
    void aCookieReplyTheOutboxDeclinesIsCountedAsBackpressureNotAsSent() {
        flood(600);
        pair.bob.outbox.declineCookieReplies(true);
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(40, 1)));
        assertEquals(1, pair.bob.engine.drops().get(DropReason.COOKIE_REPLY_BACKPRESSURE));
        assertEquals(0, pair.bob.engine.drops().get(DropReason.COOKIE_REPLY_SENT));
        assertEquals(0, pair.sent(pair.bob, MessageType.COOKIE_REPLY).size());
        assertFalse(pair.alice.peer.cookieGenerator().hasCookie());
    }

    @Test
    void goingUnderLoadAndOutOfItIsCountedOnceEachAndEndsOnTimeWithoutMoreTraffic() {
        EngineCounters counters = pair.bob.engine.counters();
        flood(600);
        pair.run();
        flood(600);
        pair.run();
        assertEquals(1, counters.get(EngineEvent.UNDER_LOAD_ENTERED), "one episode, however many messages");
        assertEquals(0, counters.get(EngineEvent.UNDER_LOAD_EXITED));
        assertTrue(pair.bob.engine.isUnderLoad(pair.now()));

        pair.advance(seconds(1.5)); // nothing arrives: the engine asks for a tick when the episode would end
        assertEquals(1, counters.get(EngineEvent.UNDER_LOAD_EXITED));
        assertFalse(pair.bob.engine.isUnderLoad(pair.now()));

        flood(600);
        pair.run();
        assertEquals(2, counters.get(EngineEvent.UNDER_LOAD_ENTERED), "a new flood is a new episode");
    }

    @Test
    void underLoadAPeerAtItsKnownEndpointIsAnsweredWithoutTheCookieRoundTrip() {
        pair.bob.peer.setEndpoint(EnginePair.ALICE_ADDRESS); // bob knows where alice is (a restarted alice)
        flood(600);
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(40, 1)));

        assertEquals(1, pair.sent(pair.bob, MessageType.RESPONSE).size(), "a response, not a cookie");
        assertEquals(0, pair.sent(pair.bob, MessageType.COOKIE_REPLY).size());
        List<ByteBuf> arrived = pair.bob.takeTunnel();
        assertEquals(1, arrived.size(), "the session is up at once");
        arrived.forEach(ByteBuf::release);
    }

    @Test
    void underLoadInitiationsFromAKnownEndpointGetTheirOwnRateThenCookies() {
        pair.bob.peer.setEndpoint(EnginePair.ALICE_ADDRESS);
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(40, 1)));
        pair.bob.takeTunnel().forEach(ByteBuf::release);
        byte[] initiation = pair.sent(pair.alice, MessageType.INITIATION).getFirst().bytes();

        flood(600);
        for (int i = 0; i < 12; i++) { // a spoofer replaying alice's initiation from alice's address
            pair.bob.engine.onDatagram(pair.now(), Unpooled.wrappedBuffer(initiation.clone()),
                    EnginePair.ALICE_ADDRESS, pair.bob.outbox);
        }
        pair.run();
        long replays = pair.bob.engine.drops().get(DropReason.HANDSHAKE_REPLAY);
        long cookies = pair.bob.engine.drops().get(DropReason.COOKIE_REPLY_SENT)
                + pair.bob.engine.drops().get(DropReason.COOKIE_REPLY_LIMITED);
        assertEquals(5, replays, "the known-endpoint lane lets its burst through (and the replays fail there)");
        assertEquals(7, cookies, "beyond it, the usual cookie path: alice's own way in stays open");
        assertEquals(1, pair.sent(pair.bob, MessageType.RESPONSE).size(), "no response to any replay");
    }
}
