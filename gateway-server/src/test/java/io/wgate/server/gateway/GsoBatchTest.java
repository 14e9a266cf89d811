package io.wgate.server.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.SegmentedDatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Datagrams laid out back to back in one buffer, as the engine leaves the segments of a TUN super-packet, leave as
 * one segmented send (without the buffer, copied into one); anything that does not continue the batch ends it, and
 * nothing is reordered or leaked.
 */
class GsoBatchTest {
    private static final InetSocketAddress PEER = new InetSocketAddress("198.51.100.2", 51820);
    private static final InetSocketAddress OTHER = new InetSocketAddress("203.0.113.9", 51820);

    private final EmbeddedChannel udp = new EmbeddedChannel();
    private final GsoBatch batch = new GsoBatch();
    private ByteBuf source;

    @BeforeEach
    void fillSource() {
        source = PooledByteBufAllocator.DEFAULT.directBuffer(64 * 1452);
        for (int i = 0; i < source.capacity(); i++) {
            source.writeByte(i * 31);
        }
    }

    @AfterEach
    void releaseEverything() {
        batch.discard();
        source.release();
        for (Object msg; (msg = udp.readOutbound()) != null; ) {
            ((io.netty.util.ReferenceCounted) msg).release();
        }
        udp.finishAndReleaseAll();
    }

    /** Datagram {@code i} of {@code length} bytes at {@code offset} of the source, as its own retained slice. */
    private ByteBuf slice(int offset, int length) {
        return source.retainedSlice(offset, length);
    }

    /** Offers datagrams to the batch as the outbox does: write it out when one does not continue it. */
    private void offer(ByteBuf datagram, InetSocketAddress to) {
        if (!batch.tryAppend(datagram, to)) {
            if (!batch.isEmpty()) {
                batch.writeTo(udp);
            }
            batch.start(datagram, to, source);
        }
    }

    private List<Object> written() {
        if (!batch.isEmpty()) {
            batch.writeTo(udp);
        }
        udp.flush(); // the batch writes without flushing, as the outbox flushes once per read batch
        List<Object> out = new ArrayList<>();
        for (Object msg; (msg = udp.readOutbound()) != null; ) {
            out.add(msg);
        }
        return out;
    }

    @Test
    void adjacentDatagramsToOneEndpointLeaveAsOneSegmentedSendOfTheSameBytes() {
        for (int i = 0; i < 44; i++) {
            offer(slice(i * 1452, 1452), PEER);
        }
        offer(slice(44 * 1452, 300), PEER); // a shorter last one joins
        List<Object> out = written();
        assertEquals(1, out.size());
        SegmentedDatagramPacket send = assertInstanceOf(SegmentedDatagramPacket.class, out.getFirst());
        try {
            assertEquals(1452, send.segmentSize());
            assertEquals(PEER, send.recipient());
            assertEquals(44 * 1452 + 300, send.content().readableBytes());
            assertTrue(ByteBufUtil.equals(source, 0, send.content(), send.content().readerIndex(), 44 * 1452 + 300));
        } finally {
            send.release();
        }
        assertEquals(1, source.refCnt(), "the datagrams' own slices were released");
    }

    @Test
    void aShorterDatagramEndsTheBatchAndTheNextStartsAnother() {
        offer(slice(0, 1000), PEER);
        offer(slice(1000, 600), PEER);
        offer(slice(1600, 600), PEER); // adjacent and as long as the last, but the batch ended with the short one
        List<Object> out = written();
        assertEquals(2, out.size());
        assertEquals(1600, ((SegmentedDatagramPacket) out.get(0)).content().readableBytes());
        assertInstanceOf(DatagramPacket.class, out.get(1));
        assertFalse(out.get(1) instanceof SegmentedDatagramPacket);
        out.forEach(m -> ((DatagramPacket) m).release());
    }

    @Test
    void anotherEndpointAGapALongerDatagramOrAnotherBufferEachEndTheBatch() {
        offer(slice(0, 500), PEER);
        offer(slice(500, 500), OTHER); // another endpoint
        offer(slice(1000, 500), OTHER);
        offer(slice(1600, 500), OTHER); // a gap of 100 bytes
        offer(slice(2100, 600), OTHER); // longer than the segment size
        ByteBuf elsewhere = PooledByteBufAllocator.DEFAULT.directBuffer(600).writeZero(600);
        offer(elsewhere, OTHER); // not in the source at all
        List<Object> out = written();
        List<Integer> sizes = out.stream().map(m -> ((DatagramPacket) m).content().readableBytes()).toList();
        assertEquals(List.of(500, 1000, 500, 600, 600), sizes);
        assertEquals(List.of(PEER, OTHER, OTHER, OTHER, OTHER),
                out.stream().map(m -> ((DatagramPacket) m).recipient()).toList());
        out.forEach(m -> ((DatagramPacket) m).release());
    }

    @Test
    void memoryRightAfterTheSourceBelongsToAnotherBufferAndEndsTheBatch() {
        ByteBuf first = source.slice(0, 2000); // a source whose neighbour in memory is another buffer's
        batch.start(slice(0, 1000), PEER, first);
        assertTrue(batch.tryAppend(slice(1000, 1000), PEER));
        ByteBuf neighbour = slice(2000, 1000);
        assertFalse(batch.tryAppend(neighbour, PEER), "adjacent in memory, but not in the source");
        neighbour.release();
        List<Object> out = written();
        assertEquals(1, out.size());
        SegmentedDatagramPacket send = (SegmentedDatagramPacket) out.getFirst();
        assertEquals(2000, send.content().readableBytes());
        assertEquals(source.memoryAddress(), send.content().memoryAddress() + send.content().readerIndex(),
                "a slice of the source, not a copy");
        send.release();
    }

    @Test
    void liesInTellsWhetherADatagramsBytesAreInsideTheSource() {
        ByteBuf inside = slice(1000, 452);
        ByteBuf heap = Unpooled.wrappedBuffer(new byte[10]);
        try {
            assertTrue(GsoBatch.liesIn(inside, source));
            assertTrue(GsoBatch.liesIn(inside, source.slice(1000, 452)), "exactly the source");
            assertFalse(GsoBatch.liesIn(inside, source.slice(1001, 452)), "starts before it");
            assertFalse(GsoBatch.liesIn(inside, source.slice(1000, 451)), "ends after it");
            assertFalse(GsoBatch.liesIn(inside, source.slice(0, 1000)), "just before it");
            assertFalse(GsoBatch.liesIn(heap, source), "no native address");
            assertFalse(GsoBatch.liesIn(inside, heap), "a source with no native address");
        } finally {
            inside.release();
        }
    }

    @Test
    void aBatchHoldsAtMostSixtyFourDatagramsAndTheLargestUdpPayload() {
        for (int i = 0; i < 64; i++) {
            offer(slice(i * 1000, 1000), PEER);
        }
        assertEquals(64, batch.size());
        ByteBuf extra = slice(64 * 1000, 1000);
        assertFalse(batch.tryAppend(extra, PEER), "a 65th datagram");
        extra.release();
        List<Object> out = written();
        assertEquals(64_000, ((DatagramPacket) out.getFirst()).content().readableBytes());
        out.forEach(m -> ((DatagramPacket) m).release());

        for (int i = 0; i < 47; i++) {
            offer(slice(i * 1400, 1400), PEER); // 46 fit in 65 507 bytes, the 47th starts a new batch
        }
        out = written();
        assertEquals(List.of(46 * 1400, 1400), out.stream()
                .map(m -> ((DatagramPacket) m).content().readableBytes()).toList());
        out.forEach(m -> ((DatagramPacket) m).release());
    }

    @Test
    void withoutASourceDatagramsOfOneSizeToOneEndpointAreCopiedIntoOneSend() {
        // Datagrams of no known TUN read (keepalives, packets that waited for a handshake): the batch has no source.
        ByteBuf first = slice(0, 100);
        batch.start(first, PEER, null);
        assertTrue(batch.tryAppend(slice(300, 100), PEER), "not adjacent, but copied");
        assertTrue(batch.tryAppend(slice(500, 60), PEER), "a shorter last one");
        ByteBuf after = slice(600, 100);
        assertFalse(batch.tryAppend(after, PEER), "nothing after a shorter one");
        after.release();
        List<Object> out = written();
        assertEquals(1, out.size());
        SegmentedDatagramPacket send = (SegmentedDatagramPacket) out.getFirst();
        assertEquals(100, send.segmentSize());
        byte[] expected = new byte[260];
        source.getBytes(0, expected, 0, 100);
        source.getBytes(300, expected, 100, 100);
        source.getBytes(500, expected, 200, 60);
        byte[] actual = new byte[260];
        send.content().getBytes(send.content().readerIndex(), actual);
        assertArrayEquals(expected, actual, "the three datagrams' bytes, back to back");
        send.release();

        batch.start(slice(0, 100), PEER, null);
        ByteBuf elsewhere = slice(100, 100);
        assertFalse(batch.tryAppend(elsewhere, OTHER), "another endpoint");
        elsewhere.release();
        out = written();
        assertEquals(1, out.size());
        assertNull(((DatagramPacket) out.getFirst()).sender());
        out.forEach(m -> ((DatagramPacket) m).release());
    }
}
