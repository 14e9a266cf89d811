package io.wgate.server.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.wgate.core.DropReason;
import io.wgate.core.testkit.EnginePair;
import io.wgate.core.testkit.Packets;
import io.wgate.core.testkit.RecordingOutbox;
import io.wgate.core.wire.MessageType;
import io.wgate.crypto.AeadImplementation;
import io.wgate.crypto.ChaCha20Poly1305;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Netty stages of the data path on {@link EmbeddedChannel}s around a real engine with a live session (Alice of
 * an {@link EnginePair}; Bob seals what she receives and opens what she sends): the UDP pipeline (flush, handshake,
 * decrypt, route) and the TUN pipeline (flush, encrypt), inline and with crypto workers.
 */
class PipelineStagesTest {

    private static final InetSocketAddress LOCAL = new InetSocketAddress(Packets.inet("192.0.2.1"), 51820);

    private EnginePair pair;
    private EmbeddedChannel udp;
    private EmbeddedChannel tun;
    private EngineDriver driver;
    private final List<String> flushes = new ArrayList<>();
    private CryptoWorkers workers;
    /** The loop's own AEAD for the jobs no worker takes. */
    private final ChaCha20Poly1305 loopAead = AeadImplementation.select("auto").newInstance();

    @BeforeEach
    void establishSession() {
        pair = new EnginePair(5);
        pair.sendPacket(pair.alice, Packets.udp4("10.10.10.1", "192.168.1.1", Packets.payload(10, 1)));
        pair.sendPacket(pair.bob, Packets.udp4("192.168.1.1", "10.10.10.1", Packets.payload(10, 2)));
        pair.alice.takeTunnel().forEach(ByteBuf::release);
        pair.bob.takeTunnel().forEach(ByteBuf::release);
        pair.alice.outbox.releaseAll();
        pair.bob.outbox.releaseAll();

        udp = new EmbeddedChannel();
        tun = new EmbeddedChannel();
        udp.pipeline().addFirst(flushCounter("udp"));
        tun.pipeline().addFirst(flushCounter("tun"));
        driver = new EngineDriver(pair.alice.engine, udp.eventLoop(), pair::now);
        driver.attach(new NettyOutbox(udp, tun, false));
        udp.pipeline().addLast(new BatchFlusher(driver), new HandshakeHandler(driver), new DecryptHandler(driver),
                new RouteHandler(driver));
        tun.pipeline().addLast(new BatchFlusher(driver), new EncryptHandler(driver));
    }

    @AfterEach
    void close() {
        driver.stop();
        udp.finishAndReleaseAll();
        tun.finishAndReleaseAll();
        pair.close();
        loopAead.close();
    }

    private ChannelOutboundHandlerAdapter flushCounter(String name) {
        return new ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(ChannelHandlerContext ctx) {
                flushes.add(name);
                ctx.flush();
            }
        };
    }

    private void useWorkers(int count) {
        workers = new CryptoWorkers(count, 256, AeadImplementation.select("auto")::newInstance,
                k -> "stage-test-crypto-" + k, k -> -1, task -> { }, () -> { });
        driver.useWorkers(workers, loopAead);
    }

    /** The bytes of a UDP/IPv4 packet as {@link Packets#udp4} builds it. */
    private static byte[] udp4Bytes(String source, String destination, int payloadLength, int seed) {
        ByteBuf packet = Packets.udp4(source, destination, Packets.payload(payloadLength, seed));
        try {
            return Packets.bytes(packet);
        } finally {
            packet.release();
        }
    }

    /** A datagram Bob sealed from his LAN to Alice's, as the socket hands it to the pipeline. */
    private DatagramPacket fromBob(int payloadSeed) {
        pair.bob.engine.onTunnelPacket(pair.now(),
                Packets.udp4("192.168.1.5", "10.10.10.5", Packets.payload(100, payloadSeed)), pair.bob.outbox);
        RecordingOutbox.Datagram sealed = pair.bob.outbox.takeDatagrams().getFirst();
        return new DatagramPacket(sealed.content(), LOCAL, EnginePair.BOB_ADDRESS);
    }

    /** Runs completions on the test thread until {@code expected} tunnel writes arrived (workers only). */
    private void awaitCompletions(EmbeddedChannel channel, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (channel.outboundMessages().size() < expected && System.nanoTime() < deadline) {
            driver.completeCryptoJobs();
            Thread.sleep(1);
        }
    }

    @ParameterizedTest(name = "{0} workers")
    @ValueSource(ints = {0, 2})
    void transportDataFromTheSocketReachesTheTunnelAsPlaintextInOrderWithOneFlushPerBurst(int workerCount)
            throws InterruptedException {
        if (workerCount > 0) {
            useWorkers(workerCount);
        }
        flushes.clear();
        udp.writeInbound(fromBob(1), fromBob(2), fromBob(3));
        if (workerCount > 0) {
            awaitCompletions(tun, 3);
        }
        for (int seed = 1; seed <= 3; seed++) {
            ByteBuf plaintext = tun.readOutbound();
            try {
                assertArrayEquals(udp4Bytes("192.168.1.5", "10.10.10.5", 100, seed),
                        Packets.bytes(plaintext), "packet " + seed + " in arrival order");
            } finally {
                plaintext.release();
            }
        }
        assertNull(tun.readOutbound());
        if (workerCount == 0) {
            assertEquals(List.of("tun"), flushes, "one TUN flush for the burst, none for the idle UDP side");
        }
    }

    @ParameterizedTest(name = "{0} workers")
    @ValueSource(ints = {0, 3})
    void tunnelPacketsLeaveAsDatagramsBobCanOpenInOrder(int workerCount) throws InterruptedException {
        if (workerCount > 0) {
            useWorkers(workerCount);
        }
        for (int seed = 1; seed <= 20; seed++) {
            tun.writeOneInbound(Packets.udp4("10.10.10.5", "192.168.1.5", Packets.payload(200, seed)));
        }
        tun.flushInbound();
        if (workerCount > 0) {
            awaitCompletions(udp, 20);
        }
        for (int seed = 1; seed <= 20; seed++) {
            DatagramPacket datagram = udp.readOutbound();
            assertEquals(EnginePair.BOB_ADDRESS, datagram.recipient());
            pair.bob.engine.onDatagram(pair.now(), datagram.content(), EnginePair.ALICE_ADDRESS, pair.bob.outbox);
            List<ByteBuf> opened = pair.bob.outbox.takeTunnelPackets();
            assertEquals(1, opened.size(), "datagram " + seed + " opened");
            assertArrayEquals(udp4Bytes("10.10.10.5", "192.168.1.5", 200, seed),
                    Packets.bytes(opened.getFirst()));
            opened.getFirst().release();
        }
        assertNull(udp.readOutbound());
    }

    @Test
    void segmentsOfOneReadThatWorkersSealedLeaveAsOneGsoSendOfTheReadsOwnMemory() throws InterruptedException {
        driver.attach(new NettyOutbox(udp, tun, true));
        useWorkers(2);
        CryptoWorkersTest.awaitAllParked(workers); // the batch is small: the loop runs it itself, all at once
        int length = 224; // a multiple of 16: no padding, so each framed message fills its slot exactly
        int slot = Packets.HEADROOM + length + ChaCha20Poly1305.TAG_LENGTH;
        ByteBuf read = PooledByteBufAllocator.DEFAULT.directBuffer(5 * slot); // laid out as the TUN reader does
        read.writeZero(5 * slot);
        for (int i = 0; i < 5; i++) {
            read.setBytes(i * slot + Packets.HEADROOM, udp4Bytes("10.10.10.5", "192.168.1.5", length - 28, i));
        }
        long readAddress = read.memoryAddress();
        flushes.clear();
        for (int i = 0; i < 5; i++) {
            driver.onTunnelPacket(read.retainedSlice(i * slot, slot).setIndex(Packets.HEADROOM,
                    Packets.HEADROOM + length), read);
        }
        driver.afterBatch(); // the read burst is over: the jobs run and complete after the read was fired
        List<DatagramPacket> sends = new ArrayList<>();
        int sent = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (sent < 5 * slot && System.nanoTime() < deadline) { // a worker woken by chance may take the batch
            driver.completeCryptoJobs();
            for (DatagramPacket send; (send = udp.readOutbound()) != null; sent += send.content().readableBytes()) {
                sends.add(send);
            }
        }
        try {
            assertEquals(5 * slot, sent, "the five datagrams");
            int offset = 0;
            for (DatagramPacket send : sends) { // one send as a rule: the loop ran the small batch itself
                ByteBuf content = send.content();
                assertEquals(readAddress + offset, content.memoryAddress() + content.readerIndex(),
                        "the read's own memory, in order: no copy");
                offset += content.readableBytes();
            }
            for (int i = 0; i < 5; i++) {
                pair.bob.engine.onDatagram(pair.now(), read.retainedSlice(i * slot, slot), EnginePair.ALICE_ADDRESS,
                        pair.bob.outbox);
                List<ByteBuf> opened = pair.bob.outbox.takeTunnelPackets();
                assertEquals(1, opened.size(), "segment " + i + " opened");
                assertArrayEquals(udp4Bytes("10.10.10.5", "192.168.1.5", length - 28, i),
                        Packets.bytes(opened.getFirst()));
                opened.getFirst().release();
            }
        } finally {
            sends.forEach(DatagramPacket::release);
        }
        assertEquals(1, read.refCnt(), "everything but the test's own reference was released");
        read.release();
    }

    @Test
    void theHandshakeStageHandsHandshakesToTheTickCountsMalformedDatagramsAndPassesNothingOn() {
        ByteBuf initiation = PooledByteBufAllocator.DEFAULT.directBuffer(148).writeByte(MessageType.INITIATION)
                .writeZero(147);
        ByteBuf garbage = PooledByteBufAllocator.DEFAULT.directBuffer(3).writeBytes(new byte[] {9, 9, 9});
        udp.writeInbound(new DatagramPacket(initiation, LOCAL, EnginePair.BOB_ADDRESS),
                new DatagramPacket(garbage, LOCAL, EnginePair.BOB_ADDRESS));
        udp.runPendingTasks(); // the tick the batch scheduled
        assertEquals(0, pair.alice.engine.queuedHandshakes());
        assertEquals(1, pair.alice.engine.drops().get(DropReason.INVALID_MAC1), "the tick checked the initiation");
        assertEquals(1, pair.alice.engine.drops().get(DropReason.MALFORMED_HEADER));
        assertNull(tun.readOutbound());
        assertTrue(udp.inboundMessages().isEmpty(), "nothing reaches the end of the pipeline");
    }

    @Test
    void aCoalescedReadOfHandshakeMessagesIsSplitButATrailingRemnantKeepsTheDatagramInvalid() {
        // Three junk initiations back to back, as recvmmsg hands on a GRO-coalesced read; then the same with 10 bytes
        // more, which no coalescing makes: one datagram of a bad length, as before.
        ByteBuf coalesced = PooledByteBufAllocator.DEFAULT.directBuffer(3 * 148);
        ByteBuf withRemnant = PooledByteBufAllocator.DEFAULT.directBuffer(3 * 148 + 10);
        for (int i = 0; i < 3; i++) {
            coalesced.writeByte(MessageType.INITIATION).writeZero(147);
            withRemnant.writeByte(MessageType.INITIATION).writeZero(147);
        }
        withRemnant.writeZero(10);
        ByteBuf twoCookieReplies = PooledByteBufAllocator.DEFAULT.directBuffer(128);
        twoCookieReplies.writeByte(MessageType.COOKIE_REPLY).writeZero(63).writeByte(MessageType.COOKIE_REPLY)
                .writeZero(63);
        udp.writeInbound(new DatagramPacket(coalesced, LOCAL, EnginePair.BOB_ADDRESS),
                new DatagramPacket(withRemnant, LOCAL, EnginePair.BOB_ADDRESS),
                new DatagramPacket(twoCookieReplies, LOCAL, EnginePair.BOB_ADDRESS));
        udp.runPendingTasks();
        assertEquals(0, pair.alice.engine.queuedHandshakes());
        assertEquals(3, pair.alice.engine.drops().get(DropReason.INVALID_MAC1), "each initiation checked alone");
        assertEquals(1, pair.alice.engine.drops().get(DropReason.INVALID_MESSAGE_LENGTH), "the one with a remnant");
        assertEquals(2, pair.alice.engine.drops().get(DropReason.UNKNOWN_RECEIVER_INDEX),
                "both cookie replies reached the engine on their own (receiver index 0 is nobody's)");
        assertTrue(udp.inboundMessages().isEmpty());
    }

    @Test
    void aForgedDatagramIsDroppedAndCountedWithWorkersToo() throws InterruptedException {
        useWorkers(2);
        DatagramPacket forged = fromBob(7);
        forged.content().setByte(forged.content().writerIndex() - 1, forged.content().getByte(
                forged.content().writerIndex() - 1) ^ 1);
        udp.writeInbound(forged, fromBob(8));
        awaitCompletions(tun, 1);
        ByteBuf plaintext = tun.readOutbound();
        assertInstanceOf(ByteBuf.class, plaintext);
        plaintext.release();
        assertEquals(1, pair.alice.engine.drops().get(DropReason.DECRYPTION_FAILED));
    }

    @Test
    void theDriverRefusesCallsFromOffItsLoop() throws Exception {
        DefaultEventLoop other = new DefaultEventLoop();
        try {
            EngineDriver offLoop = new EngineDriver(pair.alice.engine, other, pair::now);
            IllegalStateException e = assertThrows(IllegalStateException.class, offLoop::afterBatch);
            assertTrue(e.getMessage().startsWith("end a batch: must run on the engine's event loop"), e.getMessage());
            assertThrows(IllegalStateException.class, offLoop::completeCryptoJobs);
            assertThrows(IllegalStateException.class, () -> offLoop.attach(null));
        } finally {
            other.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
