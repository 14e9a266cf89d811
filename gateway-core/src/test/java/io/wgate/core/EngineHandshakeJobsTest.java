package io.wgate.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.wgate.core.testkit.EnginePair;
import io.wgate.core.testkit.ManualHandshakeJobs;
import io.wgate.core.testkit.Packets;
import io.wgate.core.wire.MessageType;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Diffie-Hellman of initiations on a worker ({@link HandshakeJobs}): the engine does the cheap checks itself and
 * submits the rest; the handshake completes only once the job is done; a full worker queue drops (counted); jobs
 * waiting for a worker count towards "under load", so cookies take over when the workers fall behind; a job that
 * outlived our private key is discarded.
 */
class EngineHandshakeJobsTest {

    private static final InetSocketAddress ATTACKER = new InetSocketAddress(Packets.inet("203.0.113.66"), 666);

    private final EnginePair pair = new EnginePair(77);
    private ManualHandshakeJobs jobs;

    @BeforeEach
    void offload() {
        useJobs(1024);
    }

    private void useJobs(int capacity) {
        if (jobs != null) {
            jobs.close();
        }
        jobs = new ManualHandshakeJobs(capacity);
        pair.bob.engine.setHandshakeJobs(jobs);
    }

    @AfterEach
    void close() {
        jobs.runAndComplete(pair.bob.engine, pair.now(), pair.bob.outbox); // nothing left in flight
        pair.close();
        jobs.close();
    }

    private ByteBuf packet() {
        return Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(40, 1));
    }

    /** Alice's first initiation, as it went out (her packet waits for the handshake). */
    private byte[] aliceInitiation() {
        pair.sendPacket(pair.alice, packet());
        return pair.sent(pair.alice, MessageType.INITIATION).getFirst().bytes();
    }

    @Test
    void theResponseWaitsForTheWorkerThenTheTunnelWorks() {
        aliceInitiation();
        assertEquals(1, jobs.backlog(), "bob submitted the initiation's Diffie-Hellman");
        assertEquals(0, pair.sent(pair.bob, MessageType.RESPONSE).size(), "no response before the worker ran");

        assertEquals(1, jobs.runAndComplete(pair.bob.engine, pair.now(), pair.bob.outbox));
        pair.run();

        assertEquals(1, pair.sent(pair.bob, MessageType.RESPONSE).size());
        assertEquals(1, releaseAll(pair.bob.takeTunnel()), "alice's staged packet arrived through the new session");
        pair.sendPacket(pair.bob, Packets.udp4("10.0.0.2", "10.0.0.1", Packets.payload(40, 2)));
        assertEquals(1, releaseAll(pair.alice.takeTunnel()), "and the way back works");
    }

    private static int releaseAll(java.util.List<ByteBuf> packets) {
        packets.forEach(ByteBuf::release);
        return packets.size();
    }

    @Test
    void aReplayedInitiationCostsAJobAndIsThenRejectedAsAReplay() {
        byte[] initiation = aliceInitiation();
        jobs.runAndComplete(pair.bob.engine, pair.now(), pair.bob.outbox);
        pair.run();
        pair.inject(pair.bob, Unpooled.wrappedBuffer(initiation.clone()), ATTACKER);
        assertEquals(1, jobs.backlog());
        jobs.runAndComplete(pair.bob.engine, pair.now(), pair.bob.outbox);
        assertEquals(1, pair.bob.engine.drops().get(DropReason.HANDSHAKE_REPLAY));
        assertEquals(1, pair.sent(pair.bob, MessageType.RESPONSE).size(), "no second response");
    }

    @Test
    void aFullWorkerQueueDropsTheInitiationCounted() {
        useJobs(2);
        byte[] initiation = aliceInitiation();
        for (int i = 0; i < 3; i++) {
            pair.inject(pair.bob, Unpooled.wrappedBuffer(initiation.clone()), ATTACKER);
        }
        assertEquals(2, jobs.backlog());
        assertEquals(2, pair.bob.engine.drops().get(DropReason.HANDSHAKE_QUEUE_FULL), "two of four found no room");
    }

    @Test
    void initiationsWaitingForTheWorkerPutTheEngineUnderLoad() {
        byte[] initiation = aliceInitiation();
        // Replays with a valid mac1 from one stranger: each costs a job until the backlog reaches the under-load
        // depth (an eighth of the handshake queue); from then on bob wants mac2 and answers with cookies instead.
        int depth = Protocol.MAX_QUEUED_INCOMING_HANDSHAKES / 8;
        for (int i = 0; i < depth + 50; i++) {
            pair.inject(pair.bob, Unpooled.wrappedBuffer(initiation.clone()), ATTACKER);
        }
        assertTrue(pair.bob.engine.isUnderLoad(pair.now()), "under load while the workers are behind");
        assertEquals(depth, jobs.backlog(), "no job beyond the under-load depth");
        long cookies = pair.bob.engine.drops().get(DropReason.COOKIE_REPLY_SENT)
                + pair.bob.engine.drops().get(DropReason.COOKIE_REPLY_LIMITED);
        assertEquals(51, cookies, "the rest got the cookie treatment (sent, or limited for this one source)");
    }

    @Test
    void aJobThatOutlivedOurPrivateKeyIsDiscarded() {
        aliceInitiation();
        assertEquals(1, jobs.backlog());
        byte[] other = new byte[32];
        other[0] = 9;
        pair.bob.engine.setPrivateKey(io.wgate.crypto.X25519.privateKeyFrom(other));
        jobs.runAndComplete(pair.bob.engine, pair.now(), pair.bob.outbox);
        pair.run();
        assertEquals(1, pair.bob.engine.drops().get(DropReason.NO_IDENTITY));
        assertEquals(0, pair.sent(pair.bob, MessageType.RESPONSE).size());
    }
}
