package io.wgate.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.wgate.core.DropReason;
import io.wgate.core.testkit.EnginePair;
import io.wgate.core.testkit.Packets;
import io.wgate.core.wire.MessageType;
import io.wgate.crypto.AeadImplementation;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link HandshakeWorker} with a real engine pair: the Diffie-Hellman runs on the worker's thread, completions come
 * back through the executor (here the test thread plays the engine's loop), and closing accounts for every job.
 */
@Timeout(60)
class HandshakeWorkerTest {

    private static final InetSocketAddress STRANGER = new InetSocketAddress(Packets.inet("203.0.113.7"), 7);

    private final EnginePair pair = new EnginePair(91);
    /** Completion requests, run by the test thread: the engine's owner. */
    private final LinkedBlockingQueue<Runnable> loop = new LinkedBlockingQueue<>();
    private final AtomicInteger requests = new AtomicInteger();
    private HandshakeWorker worker;

    @BeforeEach
    void start() {
        worker = new HandshakeWorker(64, AeadImplementation.JDK::newInstance, "wgate-test-handshake-0",
                task -> {
                    requests.incrementAndGet();
                    loop.add(task);
                }, this::complete);
        pair.bob.engine.setHandshakeJobs(worker);
    }

    @AfterEach
    void stop() {
        worker.close(pair.bob.engine::discardHandshakeJob);
        pair.close();
    }

    private void complete() {
        worker.completeReady(job -> pair.bob.engine.onHandshakeDone(pair.now(), job, pair.bob.outbox));
    }

    /** Runs completion requests on this thread until the worker has nothing in flight. */
    private void awaitWorker() throws InterruptedException {
        while (worker.backlog() > 0) {
            Runnable task = loop.poll(10, TimeUnit.SECONDS);
            assertNotNull(task, "the worker asked for completion");
            task.run();
        }
        pair.run();
    }

    @Test
    void theHandshakeCompletesThroughTheWorkerThread() throws Exception {
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(40, 1)));
        assertEquals(1, worker.backlog());
        awaitWorker();
        assertEquals(1, pair.sent(pair.bob, MessageType.RESPONSE).size());
        List<ByteBuf> arrived = pair.bob.takeTunnel();
        assertEquals(1, arrived.size(), "alice's packet went through the session the worker's handshake made");
        arrived.forEach(ByteBuf::release);
    }

    @Test
    void aBurstOfReplaysIsWorkedOffWithFewCompletionRequests() throws Exception {
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(40, 1)));
        awaitWorker();
        pair.bob.takeTunnel().forEach(ByteBuf::release);
        byte[] initiation = pair.sent(pair.alice, MessageType.INITIATION).getFirst().bytes();
        int before = requests.get();
        for (int i = 0; i < 60; i++) {
            pair.bob.engine.onDatagram(pair.now(), Unpooled.wrappedBuffer(initiation.clone()), STRANGER,
                    pair.bob.outbox);
        }
        pair.run();
        awaitWorker();
        assertEquals(60, pair.bob.engine.drops().get(DropReason.HANDSHAKE_REPLAY), "each replay was worked and refused");
        assertEquals(1, pair.sent(pair.bob, MessageType.RESPONSE).size(), "and answered by nothing");
        assertTrue(requests.get() - before <= 60, "at most one completion request per job");
        assertEquals(0, worker.backlog());
    }

    @Test
    void closingAccountsForEveryJobInFlight() throws Exception {
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(40, 1)));
        byte[] initiation = pair.sent(pair.alice, MessageType.INITIATION).getFirst().bytes();
        for (int i = 0; i < 40; i++) {
            pair.bob.engine.onDatagram(pair.now(), Unpooled.wrappedBuffer(initiation.clone()), STRANGER,
                    pair.bob.outbox);
        }
        pair.run();
        int submitted = worker.backlog();
        assertTrue(submitted > 1);
        AtomicInteger discarded = new AtomicInteger();
        worker.close(job -> {
            discarded.incrementAndGet();
            pair.bob.engine.discardHandshakeJob(job);
        });
        assertEquals(submitted, discarded.get(), "every job not completed was handed back");
        assertEquals(0, worker.backlog());
        pair.bob.engine.setHandshakeJobs(null);
    }
}
