package io.wgate.tun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Hostile or odd reads from a vnet-header TUN queue never break the read path: {@link GsoSplitter} drops a read for
 * a named {@link TunDropReason}, or turns it into the packets {@link NaiveSegmenter} makes, written into their slots
 * by {@link VnetReader#segmentsInSlots} without touching a byte around them, with checksums that verify (with
 * {@link InternetChecksum} and independently, {@link GsoSplitterTest#checkSegments}). Nothing else is thrown, and
 * every buffer is released (the read's under paranoid leak detection, the segments' checked by reference count). The
 * packets of an accepted read then go to {@link GroCoalescer} as a peer's writer would get them, maybe behind a stray
 * packet, a few bytes changed by the fuzzer: its writes equal {@link NaiveCoalescer}'s, each super-packet it writes
 * splits again into as many packets, and a group of unchanged packets comes back as it was.
 *
 * <p>Three kinds of input: a TCP or UDP super-packet built from the fuzzer's choices ({@link SuperPackets.Spec}:
 * IPv4 with options or IPv6 with extension headers, TCP options and flags, gso_size, payload length, hdr_len, ECN;
 * the rest from a seeded {@link Random}), or a plain packet with a partial checksum (NEEDS_CSUM), each then changed at
 * bytes the fuzzer picks (mostly in the headers), cut short or extended; or the raw bytes of a read. A read that was
 * built valid and left unchanged must be split. Every read and packet sits in a buffer that ends where it ends, so a
 * read past its end throws. A Jazzer fuzz target ({@code JAZZER_FUZZ=1} fuzzes; otherwise it replays its inputs in
 * {@code GsoSplitterFuzzTestInputs/} as a regression test).
 */
class GsoSplitterFuzzTest {

    private static final int NO_LIMIT = GroCoalescer.MAX_PACKET;
    /** Built super-packets are made for at most this many segments (edits may make more): short executions. */
    private static final int MAX_BUILT_SEGMENTS = 256;
    /** The virtio_net_hdr and the longest IP and transport headers a built read has: where edits mostly go. */
    private static final int HEADER_BYTES = VirtioNetHeader.LENGTH + 40 + 9 * 8 + 60;
    /** IPv6 extension headers the splitter keeps (GsoSplitter.MAX_EXTENSION_HEADERS); more make a drop. */
    private static final int KEPT_EXTENSION_HEADERS = 8;
    /** What every byte of a fresh segment buffer holds, so a byte written outside a segment shows. */
    private static final byte CANARY = (byte) 0xA5;
    private static final Set<TunDropReason> READ_DROPS = Set.of(TunDropReason.VNET_HEADER_TRUNCATED,
            TunDropReason.CSUM_OFFSETS_INVALID, TunDropReason.GSO_TYPE_UNSUPPORTED, TunDropReason.GSO_HEADERS_INVALID,
            TunDropReason.OVERSIZED_READ);

    /** A read to split; {@code valid}: built well formed and left so, it must be split. */
    private record Read(byte[] bytes, boolean valid, String what) {
    }

    @FuzzTest(maxDuration = "10m")
    void vnetReadsSplitLikeTheNaiveTwinAndCoalesceBack(FuzzedDataProvider data) {
        int mode = data.consumeInt(0, 2);
        int index = data.consumeInt(0, 7);
        int maxSegment = data.consumeBoolean() ? NO_LIMIT : data.consumeInt(TunChannelConfig.MIN_MTU, NO_LIMIT);
        int headroom = data.consumeInt(0, 64);
        int tailroom = data.consumeInt(0, 64);
        boolean udpCoalescing = data.consumeBoolean();
        Read read = switch (mode) {
            case 0 -> new Read(data.consumeRemainingAsBytes(), false, "raw read");
            case 1 -> edited(superPacket(data, maxSegment), data);
            default -> edited(plainPacket(data, maxSegment), data);
        };
        String what = read.what() + " of " + read.bytes().length + " bytes at " + index + ", max segment "
                + maxSegment + ", slots " + headroom + "+" + tailroom;
        try (Segments segments = split(read.bytes(), index, maxSegment, headroom, tailroom, what)) {
            if (segments == null) {
                assertFalse(read.valid(), what + ": a valid read was dropped");
                return;
            }
            if (read.valid() && mode == 2) {
                assertTrue(SuperPackets.l4ChecksumValid(segments.bytes.getFirst()), what + ": completed checksum");
            }
            coalesceBack(segments, udpCoalescing, data, what);
        }
    }

    /** A TCP or UDP super-packet as the kernel hands it out, its shape chosen by the fuzzer. */
    private static Read superPacket(FuzzedDataProvider data, int maxSegment) {
        boolean ipv4 = data.consumeBoolean();
        boolean udp = data.consumeBoolean();
        int ipOptions = ipv4 ? 4 * data.consumeInt(0, 10) : 0;
        int extensionHeaders = ipv4 ? 0 : data.consumeInt(0, KEPT_EXTENSION_HEADERS + 1);
        int tcpOptions = udp ? 0 : 4 * data.consumeInt(0, 10);
        int gsoSize = data.consumeInt(0, 0xFFFF);
        int headers = (ipv4 ? 20 + ipOptions : 40 + 8 * extensionHeaders) + (udp ? 8 : 20 + tcpOptions);
        int longest = ipv4 ? 0xFFFF : 40 + 0xFFFF;
        int payload = data.consumeInt(0, Math.min(longest - headers, MAX_BUILT_SEGMENTS * Math.max(gsoSize, 1)));
        int tcpFlags = udp ? 0 : data.consumeInt(0, 0xFF);
        boolean ecn = data.consumeBoolean();
        int extraHdrLen = data.consumeInt(0, payload);
        var spec = new SuperPackets.Spec(ipv4, ipOptions, tcpOptions, payload, gsoSize, tcpFlags, ecn, extraHdrLen, udp,
                8 * extensionHeaders);
        byte[] read = SuperPackets.superPacket(spec, new Random(data.consumeLong()));
        boolean valid = gsoSize > 0 && extensionHeaders <= KEPT_EXTENSION_HEADERS && headers + extraHdrLen <= 0xFFFF
                && headers + Math.min(gsoSize, payload) <= maxSegment;
        return new Read(read, valid, spec.toString());
    }

    /** A plain TCP or UDP packet whose checksum the splitter completes (NEEDS_CSUM, gso_type NONE). */
    private static Read plainPacket(FuzzedDataProvider data, int maxSegment) {
        boolean ipv4 = data.consumeBoolean();
        boolean udp = data.consumeBoolean();
        int headers = (ipv4 ? 20 : 40) + (udp ? 8 : 20);
        int payload = data.consumeInt(0, (ipv4 ? 0xFFFF : 40 + 0xFFFF) - headers);
        byte[] read = SuperPackets.partialChecksumPacket(ipv4, udp, payload, new Random(data.consumeLong()));
        return new Read(read, headers + payload <= maxSegment,
                "plain " + (ipv4 ? "IPv4" : "IPv6") + (udp ? " UDP" : " TCP") + " payload " + payload);
    }

    /** The read with up to six edits: a byte set (mostly in the headers), or the read cut short or extended. */
    private static Read edited(Read built, FuzzedDataProvider data) {
        byte[] read = built.bytes().clone();
        int edits = data.consumeInt(0, 6);
        for (int e = 0; e < edits && read.length > 0; e++) {
            switch (data.consumeInt(0, 2)) {
                case 0 -> read[data.consumeInt(0, Math.min(read.length, HEADER_BYTES) - 1)] = data.consumeByte();
                case 1 -> read[data.consumeInt(0, read.length - 1)] = data.consumeByte();
                default -> read = Arrays.copyOf(read, data.consumeInt(0, read.length + 64));
            }
        }
        boolean unchanged = Arrays.equals(read, built.bytes());
        return new Read(read, built.valid() && unchanged, built.what() + (unchanged ? "" : ", edited"));
    }

    /**
     * The packets {@code read} becomes (placed at {@code index} in a buffer that ends where it ends), laid out in
     * slots as {@link VnetReader} does and checked against the naive twin and the properties of a correct split; null
     * if the read is dropped, for a reason that fits it. The caller closes the result.
     */
    private static Segments split(byte[] read, int index, int maxSegment, int headroom, int tailroom, String what) {
        GsoSplitter splitter = new GsoSplitter();
        ByteBuf src = PooledByteBufAllocator.DEFAULT.directBuffer(index + read.length, index + read.length);
        try {
            src.writerIndex(index).writeBytes(read);
            TunDropReason reason = splitter.prepare(src, index, read.length, maxSegment);
            if (reason != null) {
                checkDropReason(read, reason, what);
                return null;
            }
            assertTrue(read.length > VirtioNetHeader.LENGTH, what);
            int gsoType = read[1] & ~VirtioNetHeader.GSO_ECN & 0xFF;
            assertEquals(gsoType != VirtioNetHeader.GSO_NONE, splitter.isGso(), what + ": GSO");
            ByteBuf batch = VnetReader.segmentsInSlots(splitter, CanaryAllocator.INSTANCE, headroom, n -> tailroom);
            Segments segments = new Segments(batch, splitter, headroom, tailroom);
            try {
                String at = what + " (" + splitter.segmentCount() + " segments)";
                checkSlots(segments, headroom, tailroom, maxSegment, at);
                List<byte[]> naive = NaiveSegmenter.split(read);
                assertEquals(naive.size(), segments.bytes.size(), at + ": segments");
                for (int i = 0; i < naive.size(); i++) {
                    int n = i;
                    assertArrayEquals(naive.get(i), segments.bytes.get(i), () -> at + ": segment " + n);
                }
                if (splitter.isGso()) {
                    checkSuperPacketSplit(read, splitter, segments, at);
                } else {
                    checkPlainCopy(read, splitter, segments.slices[0], segments.bytes.getFirst(), at);
                }
                return segments;
            } catch (Throwable t) {
                segments.close();
                throw t;
            }
        } finally {
            splitter.clear();
            src.release();
        }
    }

    /** The drop reason is one {@link GsoSplitter#prepare} documents, and the one that must come first where clear. */
    private static void checkDropReason(byte[] read, TunDropReason reason, String what) {
        assertTrue(READ_DROPS.contains(reason), what + ": " + reason);
        if (read.length <= VirtioNetHeader.LENGTH) {
            assertEquals(TunDropReason.VNET_HEADER_TRUNCATED, reason, what);
            return;
        }
        assertNotEquals(TunDropReason.VNET_HEADER_TRUNCATED, reason, what);
        int length = read.length - VirtioNetHeader.LENGTH;
        boolean csum = (read[0] & VirtioNetHeader.F_NEEDS_CSUM) != 0;
        boolean offsetsFit = NaiveSegmenter.u16le(read, 6) + NaiveSegmenter.u16le(read, 8) + 2 <= length;
        if (csum && !offsetsFit) {
            assertEquals(TunDropReason.CSUM_OFFSETS_INVALID, reason, what);
            return;
        }
        int gsoType = read[1] & ~VirtioNetHeader.GSO_ECN & 0xFF;
        switch (gsoType) {
            case VirtioNetHeader.GSO_NONE -> assertEquals(TunDropReason.OVERSIZED_READ, reason, what);
            case VirtioNetHeader.GSO_TCPV4, VirtioNetHeader.GSO_TCPV6, VirtioNetHeader.GSO_UDP_L4 ->
                    assertTrue(reason == TunDropReason.GSO_HEADERS_INVALID || reason == TunDropReason.OVERSIZED_READ,
                            what + ": " + reason);
            default -> assertEquals(TunDropReason.GSO_TYPE_UNSUPPORTED, reason, what);
        }
    }

    /** Every segment within the longest packet accepted, and every byte around the segments untouched. */
    private static void checkSlots(Segments segments, int headroom, int tailroom, int maxSegment, String what) {
        byte[] all = new byte[segments.batch.capacity()];
        segments.batch.getBytes(0, all);
        int slot = 0;
        for (int i = 0; i < segments.slices.length; i++) {
            int n = i;
            int length = segments.slices[i].readableBytes();
            assertTrue(length <= maxSegment, () -> what + ": segment " + n + " of " + length + " bytes");
            int end = slot + headroom + length;
            checkCanaries(all, slot, slot + headroom, i, what);
            checkCanaries(all, end, end + tailroom, i, what);
            slot = end + tailroom;
        }
        assertEquals(all.length, slot, what + ": the slots fill the buffer");
    }

    private static void checkCanaries(byte[] all, int from, int to, int segment, String what) {
        for (int b = from; b < to; b++) {
            if (all[b] != CANARY) {
                fail(what + ": byte " + b + " written, in the room around segment " + segment);
            }
        }
    }

    /**
     * A super-packet's segments: the properties {@link GsoSplitterTest#checkSegments} checks (for the shape read back
     * from the read), and every checksum verified with {@link InternetChecksum} over the segment in its buffer.
     */
    private static void checkSuperPacketSplit(byte[] read, GsoSplitter splitter, Segments segments, String what) {
        byte[] p = Arrays.copyOfRange(read, VirtioNetHeader.LENGTH, read.length);
        int gsoType = read[1] & ~VirtioNetHeader.GSO_ECN & 0xFF;
        boolean udp = gsoType == VirtioNetHeader.GSO_UDP_L4;
        boolean v4 = udp ? (p[0] & 0xF0) == 0x40 : gsoType == VirtioNetHeader.GSO_TCPV4;
        assertEquals(v4, splitter.isIpv4(), what + ": IPv4");
        assertEquals(udp, splitter.isUdp(), what + ": UDP");
        assertFalse(splitter.needsChecksum(), what);
        int ip = v4 ? (p[0] & 0x0F) * 4 : NaiveSegmenter.transportOffsetV6(p);
        int l4 = udp ? 8 : ((p[ip + 12] & 0xFF) >>> 4) * 4;
        int gsoSize = NaiveSegmenter.u16le(read, VirtioNetHeader.GSO_SIZE_OFFSET);
        var spec = new SuperPackets.Spec(v4, v4 ? ip - 20 : 0, udp ? 0 : l4 - 20, p.length - ip - l4, gsoSize,
                udp ? 0 : p[ip + 13] & 0xFF, (read[1] & VirtioNetHeader.GSO_ECN) != 0,
                NaiveSegmenter.u16le(read, VirtioNetHeader.HDR_LEN_OFFSET) - ip - l4, udp, v4 ? 0 : ip - 40);
        GsoSplitterTest.checkSegments(spec, read, segments.bytes, what + " " + spec);
        int proto = udp ? GsoSplitter.PROTO_UDP : GsoSplitter.PROTO_TCP;
        for (int i = 0; i < segments.slices.length; i++) {
            int n = i;
            ByteBuf segment = segments.slices[i];
            assertTrue(l4ChecksumVerifies(segment, v4, ip, proto), () -> what + ": L4 checksum of segment " + n);
            if (v4) {
                assertEquals(0xFFFF, InternetChecksum.fold(InternetChecksum.add(0, segment, segment.readerIndex(), ip)),
                        () -> what + ": IPv4 header checksum of segment " + n);
            }
        }
    }

    /**
     * A plain packet is copied as it is, but for the checksum field NEEDS_CSUM points at: that one now completes the
     * sum from csum_start to the end (the field's old value, the partial sum, taken out again).
     */
    private static void checkPlainCopy(byte[] read, GsoSplitter splitter, ByteBuf slice, byte[] out, String what) {
        byte[] packet = Arrays.copyOfRange(read, VirtioNetHeader.LENGTH, read.length);
        assertEquals(1, splitter.segmentCount(), what);
        boolean csum = (read[0] & VirtioNetHeader.F_NEEDS_CSUM) != 0;
        assertEquals(csum, splitter.needsChecksum(), what + ": NEEDS_CSUM");
        if (!csum) {
            assertArrayEquals(packet, out, what + ": copied unchanged");
            return;
        }
        int start = NaiveSegmenter.u16le(read, VirtioNetHeader.CSUM_START_OFFSET);
        int offset = NaiveSegmenter.u16le(read, VirtioNetHeader.CSUM_OFFSET_OFFSET);
        int field = start + offset;
        int old = NaiveSegmenter.u16(packet, field);
        packet[field] = out[field];
        packet[field + 1] = out[field + 1];
        assertArrayEquals(packet, out, what + ": only the checksum field changes");
        if (offset % 2 == 0) {
            int r = slice.readerIndex();
            int folded = InternetChecksum.fold(InternetChecksum.add(old, slice, r + start, packet.length - start));
            assertTrue(folded == 0xFFFF || folded == 0, what + ": the completed sum folds to " + folded);
        }
    }

    /** Whether the TCP or UDP checksum of {@code segment} verifies: pseudo-header and segment sum to 0xFFFF. */
    private static boolean l4ChecksumVerifies(ByteBuf segment, boolean v4, int l4Offset, int proto) {
        int r = segment.readerIndex();
        int l4Length = segment.readableBytes() - l4Offset;
        long sum = v4 ? InternetChecksum.add(proto + l4Length, segment, r + 12, 8)
                : InternetChecksum.add(proto + l4Length, segment, r + 8, 32);
        return InternetChecksum.fold(InternetChecksum.add(sum, segment, r + l4Offset, l4Length)) == 0xFFFF;
    }

    /**
     * The segments (maybe behind a stray packet), up to three bytes changed by the fuzzer, through the coalescer: the
     * writes equal the naive twin's; each super-packet written splits again into as many packets of the same lengths,
     * the very packets when none of them was changed (or stray). Borrows the segments.
     */
    private static void coalesceBack(Segments segments, boolean udp, FuzzedDataProvider data, String what) {
        // Maybe a stray packet of the fuzzer's bytes in front; each packet in a buffer or slice that ends where it
        // ends (owned, released below), so a read past it throws.
        byte[] stray = data.consumeBytes(data.consumeInt(0, 80));
        List<byte[]> bytes = new ArrayList<>();
        if (stray.length > 0) {
            bytes.add(stray);
        }
        bytes.addAll(segments.bytes);
        ByteBuf[] packets = new ByteBuf[bytes.size()];
        try {
            int first = 0;
            if (stray.length > 0) {
                packets[first++] = Unpooled.directBuffer(stray.length, stray.length).writeBytes(stray);
            }
            for (int i = 0; i < segments.slices.length; i++) {
                ByteBuf slot = segments.slices[i];
                packets[first + i] = slot.retainedSlice(slot.readerIndex(), slot.readableBytes());
            }
            coalesceBack(packets, bytes, stray.length > 0, udp, data,
                    what + (stray.length > 0 ? ", a stray packet in front" : ""));
        } finally {
            for (ByteBuf packet : packets) {
                if (packet != null) {
                    packet.release();
                }
            }
        }
    }

    private static void coalesceBack(ByteBuf[] packets, List<byte[]> packetBytes, boolean strayInFront, boolean udp,
                                     FuzzedDataProvider data, String what) {
        List<byte[]> bytes = new ArrayList<>();
        for (byte[] b : packetBytes) {
            bytes.add(b.clone());
        }
        boolean[] changed = new boolean[packets.length];
        changed[0] = strayInFront;
        int changes = data.consumeInt(0, 3);
        for (int c = 0; c < changes; c++) {
            int i = data.consumeInt(0, packets.length - 1);
            int at = data.consumeInt(0, bytes.get(i).length - 1);
            byte value = data.consumeByte();
            changed[i] |= bytes.get(i)[at] != value;
            bytes.get(i)[at] = value;
            packets[i].setByte(at, value);
        }
        GroCoalescer coalescer = new GroCoalescer();
        coalescer.setUdp(udp);
        List<byte[]> writes = GroCoalescerTest.writes(coalescer, packets);
        List<byte[]> naive = NaiveCoalescer.coalesce(bytes, udp);
        String at = what + ", coalesced" + (udp ? " with UDP" : "");
        assertEquals(naive.size(), writes.size(), at + ": writes");
        int next = 0;
        for (int w = 0; w < writes.size(); w++) {
            int written = w;
            int packet = next;
            byte[] write = writes.get(w);
            assertArrayEquals(naive.get(w), write, () -> at + ": write " + written);
            if (write[VirtioNetHeader.GSO_TYPE_OFFSET] == VirtioNetHeader.GSO_NONE) {
                assertArrayEquals(bytes.get(next), Arrays.copyOfRange(write, VirtioNetHeader.LENGTH, write.length),
                        () -> at + ": packet " + packet + " written alone");
                next++;
                continue;
            }
            List<byte[]> again;
            try (Segments resplit = split(write, 0, NO_LIMIT, 0, 0, at + ": write " + w + " split again")) {
                assertNotNull(resplit, () -> at + ": write " + written + " is dropped when split again");
                again = resplit.bytes;
            }
            assertTrue(next + again.size() <= bytes.size(), () -> at + ": write " + written + " splits into too many");
            boolean groupChanged = false;
            for (int i = 0; i < again.size(); i++) {
                int n = next + i;
                assertEquals(bytes.get(n).length, again.get(i).length, () -> at + ": packet " + n);
                groupChanged |= changed[n];
            }
            if (!groupChanged) {
                for (int i = 0; i < again.size(); i++) {
                    int n = next + i;
                    assertArrayEquals(bytes.get(n), again.get(i), () -> at + ": packet " + n + " again");
                }
            }
            next += again.size();
        }
        assertEquals(packets.length, next, at + ": every packet written once");
    }

    /**
     * The segments of one read in their slots: the buffer {@link VnetReader#segmentsInSlots} made (owned), a retained
     * slice of each segment (owned, reader index at the segment, as {@link VnetReader} fires them) and a copy of each.
     * {@link #close} releases them.
     */
    private static final class Segments implements AutoCloseable {
        final ByteBuf batch;
        final ByteBuf[] slices;
        final List<byte[]> bytes = new ArrayList<>();

        Segments(ByteBuf batch, GsoSplitter splitter, int headroom, int tailroom) {
            this.batch = batch;
            this.slices = new ByteBuf[splitter.segmentCount()];
            int slot = 0;
            for (int i = 0; i < slices.length; i++) {
                int length = splitter.segmentLength(i);
                int size = headroom + length + tailroom;
                slices[i] = batch.retainedSlice(slot, size).setIndex(headroom, headroom + length);
                byte[] copy = new byte[length];
                batch.getBytes(slot + headroom, copy);
                bytes.add(copy);
                slot += size;
            }
        }

        /** Releases the slices and the buffer, and checks that nothing else holds the buffer. */
        @Override
        public void close() {
            for (ByteBuf slice : slices) {
                if (slice != null) {
                    slice.release();
                }
            }
            batch.release();
            assertEquals(0, batch.refCnt(), "the segments' buffer is released");
        }
    }

    /**
     * Direct buffers of exactly the capacity asked for, every byte set to {@link #CANARY}. Untracked by the leak
     * detector, like {@code GroCoalescerTest}'s packets: paranoid detection records every field access, and the
     * splitter and the coalescer make thousands per input. {@link Segments#close} checks their release instead.
     */
    private static final class CanaryAllocator extends AbstractByteBufAllocator {
        static final CanaryAllocator INSTANCE = new CanaryAllocator();

        private CanaryAllocator() {
            super(true);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            throw new UnsupportedOperationException("segments go to direct buffers");
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            byte[] canaries = new byte[initialCapacity];
            Arrays.fill(canaries, CANARY);
            return Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(initialCapacity).put(canaries).clear());
        }

        @Override
        public boolean isDirectBufferPooled() {
            return true;
        }
    }
}
