package io.wgate.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.SegmentedDatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The outbox's UDP GSO gathering against its naive twin, the outbox without GSO (one send per datagram): a seeded
 * random stream of datagrams goes into both. Most are runs of adjacent slices of a few TUN-read-like buffers (one
 * segment size, sometimes a shorter last one, sometimes a gap), named as their source by the driver or not (or a
 * wrong buffer named); the rest are lone buffers (keepalives). Two endpoints, flushes at random points. Cut into
 * datagrams of their segment size, the GSO outbox's sends must carry exactly the twin's datagrams, byte for byte, to
 * the same endpoints in the same order, within the kernel's limits; a send whose bytes lie in a named source must be a
 * slice of it (no copy); nothing leaks.
 */
class GsoBatchDifferentialTest {

    private static final InetSocketAddress PEER = new InetSocketAddress("198.51.100.2", 51820);
    private static final InetSocketAddress OTHER = new InetSocketAddress("203.0.113.7", 51820);
    private static final int READ_BYTES = 64 << 10;

    /** A datagram the stream offers: its bytes in a read (or a lone buffer), the source named, the recipient. */
    private record Offer(ByteBuf bytes, ByteBuf named, InetSocketAddress to) {
        /** Whether the driver named the read the datagram lies in: a send it starts is a slice of that read. */
        boolean inNamed() {
            return named != null && GsoBatch.liesIn(bytes, named);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void segmentedSendsCarryTheSameDatagramsInTheSameOrderAsOneSendEach(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        EmbeddedChannel gsoUdp = new EmbeddedChannel();
        EmbeddedChannel plainUdp = new EmbeddedChannel();
        EmbeddedChannel tun = new EmbeddedChannel();
        for (EmbeddedChannel udp : List.of(gsoUdp, plainUdp)) { // all of a run may wait for a flush: no backpressure
            udp.config().setWriteBufferWaterMark(new WriteBufferWaterMark(32 << 20, 64 << 20));
        }
        NettyOutbox gso = new NettyOutbox(gsoUdp, tun, true);
        NettyOutbox plain = new NettyOutbox(plainUdp, tun, false);
        List<ByteBuf> reads = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                ByteBuf read = PooledByteBufAllocator.DEFAULT.directBuffer(READ_BYTES);
                byte[] fill = new byte[READ_BYTES];
                random.nextBytes(fill);
                reads.add(read.writeBytes(fill));
            }
            List<Object> gsoSends = new ArrayList<>();
            List<Object> plainSends = new ArrayList<>();
            List<Boolean> inNamed = new ArrayList<>();
            for (int run = 0; run < 60; run++) {
                for (Offer offer : nextRun(random, reads)) {
                    inNamed.add(offer.inNamed());
                    gso.completing(offer.named());
                    assertTrue(gso.sendDatagram(offer.bytes().retainedDuplicate(), offer.to()));
                    gso.completing(null);
                    assertTrue(plain.sendDatagram(offer.bytes(), offer.to()));
                    if (random.nextInt(16) == 0) {
                        flush(gso, gsoUdp, gsoSends);
                        flush(plain, plainUdp, plainSends);
                    }
                }
            }
            flush(gso, gsoUdp, gsoSends);
            flush(plain, plainUdp, plainSends);
            try {
                List<String> expected = new ArrayList<>();
                for (Object send : plainSends) {
                    DatagramPacket packet = (DatagramPacket) send;
                    expected.add(describe(packet.recipient(), packet.content(), 0, packet.content().readableBytes()));
                }
                assertEquals(expected, cut(gsoSends, reads, inNamed), "seed " + seed);
                assertTrue(gsoSends.size() < plainSends.size(), "some datagrams were gathered: " + gsoSends.size()
                        + " sends for " + plainSends.size() + " datagrams");
            } finally {
                gsoSends.forEach(send -> ((DatagramPacket) send).release());
                plainSends.forEach(send -> ((DatagramPacket) send).release());
            }
            for (ByteBuf read : reads) {
                assertEquals(1, read.refCnt(), "every slice of a read was released");
            }
        } finally {
            gso.flush(); // what a failed check left gathered (closing a channel fails unflushed writes)
            plain.flush();
            reads.forEach(ByteBuf::release);
            gsoUdp.finishAndReleaseAll();
            plainUdp.finishAndReleaseAll();
            tun.finishAndReleaseAll();
        }
    }

    /**
     * One run of the stream: mostly adjacent slices of one read with one segment size (a shorter last one now and
     * then, a gap now and then), else one lone datagram; the source named right, wrong, or not at all.
     */
    private static List<Offer> nextRun(SplittableRandom random, List<ByteBuf> reads) {
        InetSocketAddress to = random.nextInt(8) == 0 ? OTHER : PEER;
        List<Offer> run = new ArrayList<>();
        if (random.nextInt(5) == 0) {
            int length = 32 + random.nextInt(1400);
            ByteBuf lone = Unpooled.directBuffer(length);
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            lone.writeBytes(bytes);
            run.add(new Offer(lone, random.nextBoolean() ? null : reads.getFirst(), to));
            return run;
        }
        ByteBuf read = reads.get(random.nextInt(reads.size()));
        int segment = 60 + random.nextInt(1400);
        int count = 1 + random.nextInt(50);
        int offset = random.nextInt(200);
        int choice = random.nextInt(4);
        ByteBuf named = choice == 0 ? null : choice == 1 ? reads.get(random.nextInt(reads.size())) : read;
        for (int i = 0; i < count && offset + segment <= READ_BYTES; i++) {
            int length = i == count - 1 && random.nextBoolean() ? 1 + random.nextInt(segment) : segment;
            run.add(new Offer(read.retainedSlice(offset, length), named, to));
            offset += length + (random.nextInt(20) == 0 ? 1 + random.nextInt(64) : 0);
        }
        return run;
    }

    private static void flush(NettyOutbox outbox, EmbeddedChannel udp, List<Object> sends) {
        outbox.flush();
        for (Object send; (send = udp.readOutbound()) != null; ) {
            sends.add(send);
        }
    }

    /**
     * The datagrams the sends put on the wire, as the kernel cuts a segmented send into datagrams of its segment size,
     * after checking each send against the kernel's limits, and that one whose first datagram lies in the read the
     * driver named is a slice of that read, one that does not a copy ({@code inNamed}: that, for each datagram).
     */
    private static List<String> cut(List<Object> sends, List<ByteBuf> reads, List<Boolean> inNamed) {
        List<String> datagrams = new ArrayList<>();
        for (Object send : sends) {
            boolean zeroCopy = inNamed.get(datagrams.size());
            DatagramPacket packet = (DatagramPacket) send;
            ByteBuf content = packet.content();
            int length = content.readableBytes();
            if (!(send instanceof SegmentedDatagramPacket segmented)) {
                datagrams.add(describe(packet.recipient(), content, 0, length));
                continue;
            }
            int size = segmented.segmentSize();
            assertTrue(length > size, "a segmented send holds more than one datagram");
            assertTrue(length <= GsoBatch.MAX_BYTES, "at most the largest UDP payload");
            assertTrue((length + size - 1) / size <= GsoBatch.MAX_SEGMENTS, "at most 64 segments");
            assertEquals(zeroCopy, reads.stream().anyMatch(read -> GsoBatch.liesIn(content, read)),
                    "send " + sends.indexOf(send) + ": a slice of the named read, else a copy");
            for (int at = 0; at < length; at += size) {
                datagrams.add(describe(packet.recipient(), content, at, Math.min(size, length - at)));
            }
        }
        return datagrams;
    }

    private static String describe(InetSocketAddress to, ByteBuf content, int at, int length) {
        byte[] bytes = new byte[length];
        content.getBytes(content.readerIndex() + at, bytes);
        return to + " " + length + " " + HexFormat.of().formatHex(bytes);
    }
}
