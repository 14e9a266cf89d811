package io.wgate.tun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GroCoalescerTest {

    static LongStream seeds() {
        long base = Long.getLong("wgate.test.seed", System.nanoTime());
        System.out.println("GroCoalescerTest seed base " + base + " (rerun with -Dwgate.test.seed=" + base + ")");
        return LongStream.range(0, 8).map(i -> base + i);
    }

    /** The writes the coalescer makes for {@code packets} (one window), each as virtio_net_hdr + packet. */
    static List<byte[]> coalesce(List<byte[]> packets, boolean udp) {
        GroCoalescer coalescer = new GroCoalescer();
        coalescer.setUdp(udp);
        ByteBuf[] bufs = new ByteBuf[packets.size()];
        try {
            for (int i = 0; i < bufs.length; i++) {
                byte[] p = packets.get(i);
                // Untracked direct memory: paranoid leak detection would record every field access of thousands of
                // packets. At an offset, as decrypted packets are.
                bufs[i] = Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(16 + p.length + 32));
                bufs[i].setIndex(16, 16).writeBytes(p);
            }
            return writes(coalescer, bufs);
        } finally {
            for (ByteBuf buf : bufs) {
                if (buf != null) {
                    buf.release();
                }
            }
        }
    }

    /**
     * The writes {@code coalescer} makes for the packets {@code bufs} (one window), each as virtio_net_hdr + packet.
     * Borrows the buffers; their indices are not changed.
     */
    static List<byte[]> writes(GroCoalescer coalescer, ByteBuf[] bufs) {
        List<byte[]> writes = new ArrayList<>();
        for (int pos = 0; pos < bufs.length; ) {
            int count = coalescer.group(bufs, pos, bufs.length);
            assertTrue(count >= 1 && pos + count <= bufs.length, "group of " + count + " at " + pos);
            if (count == 1) {
                ByteBuf packet = bufs[pos];
                byte[] write = new byte[10 + packet.readableBytes()];
                packet.getBytes(packet.readerIndex(), write, 10, packet.readableBytes());
                writes.add(write);
            } else {
                writes.add(gather(coalescer));
                assertEquals(count + 1, coalescer.iovecCount());
            }
            pos += count;
        }
        return writes;
    }

    /** The bytes a writev of the prepared vectors would write. */
    private static byte[] gather(GroCoalescer coalescer) {
        MemorySegment iovecs = MemorySegment.ofAddress(coalescer.iovecs()).reinterpret(16L * coalescer.iovecCount());
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < coalescer.iovecCount(); i++) {
            long address = iovecs.get(ValueLayout.JAVA_LONG, 16L * i);
            long length = iovecs.get(ValueLayout.JAVA_LONG, 16L * i + 8);
            out.writeBytes(MemorySegment.ofAddress(address).reinterpret(length).toArray(ValueLayout.JAVA_BYTE));
        }
        byte[] write = out.toByteArray();
        assertEquals(10 + coalescer.groupBytes(), write.length);
        return write;
    }

    /** What the kernel makes of the writes: each super-packet segmented again, plain packets as they are. */
    private static List<byte[]> segmentAgain(List<byte[]> writes) {
        List<byte[]> packets = new ArrayList<>();
        for (byte[] write : writes) {
            if (write[1] == 0) {
                packets.add(Arrays.copyOfRange(write, 10, write.length));
            } else {
                packets.addAll(NaiveSegmenter.split(write));
            }
        }
        return packets;
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void coalescesRandomBatchesLikeTheNaiveTwinAndSegmentsBackToTheInput(long seed) {
        Random random = new Random(seed);
        int coalesced = 0;
        for (int n = 0; n < 200; n++) {
            boolean udp = random.nextBoolean();
            List<byte[]> batch = PacketStreams.batch(random, 1 + random.nextInt(64), udp);
            String what = "seed " + seed + " batch " + n;
            List<byte[]> fast = coalesce(batch, udp);
            List<byte[]> naive = NaiveCoalescer.coalesce(batch, udp);
            assertEquals(naive.size(), fast.size(), what + ": writes");
            for (int i = 0; i < naive.size(); i++) {
                assertArrayEquals(naive.get(i), fast.get(i), what + ": write " + i);
                coalesced += fast.get(i)[1] != 0 ? 1 : 0;
            }
            List<byte[]> again = segmentAgain(fast);
            assertEquals(batch.size(), again.size(), what + ": packets after segmentation");
            for (int i = 0; i < batch.size(); i++) {
                assertArrayEquals(batch.get(i), again.get(i), what + ": packet " + i + " after segmentation");
            }
        }
        assertTrue(coalesced > 100, "the streams must exercise coalescing, got " + coalesced + " super-packets");
    }

    private static List<byte[]> run(int count, int size, boolean v4, boolean udp) {
        List<byte[]> packets = new ArrayList<>();
        Random random = new Random(count * 31L + size);
        long seq = 1000;
        for (int i = 0; i < count; i++) {
            packets.add(Ipv4OrV6.packet(v4, udp, size, seq, i, random));
            seq += size;
        }
        return packets;
    }

    @Test
    void writesATcpRunAsOneSuperPacketWithTheVirtioHeaderTheKernelExpects() {
        List<byte[]> packets = run(3, 1000, true, false);
        byte[] write = coalesce(packets, false).getFirst();
        assertEquals(1, write[0], "NEEDS_CSUM");
        assertEquals(1, write[1], "GSO_TCPV4");
        assertEquals(40, NaiveSegmenter.u16le(write, 2), "hdr_len");
        assertEquals(1000, NaiveSegmenter.u16le(write, 4), "gso_size");
        assertEquals(20, NaiveSegmenter.u16le(write, 6), "csum_start");
        assertEquals(16, NaiveSegmenter.u16le(write, 8), "csum_offset");
        assertEquals(3040, NaiveSegmenter.u16(write, 10 + 2), "total length");
        assertTrue(SuperPackets.ipv4HeaderChecksumValid(Arrays.copyOfRange(write, 10, 30)), "IPv4 header checksum");
    }

    @Test
    void endsAGroupAfterAShorterSegmentOrPshAndStartsANewOne() {
        List<byte[]> packets = run(5, 1000, false, false);
        packets.set(2, Ipv4OrV6.packet(false, false, 500, 3000, 2, new Random(1))); // shorter: ends the first group
        List<byte[]> writes = coalesce(packets, false);
        assertEquals(2, writes.size());
        assertEquals(4, writes.get(0)[1], "GSO_TCPV6");
        assertEquals(40 + 20 + 2500, writes.get(0).length - 10);
        List<byte[]> pushed = run(4, 1000, true, false);
        pushed.get(1)[20 + 13] = 0x18; // PSH on the second (checksum changes by the flag: redo it)
        NaiveSegmenter.fillL4Checksum(pushed.get(1), true, 20, 6);
        List<byte[]> split = coalesce(pushed, false);
        assertEquals(2, split.size());
        assertEquals(0x18, split.get(0)[10 + 20 + 13], "the group carries the last packet's PSH");
    }

    @Test
    void writesAPacketWithABadChecksumAlone() {
        List<byte[]> packets = run(4, 800, true, false);
        packets.get(2)[100] ^= 1;
        List<byte[]> writes = coalesce(packets, false);
        assertEquals(3, writes.size());
        assertEquals(0, writes.get(1)[1], "the corrupt packet goes alone, for the kernel to drop");
        assertArrayEquals(packets.get(2), Arrays.copyOfRange(writes.get(1), 10, writes.get(1).length));
    }

    @Test
    void coalescesUdpOnlyWhenEnabled() {
        List<byte[]> packets = run(4, 1200, true, true);
        assertEquals(4, coalesce(packets, false).size());
        List<byte[]> writes = coalesce(packets, true);
        assertEquals(1, writes.size());
        assertEquals(5, writes.getFirst()[1], "GSO_UDP_L4");
        assertEquals(6, NaiveSegmenter.u16le(writes.getFirst(), 8), "csum_offset");
        assertEquals(8 + 4800, NaiveSegmenter.u16(writes.getFirst(), 10 + 20 + 4), "UDP length of the whole");
    }

    @Test
    void capsAGroupAtSixtyFourSegmentsAndTheIpLengthLimit() {
        assertEquals(List.of(64, 6), groupSizes(run(70, 500, true, false)));
        // 1400-byte payloads: 46 of them make 64 440 bytes with headers; the 47th would pass 65 535
        assertEquals(List.of(46, 4), groupSizes(run(50, 1400, true, false)));
    }

    @Test
    void readsNothingPastAFirstPacketThatEndsInsideItsTcpHeader() {
        // A 30-byte IPv4 packet whose TCP header ends before the data offset, then a full one, each in a buffer that
        // ends where the packet does: the data offset used to be read before the length was checked.
        byte[] cut = Arrays.copyOf(Ipv4OrV6.packet(true, false, 0, 1000, 0, new Random(5)), 30);
        NaiveSegmenter.put16(cut, 2, cut.length);
        byte[] full = Ipv4OrV6.packet(true, false, 100, 1000, 1, new Random(6));
        ByteBuf[] bufs = {Unpooled.directBuffer(cut.length, cut.length).writeBytes(cut),
            Unpooled.directBuffer(full.length, full.length).writeBytes(full)};
        try {
            assertEquals(1, new GroCoalescer().group(bufs, 0, bufs.length));
            assertEquals(2, NaiveCoalescer.coalesce(List.of(cut, full), false).size(), "the naive twin: two writes");
        } finally {
            for (ByteBuf buf : bufs) {
                buf.release();
            }
        }
    }

    private static List<Integer> groupSizes(List<byte[]> packets) {
        List<Integer> sizes = new ArrayList<>();
        for (byte[] write : coalesce(packets, false)) {
            sizes.add(write[1] == 0 ? 1 : NaiveSegmenter.split(write).size());
        }
        return sizes;
    }

    /** Well-formed TCP or UDP packets of one flow for the tests above. */
    private static final class Ipv4OrV6 {
        static byte[] packet(boolean v4, boolean udp, int payload, long seq, int index, Random random) {
            int ip = v4 ? 20 : 40;
            int l4 = udp ? 8 : 20;
            byte[] p = new byte[ip + l4 + payload];
            random.nextBytes(p);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(p);
            if (v4) {
                p[0] = 0x45;
                p[1] = 0;
                b.putShort(2, (short) p.length);
                b.putShort(4, (short) (7 + index));
                b.putShort(6, (short) 0x4000);
                p[8] = 64;
                p[9] = (byte) (udp ? 17 : 6);
                b.putLong(12, 0xC0000201C6336402L); // 192.0.2.1 -> 198.51.100.2
                b.putShort(10, (short) 0);
                b.putShort(10, (short) NaiveSegmenter.checksum(p, 0, 20, 0));
            } else {
                b.putInt(0, 0x60000000);
                b.putShort(4, (short) (p.length - 40));
                p[6] = (byte) (udp ? 17 : 6);
                p[7] = 64;
                for (int i = 8; i < 40; i++) {
                    p[i] = (byte) i;
                }
            }
            b.putInt(ip, 0xC35001BB);
            if (udp) {
                b.putShort(ip + 4, (short) (p.length - ip));
            } else {
                b.putInt(ip + 4, (int) seq);
                b.putInt(ip + 8, 77);
                p[ip + 12] = 0x50;
                p[ip + 13] = 0x10;
                b.putShort(ip + 14, (short) 512);
                b.putShort(ip + 18, (short) 0);
            }
            NaiveSegmenter.fillL4Checksum(p, v4, ip, udp ? 17 : 6);
            return p;
        }
    }
}
