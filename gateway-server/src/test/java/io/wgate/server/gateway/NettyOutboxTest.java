package io.wgate.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.SegmentedDatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The outbox's backpressure rules on an {@link EmbeddedChannel} whose writes are queued and not flushed. */
class NettyOutboxTest {

    private static final InetSocketAddress PEER = new InetSocketAddress("198.51.100.9", 51820);

    private final EmbeddedChannel udp = new EmbeddedChannel();
    private final EmbeddedChannel tun = new EmbeddedChannel();

    @AfterEach
    void close() {
        udp.finishAndReleaseAll();
        tun.finishAndReleaseAll();
    }

    private static ByteBuf datagram(int bytes) {
        return Unpooled.directBuffer(bytes).writeZero(bytes);
    }

    /** Queues {@code bytes} on the UDP channel without flushing, as a socket that cannot send does. */
    private void backlog(int bytes) {
        udp.write(new DatagramPacket(datagram(bytes), PEER));
    }

    @Test
    void cookieRepliesGiveUpFirstWhileDataStillHasRoom() {
        udp.config().setWriteBufferWaterMark(new WriteBufferWaterMark(4 << 20, 8 << 20));
        NettyOutbox outbox = new NettyOutbox(udp, tun, false);

        assertTrue(outbox.sendCookieReply(datagram(64), PEER), "an empty queue takes a cookie reply");
        backlog(3 << 20); // 8 MiB - 3 MiB = 5 MiB left: less than the 6 MiB reserved for everything else
        ByteBuf declined = datagram(64);
        assertFalse(outbox.sendCookieReply(declined, PEER));
        assertEquals(0, declined.refCnt(), "a declined reply is released");
        assertTrue(outbox.sendDatagram(datagram(1500), PEER), "tunnel data still goes out");
        assertEquals(0, outbox.udpBackpressureDrops());

        backlog(5 << 20); // past the high mark: now data is dropped too
        assertFalse(outbox.sendDatagram(datagram(1500), PEER));
        assertEquals(1, outbox.udpBackpressureDrops());
        drain(udp);
    }

    @Test
    void aWorkersDatagramsLeaveAsASliceOfTheReadTheDriverNames() {
        NettyOutbox outbox = new NettyOutbox(udp, tun, true);
        ByteBuf read = PooledByteBufAllocator.DEFAULT.directBuffer(3 * 1000);
        for (int i = 0; i < 3 * 1000; i++) {
            read.writeByte(i / 1000);
        }
        outbox.completing(read); // as the driver does for each job that kept the read it was cut from
        for (int i = 0; i < 3; i++) {
            assertTrue(outbox.sendDatagram(read.retainedSlice(i * 1000, 1000), PEER));
        }
        outbox.completing(null);
        assertTrue(outbox.sendDatagram(datagram(1000), PEER), "a datagram of no read: not in the slice");
        outbox.flush();
        SegmentedDatagramPacket send = assertInstanceOf(SegmentedDatagramPacket.class, udp.readOutbound());
        try {
            assertEquals(3000, send.content().readableBytes());
            assertEquals(read.memoryAddress(), send.content().memoryAddress() + send.content().readerIndex(),
                    "the read's own memory, not a copy");
            assertEquals(2, read.refCnt(), "the read and the send hold it, the datagrams were released");
        } finally {
            send.release();
        }
        DatagramPacket other = udp.readOutbound();
        assertFalse(other instanceof SegmentedDatagramPacket);
        other.release();
        assertEquals(1, read.refCnt());
        read.release();
    }

    @Test
    void theNamedReadHoldsForTheNextDatagramOnly() {
        // What else goes out while a job completes (a rekey's initiation) is not its message: its read may be gone.
        NettyOutbox outbox = new NettyOutbox(udp, tun, true);
        ByteBuf read = PooledByteBufAllocator.DEFAULT.directBuffer(3 * 1000).writeZero(3 * 1000);
        InetSocketAddress other = new InetSocketAddress("203.0.113.4", 51820);
        outbox.completing(read);
        assertTrue(outbox.sendDatagram(read.retainedSlice(0, 1000), PEER));
        assertTrue(outbox.sendDatagram(read.retainedSlice(1000, 1000), other)); // another endpoint: a new batch
        assertTrue(outbox.sendDatagram(read.retainedSlice(2000, 1000), other));
        outbox.flush();
        assertEquals(List.of(1L, 2L, 1L), List.of(outbox.gsoSends(), outbox.gsoDatagrams(), outbox.gsoCopies()),
                "the second batch had no read named: copied");
        drain(udp);
        assertEquals(1, read.refCnt());
        read.release();
    }

    @Test
    void datagramsOfNoKnownReadLeaveAsOneGsoSendByCopy() {
        // Slices of a TUN read sent when no read is being fired and the driver named none (as before the crypto
        // workers kept their read): the datagrams are copied into one send.
        NettyOutbox outbox = new NettyOutbox(udp, tun, true);
        ByteBuf read = PooledByteBufAllocator.DEFAULT.directBuffer(3 * 1000);
        for (int i = 0; i < 3 * 1000; i++) {
            read.writeByte(i / 1000);
        }
        for (int i = 0; i < 3; i++) {
            assertTrue(outbox.sendDatagram(read.retainedSlice(i * 1000, 1000), PEER));
        }
        read.release(); // the slices keep it
        ByteBuf last = Unpooled.directBuffer(1000).writeZero(1000);
        last.setByte(999, 3);
        assertTrue(outbox.sendDatagram(last, PEER));
        assertTrue(outbox.sendDatagram(datagram(1000), new InetSocketAddress("203.0.113.4", 51820)));
        outbox.flush();
        Object first = udp.readOutbound();
        try {
            SegmentedDatagramPacket send = assertInstanceOf(SegmentedDatagramPacket.class, first, "one GSO send");
            assertEquals(1000, send.segmentSize());
            assertEquals(4000, send.content().readableBytes());
            ByteBuf bytes = send.content();
            assertEquals(List.of(0, 1, 2, 3), List.of((int) bytes.getByte(bytes.readerIndex() + 999),
                    (int) bytes.getByte(bytes.readerIndex() + 1999), (int) bytes.getByte(bytes.readerIndex() + 2999),
                    (int) bytes.getByte(bytes.readerIndex() + 3999)), "the four datagrams, in order");
        } finally {
            ReferenceCountUtil.release(first);
        }
        DatagramPacket other = udp.readOutbound();
        assertEquals(new InetSocketAddress("203.0.113.4", 51820), other.recipient(), "another endpoint: its own send");
        other.release();
        assertNull(udp.readOutbound());
    }

    /** Flushes what a test left queued and releases it (a channel closed with unflushed writes fails them). */
    private static void drain(EmbeddedChannel channel) {
        channel.flushOutbound();
        Object message;
        while ((message = channel.readOutbound()) != null) {
            ReferenceCountUtil.release(message);
        }
    }

    @Test
    void withAHandshakeSocketCookieRepliesLeaveThereAndOnlyItsBacklogDeclinesThem() {
        EmbeddedChannel handshakeUdp = new EmbeddedChannel();
        handshakeUdp.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1 << 10, 2 << 10));
        udp.config().setWriteBufferWaterMark(new WriteBufferWaterMark(4 << 20, 8 << 20));
        try {
            NettyOutbox outbox = new NettyOutbox(udp, handshakeUdp, tun, false);
            backlog(3 << 20); // would leave a shared socket too little room for a reply; this one has its own
            assertTrue(outbox.sendCookieReply(datagram(64), PEER));
            assertTrue(outbox.sendDatagram(datagram(1500), PEER));
            outbox.flush();
            DatagramPacket reply = handshakeUdp.readOutbound();
            assertEquals(64, reply.content().readableBytes(), "the reply left through the handshake socket");
            assertEquals(PEER, reply.recipient());
            reply.release();
            assertEquals(null, (Object) handshakeUdp.readOutbound());

            handshakeUdp.write(new DatagramPacket(datagram(3 << 10), PEER)); // past its high mark, not flushed
            ByteBuf declined = datagram(64);
            assertFalse(outbox.sendCookieReply(declined, PEER), "a backed-up handshake socket declines replies");
            assertEquals(0, declined.refCnt());
            assertTrue(outbox.sendDatagram(datagram(1500), PEER), "and tunnel data does not notice");
            assertEquals(0, outbox.udpBackpressureDrops());
        } finally {
            drain(handshakeUdp);
            drain(udp);
            handshakeUdp.finishAndReleaseAll();
        }
    }
}
