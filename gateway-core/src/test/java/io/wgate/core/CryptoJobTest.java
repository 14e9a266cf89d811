package io.wgate.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledUnsafeDirectByteBuf;
import io.wgate.core.session.Keypair;
import io.wgate.core.testkit.EnginePair;
import io.wgate.core.testkit.Packets;
import io.wgate.core.testkit.RecordingOutbox;
import io.wgate.core.wire.MessageType;
import io.wgate.crypto.AeadImplementation;
import io.wgate.crypto.ChaCha20Poly1305;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A crypto job as a worker runs it: through the content's native address when the buffer has one, without calling
 * the buffer object at all (a worker reading fields the owner writes for every packet would take a cache miss per
 * packet), else through the buffer; either way the peer's engine authenticates the message and gets the plaintext
 * back byte for byte (byte equality with the inline engine: CryptoWorkersDifferentialTest).
 */
class CryptoJobTest {

    private EnginePair pair;

    /** Holds the one job the engine submitted until the test runs and completes it. */
    private static final class OneJob implements CryptoQueue {
        final CryptoJob job = new CryptoJob();
        boolean held;

        @Override
        public CryptoJob claim() {
            return held ? null : job;
        }

        @Override
        public void submit(CryptoJob submitted) {
            held = true;
        }

        @Override
        public void retire(Keypair keypair) {
            keypair.destroy(); // only when nothing is held in these tests
        }

        CryptoJob take() {
            assertTrue(held, "the engine submitted no job");
            held = false;
            return job;
        }
    }

    /** A direct buffer with a native address whose methods an AEAD could use fail the test while it is guarded. */
    private static final class GuardedBuffer extends UnpooledUnsafeDirectByteBuf {
        boolean guarded;

        GuardedBuffer(byte[] content, int headroom, int tailroom) {
            super(UnpooledByteBufAllocator.DEFAULT, headroom + content.length + tailroom,
                    headroom + content.length + tailroom);
            setIndex(headroom, headroom).writeBytes(content);
        }

        private void check() {
            if (guarded) {
                throw new AssertionError("the worker called the buffer object");
            }
        }

        @Override
        public int refCnt() {
            check();
            return super.refCnt();
        }

        @Override
        public int capacity() {
            check();
            return super.capacity();
        }

        @Override
        public boolean hasMemoryAddress() {
            check();
            return super.hasMemoryAddress();
        }

        @Override
        public long memoryAddress() {
            check();
            return super.memoryAddress();
        }

        @Override
        public boolean isReadOnly() {
            check();
            return super.isReadOnly();
        }

        @Override
        public boolean hasArray() {
            check();
            return super.hasArray();
        }

        @Override
        public int nioBufferCount() {
            check();
            return super.nioBufferCount();
        }

        @Override
        public ByteBuffer nioBuffer(int index, int length) {
            check();
            return super.nioBuffer(index, length);
        }

        @Override
        public ByteBuf getBytes(int index, byte[] destination, int destinationIndex, int length) {
            check();
            return super.getBytes(index, destination, destinationIndex, length);
        }

        @Override
        public ByteBuf setBytes(int index, byte[] source, int sourceIndex, int length) {
            check();
            return super.setBytes(index, source, sourceIndex, length);
        }
    }

    @AfterEach
    void close() {
        pair.close();
    }

    private static byte[] packet(int seed) {
        ByteBuf packet = Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(1000, seed));
        try {
            return Packets.bytes(packet);
        } finally {
            packet.release();
        }
    }

    /** A session, then a queue on both engines. */
    private OneJob[] establish(AeadImplementation implementation) {
        pair = new EnginePair(5, implementation);
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(100, 0))); // inline
        pair.bob.takeTunnel().forEach(ByteBuf::release);
        OneJob[] queues = {new OneJob(), new OneJob()};
        pair.alice.engine.setCryptoQueue(queues[0]);
        pair.bob.engine.setCryptoQueue(queues[1]);
        return queues;
    }

    /** Runs the job as a worker does, with the buffer guarded when it is a {@link GuardedBuffer}. */
    private static void runAsWorker(CryptoJob job, ByteBuf expectedBuffer, ChaCha20Poly1305 aead) {
        assertSame(expectedBuffer, job.buffer(), "the job works on another buffer");
        GuardedBuffer guarded = job.buffer() instanceof GuardedBuffer g ? g : null;
        if (guarded != null) {
            guarded.guarded = true;
        }
        boolean result;
        try {
            result = job.run(aead);
        } finally {
            if (guarded != null) {
                guarded.guarded = false;
            }
        }
        assertTrue(result, "the job failed");
        assertFalse(job.succeeded(), "the worker wrote its result into the job");
        job.finish(result);
        assertTrue(job.succeeded());
    }

    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void aDirectBufferIsSealedAndOpenedThroughItsAddressWithoutCallingTheBuffer(AeadImplementation implementation) {
        sealsAndOpens(implementation, true);
    }

    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void aHeapBufferIsSealedAndOpenedThroughTheBuffer(AeadImplementation implementation) {
        sealsAndOpens(implementation, false);
    }

    private void sealsAndOpens(AeadImplementation implementation, boolean direct) {
        OneJob[] queues = establish(implementation);
        byte[] plaintext = packet(7);
        ByteBuf outbound = direct ? new GuardedBuffer(plaintext, Packets.HEADROOM, Packets.TAILROOM)
                : Unpooled.buffer(Packets.HEADROOM + plaintext.length + Packets.TAILROOM)
                        .setIndex(Packets.HEADROOM, Packets.HEADROOM).writeBytes(plaintext);
        long now = pair.now();
        pair.alice.engine.onTunnelPacket(now, outbound, pair.alice.outbox);
        CryptoJob seal = queues[0].take();
        assertEquals(CryptoJob.SEAL, seal.kind());
        try (ChaCha20Poly1305 aead = implementation.newInstance()) {
            runAsWorker(seal, outbound, aead);
            pair.alice.engine.onCryptoDone(now, seal, pair.alice.outbox);
            List<RecordingOutbox.Datagram> sent = pair.alice.outbox.takeDatagrams();
            assertEquals(1, sent.size());
            byte[] datagram = Packets.bytes(sent.getFirst().content());
            sent.getFirst().content().release();
            assertEquals(MessageType.TRANSPORT, datagram[0]);

            ByteBuf inbound = direct ? new GuardedBuffer(datagram, 0, 0) : Unpooled.wrappedBuffer(datagram.clone());
            assertNull(pair.bob.engine.onTransportData(now, inbound, EnginePair.ALICE_ADDRESS, pair.bob.outbox));
            CryptoJob open = queues[1].take();
            assertEquals(CryptoJob.OPEN, open.kind());
            runAsWorker(open, inbound, aead);
            ByteBuf received = pair.bob.engine.onCryptoDone(now, open, pair.bob.outbox);
            assertNotNull(received, "the opened packet was not passed to the tunnel");
            try {
                assertArrayEquals(plaintext, Packets.bytes(received.retain()));
            } finally {
                received.release();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void aForgedMessageFailsThroughTheAddressToo(AeadImplementation implementation) {
        OneJob[] queues = establish(implementation);
        pair.alice.engine.setCryptoQueue(null); // a message sealed and opened inline, to forge
        pair.bob.engine.setCryptoQueue(null);
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(1000, 9)));
        pair.bob.takeTunnel().forEach(ByteBuf::release);
        pair.bob.engine.setCryptoQueue(queues[1]);
        List<EnginePair.Sent> sent = pair.sent(pair.alice, MessageType.TRANSPORT);
        byte[] datagram = sent.get(sent.size() - 1).bytes();
        datagram[datagram.length - 1] ^= 1;
        long now = pair.now();
        GuardedBuffer forged = new GuardedBuffer(datagram, 0, 0);
        pair.bob.engine.onTransportData(now, forged, EnginePair.ALICE_ADDRESS, pair.bob.outbox);
        CryptoJob open = queues[1].take();
        assertSame(forged, open.buffer());
        try (ChaCha20Poly1305 aead = implementation.newInstance()) {
            forged.guarded = true;
            assertFalse(open.run(aead));
            forged.guarded = false;
        }
        open.finish(false);
        assertFalse(open.succeeded());
        assertNull(pair.bob.engine.onCryptoDone(now, open, pair.bob.outbox));
        assertEquals(1, pair.bob.engine.drops().get(DropReason.DECRYPTION_FAILED));
    }

    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void aRegionOutsideItsBufferIsRefusedWhenTheJobIsFilled(AeadImplementation implementation) {
        OneJob[] queues = establish(implementation);
        pair.alice.engine.onTunnelPacket(pair.now(), Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(1000, 3)),
                pair.alice.outbox);
        CryptoJob seal = queues[0].take();
        Keypair keypair = seal.keypair();
        ByteBuf small = Unpooled.directBuffer(64, 64);
        try {
            CryptoJob job = new CryptoJob();
            IndexOutOfBoundsException sealTooLong = assertThrows(IndexOutOfBoundsException.class,
                    () -> job.prepareSeal(keypair, small, 16, 33, 1, EnginePair.BOB_ADDRESS)); // 16 + 33 + tag > 64
            assertTrue(sealTooLong.getMessage().contains("64"), sealTooLong.getMessage());
            assertThrows(IndexOutOfBoundsException.class,
                    () -> job.prepareOpen(keypair, small, 16, 49, 1, EnginePair.ALICE_ADDRESS));
            job.prepareSeal(keypair, small, 16, 32, 1, EnginePair.BOB_ADDRESS); // exactly fits
            assertEquals(CryptoJob.SEAL, job.kind());
            job.clear();
        } finally {
            small.release();
        }
        try (ChaCha20Poly1305 aead = implementation.newInstance()) {
            seal.finish(seal.run(aead));
        }
        pair.alice.engine.onCryptoDone(pair.now(), seal, pair.alice.outbox);
    }
}
