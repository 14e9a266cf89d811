package io.wgate.tun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
