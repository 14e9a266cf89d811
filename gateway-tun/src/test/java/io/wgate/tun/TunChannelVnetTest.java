package io.wgate.tun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A channel over a vnet-header queue, without privileges: a SOCK_SEQPACKET pair stands in for a TUN fd opened with
 * IFF_VNET_HDR, so the test plays the kernel (virtio_net_hdr in front of what it sends, expected in front of what
 * it receives). TunOffloadIT covers the real device.
 */
class TunChannelVnetTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    @RegisterExtension
    static final TunChannelLoop LOOP = new TunChannelLoop();

    private SeqPacketPair pair;
    private TunChannel channel;
    private final PacketRecorder recorder = new PacketRecorder();

    @BeforeEach
    void openChannel() {
        pair = new SeqPacketPair("vnet0", true);
        channel = new TunChannel(pair.queue());
        channel.pipeline().addLast(recorder);
    }

    @AfterEach
    void closeChannel() throws IOException {
        TunChannelLoop.close(channel);
        pair.close();
    }

    @Test
    void splitsASuperPacketIntoSegmentsEachInItsOwnBufferAtHeadroom() throws Exception {
        channel.config().setHeadroom(24).setTailroom(40);
        LOOP.register(channel);
        Random random = new Random(11);
        var spec = new SuperPackets.Spec(true, 0, 12, 5000, 1388, 0x18, false, 0);
        byte[] read = SuperPackets.tcpSuperPacket(spec, random);
        pair.send(read);

        List<byte[]> expected = NaiveSegmenter.split(read);
        assertEquals(4, expected.size());
        for (int i = 0; i < expected.size(); i++) {
            PacketRecorder.Packet got = recorder.await(p -> true, TIMEOUT, "segment " + i);
            assertArrayEquals(expected.get(i), got.bytes(), "segment " + i);
            assertEquals(24, got.readerIndex());
            assertTrue(got.writableBytes() >= 40, "writable " + got.writableBytes());
            assertTrue(got.direct());
        }
        assertEquals(4, channel.counters().packetsRead());
        assertEquals(1, channel.counters().gsoTcp4Reads());
        assertEquals(0, channel.counters().gsoTcp6Reads());
    }

    @Test
    void completesThePartialChecksumOfAPlainPacket() throws Exception {
        LOOP.register(channel);
        byte[] read = SuperPackets.partialChecksumPacket(false, true, 300, new Random(5));
        pair.send(read);
        byte[] got = recorder.await(p -> true, TIMEOUT, "packet").bytes();
        assertTrue(SuperPackets.l4ChecksumValid(got));
        assertEquals(read.length - 10, got.length);
        assertEquals(1, channel.counters().checksumsCompleted());
    }

    @Test
    void dropsMalformedReadsWithTheirReasonAndKeepsReading() throws Exception {
        LOOP.register(channel);
        byte[] ufo = SuperPackets.tcpSuperPacket(new SuperPackets.Spec(true, 0, 0, 3000, 1000, 0x10, false, 0),
                new Random(6));
        ufo[1] = 3; // the old UDP fragmentation offload, never offered
        pair.send(new byte[4]);
        pair.send(ufo);
        byte[] good = SuperPackets.partialChecksumPacket(true, false, 10, new Random(7));
        pair.send(good);
        recorder.await(p -> true, TIMEOUT, "the good packet");
        assertEquals(1, channel.counters().dropped(TunDropReason.VNET_HEADER_TRUNCATED));
        assertEquals(1, channel.counters().dropped(TunDropReason.GSO_TYPE_UNSUPPORTED));
        assertEquals(1, channel.counters().packetsRead());
    }

    @Test
    void writesEachPacketBehindAnAllZeroVnetHeader() throws Exception {
        LOOP.register(channel);
        byte[] sent = new byte[120];
        new Random(8).nextBytes(sent);
        ByteBuf buf = Unpooled.directBuffer(200).writerIndex(16).writeBytes(sent).readerIndex(16);
        buf.setBytes(0, new byte[16]);
        buf.setByte(15, 0x5A); // headroom bytes in front of the packet are not what gets written
        ChannelFuture write = channel.writeAndFlush(buf);
        byte[] got = pair.receive(TIMEOUT);
        assertTrue(write.await(TIMEOUT.toMillis()) && write.isSuccess());
        assertArrayEquals(new byte[10], Arrays.copyOf(got, 10), "virtio_net_hdr");
        assertArrayEquals(sent, Arrays.copyOfRange(got, 10, got.length));
        assertEquals(1, channel.counters().packetsWritten());
        assertEquals(120, channel.counters().bytesWritten());
        assertEquals(0, buf.refCnt());
    }

    @Test
    void laysTheSegmentsOfASuperPacketBackToBackWithTheSegmentTailroom() throws Exception {
        // As the gateway does: exactly WireGuard's padding and tag behind each segment
        channel.config().setSegmentTailroom(length -> (16 - length % 16) % 16 + 16);
        LOOP.register(channel);
        var spec = new SuperPackets.Spec(false, 0, 12, 6000, 1000, 0x10, false, 0);
        pair.send(SuperPackets.tcpSuperPacket(spec, new Random(21)));
        List<byte[]> expected = NaiveSegmenter.split(SuperPackets.tcpSuperPacket(spec, new Random(21)));
        PacketRecorder.Packet previous = null;
        for (int i = 0; i < expected.size(); i++) {
            PacketRecorder.Packet got = recorder.await(p -> true, TIMEOUT, "segment " + i);
            assertArrayEquals(expected.get(i), got.bytes(), "segment " + i);
            int length = got.bytes().length;
            assertEquals((16 - length % 16) % 16 + 16, got.writableBytes(), "segment " + i + ": its tailroom exactly");
            assertTrue(got.sliceOf() != null, "the channel names the buffer the segments are cut from");
            if (previous != null) {
                int previousTail = previous.writableBytes();
                assertEquals(previous.address() + previous.bytes().length + previousTail + 16, got.address(),
                        "segment " + i + " starts where the previous slot ends (plus the headroom)");
                assertTrue(got.sliceOf() == previous.sliceOf(), "one buffer for one read");
            }
            previous = got;
        }
        assertNull(channel.firingSegmentsOf(), "nothing is being fired off the event loop");
    }

    private static void assertPackets(List<byte[]> expected, List<byte[]> actual, String what) {
        assertEquals(expected.size(), actual.size(), what);
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), what + ": packet " + i);
        }
    }

    @Test
    void laysThePlainPacketsOfOneReadBurstBackToBackToo() throws Exception {
        channel.config().setSegmentTailroom(length -> (16 - length % 16) % 16 + 16);
        List<byte[]> sent = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] read = SuperPackets.partialChecksumPacket(true, true, 1000, new Random(30 + i));
            pair.send(read); // queued before the channel reads: one burst
            sent.add(read);
        }
        LOOP.register(channel);
        PacketRecorder.Packet previous = null;
        for (int i = 0; i < 3; i++) {
            PacketRecorder.Packet got = recorder.await(p -> true, TIMEOUT, "packet " + i);
            assertEquals(sent.get(i).length - 10, got.bytes().length);
            assertTrue(got.sliceOf() != null, "packet " + i + " is a slice of the burst's buffer");
            if (previous != null) {
                assertEquals(previous.address() + previous.bytes().length + previous.writableBytes() + 16,
                        got.address(), "packet " + i + " starts right after the previous slot");
            }
            previous = got;
        }
    }

    /** Consecutive TCP segments of one flow, {@code size} payload bytes each. */
    private static List<byte[]> tcpRun(int count, int size) {
        var spec = new SuperPackets.Spec(true, 0, 12, count * size, size, 0x10, false, 0);
        return NaiveSegmenter.split(SuperPackets.tcpSuperPacket(spec, new Random(count * 7L + size)));
    }

    private static ByteBuf direct(byte[] packet) {
        return Unpooled.directBuffer(16 + packet.length + 32).writerIndex(16).writeBytes(packet).readerIndex(16);
    }

    @Test
    void coalescesConsecutiveSegmentsIntoOneSuperPacketWithAGsoHeader() throws Exception {
        LOOP.register(channel);
        List<byte[]> run = tcpRun(5, 1000);
        byte[] other = SuperPackets.partialChecksumPacket(true, true, 50, new Random(22));
        ChannelFuture last = null;
        for (byte[] packet : run) {
            last = channel.write(direct(packet));
        }
        channel.writeAndFlush(direct(Arrays.copyOfRange(other, 10, other.length)));
        byte[] superPacket = pair.receive(TIMEOUT);
        assertEquals(1, superPacket[1], "GSO_TCPV4");
        assertPackets(run, NaiveSegmenter.split(superPacket), "the kernel's segmentation gives the packets back");
        byte[] alone = pair.receive(TIMEOUT);
        assertArrayEquals(new byte[10], Arrays.copyOf(alone, 10), "a packet that joins nothing: zero header");
        assertTrue(last.await(TIMEOUT.toMillis()) && last.isSuccess());
        assertEquals(1, channel.counters().coalescedWrites());
        assertEquals(5, channel.counters().coalescedPackets());
        assertEquals(6, channel.counters().packetsWritten());
    }

    @Test
    void coalescesUdpOnlyWhenTheKernelTookTheUdpSegmentationOffload() throws Exception {
        SeqPacketPair uso = new SeqPacketPair("vnet1", true, TunOptions.offloads() | TunOptions.udpOffloads());
        TunChannel udpChannel = new TunChannel(uso.queue());
        try {
            LOOP.register(udpChannel);
            LOOP.register(channel);
            var spec = new SuperPackets.Spec(true, 0, 0, 3 * 800, 800, 0, false, 0, true, 0);
            List<byte[]> datagrams = NaiveSegmenter.split(SuperPackets.superPacket(spec, new Random(23)));
            for (byte[] d : datagrams) {
                udpChannel.write(direct(d));
                channel.write(direct(d));
            }
            udpChannel.flush();
            channel.flush();
            byte[] coalesced = uso.receive(TIMEOUT);
            assertEquals(5, coalesced[1], "GSO_UDP_L4 where USO was accepted");
            assertPackets(datagrams, NaiveSegmenter.split(coalesced), "the datagrams");
            for (int i = 0; i < 3; i++) {
                assertEquals(0, pair.receive(TIMEOUT)[1], "without USO, datagram " + i + " goes alone");
            }
        } finally {
            TunChannelLoop.close(udpChannel);
            uso.close();
        }
    }

    @Test
    void aCoalescedWriteTheKernelRefusesSwitchesCoalescingOffAndWritesThePacketsOneByOne() throws Exception {
        channel.writer().setVectorWrite((iovecs, count) -> {
            throw new io.netty.channel.unix.Errors.NativeIoException("writev", -22); // EINVAL, as Linux 6.6.44 did
        });
        LOOP.register(channel);
        List<byte[]> run = tcpRun(3, 700);
        ChannelFuture last = null;
        for (byte[] packet : run) {
            last = channel.write(direct(packet));
        }
        channel.flush();
        for (int i = 0; i < 3; i++) {
            byte[] got = pair.receive(TIMEOUT);
            assertArrayEquals(run.get(i), Arrays.copyOfRange(got, 10, got.length), "packet " + i + " alone");
        }
        assertTrue(last.await(TIMEOUT.toMillis()) && last.isSuccess());
        assertEquals(0, channel.counters().droppedTotal(), "nothing lost");
        assertFalse(channel.writer().coalescingTcp(), "TCP coalescing is off from now on");
        assertEquals("tso", channel.offloadSummary());
    }
}
