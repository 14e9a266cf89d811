package io.wgate.tun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The channel's read, write and close behaviour on an epoll loop, without privileges: a SOCK_SEQPACKET socket pair
 * stands in for the TUN fd (one read = one packet, EAGAIN when full, EOF when the peer closes). TunChannelIT covers
 * the real device.
 */
class TunChannelTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    @RegisterExtension
    static final TunChannelLoop LOOP = new TunChannelLoop();

    private SeqPacketPair pair;
    private TunChannel channel;
    private final PacketRecorder recorder = new PacketRecorder();

    @BeforeEach
    void openChannel() {
        pair = new SeqPacketPair("sp0");
        channel = new TunChannel(pair.queue());
        channel.pipeline().addLast(recorder);
    }

    @AfterEach
    void closeChannel() throws IOException {
        TunChannelLoop.close(channel);
        pair.close();
    }

    private void register() throws InterruptedException {
        LOOP.register(channel);
    }

    private static byte[] packet(int length, int seed) {
        byte[] p = new byte[length];
        for (int i = 0; i < length; i++) {
            p[i] = (byte) (seed + i);
        }
        return p;
    }

    @Test
    void firesEachPacketOnTheLoopAtHeadroomWithTailroomWritable() throws Exception {
        channel.config().setHeadroom(24).setTailroom(40);
        register();
        byte[] sent = packet(100, 7);
        pair.send(sent);

        PacketRecorder.Packet got = recorder.await(p -> true, TIMEOUT, "packet");
        assertArrayEquals(sent, got.bytes());
        assertEquals(24, got.readerIndex());
        assertTrue(got.writableBytes() >= 40, "writable " + got.writableBytes());
        assertTrue(got.direct());
        assertTrue(channel.eventLoop().inEventLoop(got.thread()), "read on " + got.thread());
        assertEquals(1, channel.counters().packetsRead());
        assertEquals(100, channel.counters().bytesRead());
    }

    @Test
    void readsAtMostMaxPacketsPerReadAndCompletesEachBatchOnce() throws Exception {
        channel.config().setMaxPacketsPerRead(4);
        for (int i = 0; i < 10; i++) {
            pair.send(packet(60, i));
        }
        register();
        for (int i = 0; i < 10; i++) {
            assertArrayEquals(packet(60, i), recorder.await(p -> true, TIMEOUT, "packet " + i).bytes());
        }
        long deadlineNanos = System.nanoTime() + TIMEOUT.toNanos();
        while (recorder.batches.size() < 3 && System.nanoTime() < deadlineNanos) {
            Thread.sleep(1);
        }
        assertEquals(List.of(4, 4, 2), recorder.batches);
    }

    @Test
    void writesNothingUntilFlushed() throws Exception {
        register();
        byte[] sent = packet(80, 3);
        ByteBuf buf = Unpooled.directBuffer(80).writeBytes(sent);
        ChannelFuture write = channel.write(buf);
        assertNull(pair.receive(Duration.ofMillis(100)));
        assertEquals(1, buf.refCnt());

        channel.flush();
        assertArrayEquals(sent, pair.receive(TIMEOUT));
        assertTrue(write.await(TIMEOUT.toMillis()) && write.isSuccess());
        assertEquals(0, buf.refCnt(), "the channel releases what it wrote");
        assertEquals(1, channel.counters().packetsWritten());
        assertEquals(80, channel.counters().bytesWritten());
    }

    @Test
    void keepsPacketsQueuedWhileTheFdIsFullAndWritesThemAllOnceItDrains() throws Exception {
        register();
        int count = 3000;
        List<ChannelFuture> writes = writeNumberedPackets(count);
        long written = channel.counters().packetsWritten();
        assertTrue(written > 0 && written < count, "written before EAGAIN: " + written);
        assertEquals(0, channel.droppedPackets());
        assertFalse(writes.get(count - 1).isDone());

        for (int i = 0; i < count; i++) {
            byte[] got = pair.receive(TIMEOUT);
            assertNotNull(got, "packet " + i + " never arrived");
            assertEquals(i, ((got[0] & 0xff) << 8) | (got[1] & 0xff), "order");
        }
        for (ChannelFuture write : writes) {
            assertTrue(write.await(TIMEOUT.toMillis()) && write.isSuccess(), "write failed: " + write.cause());
        }
        assertEquals(count, channel.counters().packetsWritten());
        assertEquals(0, channel.droppedPackets());
    }

    @Test
    void countsAndFailsPacketsStillQueuedWhenClosed() throws Exception {
        register();
        int count = 3000;
        List<ChannelFuture> writes = writeNumberedPackets(count);
        long written = channel.counters().packetsWritten();
        assertTrue(written > 0 && written < count, "written before EAGAIN: " + written);

        channel.close().sync();
        long failed = 0;
        for (ChannelFuture write : writes) {
            assertTrue(write.await(TIMEOUT.toMillis()));
            failed += write.isSuccess() ? 0 : 1;
        }
        assertEquals(count - written, failed);
        assertEquals(count - written, channel.counters().dropped(TunDropReason.UNSENT_ON_CLOSE));
        assertTrue(buffers.stream().allMatch(b -> b.refCnt() == 0), "every queued buffer is released");
    }

    private final List<ByteBuf> buffers = new ArrayList<>();

    /**
     * Writes and flushes {@code count} numbered 1000-byte packets in one task on the event loop, so when this
     * returns the flush has run until the socket said EAGAIN and no more can go out until the peer reads.
     */
    private List<ChannelFuture> writeNumberedPackets(int count) throws Exception {
        return channel.eventLoop().submit(() -> {
            List<ChannelFuture> writes = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                ByteBuf buf = channel.alloc().directBuffer(1000).writeShort(i).writeZero(998);
                buffers.add(buf);
                writes.add(channel.write(buf));
            }
            channel.flush();
            return writes;
        }).get();
    }

    @Test
    void closesAndReportsWhenTheFdHangsUp() throws Exception {
        register();
        pair.closePeer();
        assertTrue(channel.closeFuture().await(TIMEOUT.toMillis()), "channel still open");
        Throwable cause = recorder.exceptions.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertInstanceOf(IOException.class, cause);
        assertTrue(cause.getMessage().contains("'sp0'"), cause.getMessage());
    }

    @Test
    void dropsAndCountsPacketsLongerThanTheReadBuffer() throws Exception {
        register(); // MTU 1420 -> packets up to the 1500-byte minimum fit
        pair.send(packet(1501, 1));
        pair.send(packet(1500, 2));
        assertArrayEquals(packet(1500, 2), recorder.await(p -> true, TIMEOUT, "1500-byte packet").bytes());
        assertEquals(1, channel.counters().dropped(TunDropReason.OVERSIZED_READ));
        assertEquals(1, channel.counters().packetsRead());
        assertTrue(recorder.packets.isEmpty());
    }

    @Test
    void readsOnePacketPerReadCallWithAutoReadOff() throws Exception {
        channel.config().setAutoRead(false);
        register();
        pair.send(packet(40, 1));
        pair.send(packet(40, 2));
        assertNull(recorder.packets.poll(100, TimeUnit.MILLISECONDS));

        channel.read();
        assertArrayEquals(packet(40, 1), recorder.await(p -> true, TIMEOUT, "first packet").bytes());
        assertNull(recorder.packets.poll(100, TimeUnit.MILLISECONDS));
        channel.read();
        assertArrayEquals(packet(40, 2), recorder.await(p -> true, TIMEOUT, "second packet").bytes());
    }

    @Test
    void copiesHeapBuffersToDirectMemoryBeforeWriting() throws Exception {
        register();
        byte[] sent = packet(64, 9);
        channel.writeAndFlush(Unpooled.wrappedBuffer(sent)).sync();
        assertArrayEquals(sent, pair.receive(TIMEOUT));
    }

    @Test
    void failsWritesOfAnythingButByteBufs() throws Exception {
        register();
        ChannelFuture write = channel.writeAndFlush("not a packet").await();
        assertInstanceOf(UnsupportedOperationException.class, write.cause());
        assertTrue(channel.isActive());
    }

    @Test
    void refusesEventLoopsThatAreNotEpoll() {
        MultiThreadIoEventLoopGroup nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            ChannelFuture registration = nio.register(channel).awaitUninterruptibly();
            assertFalse(registration.isSuccess());
            assertTrue(registration.cause().getMessage().contains("incompatible event loop"),
                    registration.cause().getMessage());
        } finally {
            nio.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void ownsItsQueueExclusively() {
        var e = assertThrows(IllegalArgumentException.class, () -> new TunChannel(pair.queue()));
        assertTrue(e.getMessage().contains("already owned"), e.getMessage());
        assertTrue(pair.queue().isClaimed());
    }

    @Test
    void namesItsInterfaceAndHasNoRemote() throws Exception {
        register();
        assertEquals(new TunAddress("sp0"), channel.localAddress());
        assertNull(channel.remoteAddress());
        assertTrue(channel.isActive());
        assertEquals(Boolean.TRUE, channel.config().getOption(ChannelOption.AUTO_READ));
        assertTrue(channel.toString().contains("L:tun:sp0"), channel.toString());
    }
}
