package io.wgate.tun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GsoSplitterTest {
    private static final int NO_LIMIT = 65535;

    static LongStream seeds() {
        long base = Long.getLong("wgate.test.seed", System.nanoTime());
        System.out.println("GsoSplitterTest seed base " + base + " (rerun with -Dwgate.test.seed=" + base + ")");
        return LongStream.range(0, 6).map(i -> base + i);
    }

    /** Runs the splitter over {@code read} placed at an odd index in a pooled buffer; null if dropped. */
    private static List<byte[]> split(byte[] read, int maxSegment, TunDropReason[] dropped) {
        GsoSplitter splitter = new GsoSplitter();
        ByteBuf src = PooledByteBufAllocator.DEFAULT.directBuffer(read.length + 7);
        try {
            src.writerIndex(3).writeBytes(read);
            TunDropReason reason = splitter.prepare(src, 3, read.length, maxSegment);
            if (reason != null) {
                dropped[0] = reason;
                return null;
            }
            List<byte[]> out = new ArrayList<>();
            for (int i = 0; i < splitter.segmentCount(); i++) {
                int length = splitter.segmentLength(i);
                ByteBuf dst = PooledByteBufAllocator.DEFAULT.directBuffer(16 + length + 32);
                try {
                    dst.setIndex(16, 16);
                    splitter.writeSegment(i, dst, 16);
                    assertEquals(16, dst.writerIndex(), "segment " + i + ": the indices stay");
                    byte[] bytes = new byte[length];
                    dst.getBytes(16, bytes);
                    out.add(bytes);
                } finally {
                    dst.release();
                }
            }
            splitter.clear();
            return out;
        } finally {
            src.release();
        }
    }

    private static List<byte[]> split(byte[] read) {
        TunDropReason[] dropped = new TunDropReason[1];
        List<byte[]> out = split(read, NO_LIMIT, dropped);
        assertNull(dropped[0], "dropped");
        return out;
    }

    private static TunDropReason dropReason(byte[] read, int maxSegment) {
        TunDropReason[] dropped = new TunDropReason[1];
        assertNull(split(read, maxSegment, dropped), "expected a drop");
        return dropped[0];
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void splitsRandomTcpSuperPacketsLikeTheNaiveTwin(long seed) {
        splitsLikeTheNaiveTwin(seed, SuperPackets::randomSpec);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void splitsRandomUdpAndExtensionHeaderSuperPacketsLikeTheNaiveTwin(long seed) {
        splitsLikeTheNaiveTwin(seed, SuperPackets::randomAnySpec);
    }

    private static void splitsLikeTheNaiveTwin(long seed, Function<Random, SuperPackets.Spec> specs) {
        Random random = new Random(seed);
        for (int n = 0; n < 100; n++) {
            SuperPackets.Spec spec = specs.apply(random);
            byte[] read = SuperPackets.superPacket(spec, random);
            String what = "seed " + seed + " case " + n + " " + spec;
            List<byte[]> fast = split(read);
            List<byte[]> naive = NaiveSegmenter.split(read);
            assertEquals(naive.size(), fast.size(), what);
            for (int i = 0; i < naive.size(); i++) {
                assertArrayEquals(naive.get(i), fast.get(i), what + " segment " + i);
            }
            checkSegments(spec, read, fast, what);
        }
    }

    /** Properties of a correct split, checked without either implementation's arithmetic. */
    static void checkSegments(SuperPackets.Spec spec, byte[] read, List<byte[]> segments, String what) {
        byte[] packet = Arrays.copyOfRange(read, 10, read.length);
        int ip = spec.ipHeader();
        int headers = spec.headers();
        int expected = spec.payload() == 0 ? 1 : (spec.payload() + spec.gsoSize() - 1) / spec.gsoSize();
        assertEquals(expected, segments.size(), what);
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        long seq = Integer.toUnsignedLong(ByteBuffer.wrap(packet).getInt(ip + 4));
        for (int i = 0; i < segments.size(); i++) {
            byte[] s = segments.get(i);
            int n = i;
            Supplier<String> at = () -> what + " segment " + n;
            assertTrue(s.length <= headers + spec.gsoSize(), at);
            assertTrue(SuperPackets.l4ChecksumValid(s), () -> at.get() + ": L4 checksum");
            ByteBuffer b = ByteBuffer.wrap(s);
            if (spec.ipv4()) {
                assertTrue(SuperPackets.ipv4HeaderChecksumValid(s), () -> at.get() + ": IPv4 header checksum");
                assertEquals(s.length, b.getShort(2) & 0xFFFF, () -> at.get() + ": total length");
                assertEquals(((packet[4] & 0xFF) << 8 | (packet[5] & 0xFF)) + i & 0xFFFF, b.getShort(4) & 0xFFFF,
                        () -> at.get() + ": identification");
                assertArrayEquals(Arrays.copyOfRange(packet, 12, ip), Arrays.copyOfRange(s, 12, ip), at);
            } else {
                assertEquals(s.length - 40, b.getShort(4) & 0xFFFF, () -> at.get() + ": payload length");
                assertArrayEquals(Arrays.copyOfRange(packet, 6, ip), Arrays.copyOfRange(s, 6, ip),
                        () -> at.get() + ": the rest of the IPv6 header and its extension headers");
            }
            if (spec.udp()) {
                assertEquals(s.length - ip, b.getShort(ip + 4) & 0xFFFF, () -> at.get() + ": UDP length");
                assertArrayEquals(Arrays.copyOfRange(packet, ip, ip + 4), Arrays.copyOfRange(s, ip, ip + 4),
                        () -> at.get() + ": ports");
                payload.write(s, headers, s.length - headers);
                continue;
            }
            assertEquals((seq + (long) i * spec.gsoSize()) & 0xFFFFFFFFL, Integer.toUnsignedLong(b.getInt(ip + 4)),
                    () -> at.get() + ": sequence number");
            int flags = s[ip + 13] & 0xFF;
            int original = spec.tcpFlags();
            boolean last = i == segments.size() - 1;
            assertEquals(last ? original & 0x09 : 0, flags & 0x09, () -> at.get() + ": FIN/PSH");
            assertEquals(i == 0 ? original & 0x80 : 0, flags & 0x80, () -> at.get() + ": CWR");
            assertEquals(original & 0x76, flags & 0x76, () -> at.get() + ": other flags");
            // TCP options and the rest of the header travel unchanged, except seq, flags and checksum
            assertArrayEquals(Arrays.copyOfRange(packet, ip + 8, ip + 13), Arrays.copyOfRange(s, ip + 8, ip + 13), at);
            assertArrayEquals(Arrays.copyOfRange(packet, ip + 18, headers), Arrays.copyOfRange(s, ip + 18, headers),
                    at);
            payload.write(s, headers, s.length - headers);
        }
        assertArrayEquals(Arrays.copyOfRange(packet, headers, packet.length), payload.toByteArray(),
                what + ": payload reassembles");
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void completesPartialChecksumsOfPlainPacketsLikeTheNaiveTwin(long seed) {
        Random random = new Random(seed);
        for (int n = 0; n < 200; n++) {
            boolean ipv4 = random.nextBoolean();
            boolean udp = random.nextBoolean();
            byte[] read = SuperPackets.partialChecksumPacket(ipv4, udp, random.nextInt(1400), random);
            String what = "seed " + seed + " case " + n + (ipv4 ? " IPv4" : " IPv6") + (udp ? " UDP" : " TCP");
            List<byte[]> fast = split(read);
            assertEquals(1, fast.size(), what);
            assertArrayEquals(NaiveSegmenter.split(read).get(0), fast.get(0), what);
            assertTrue(SuperPackets.l4ChecksumValid(fast.get(0)), what + ": checksum");
            byte[] packet = Arrays.copyOfRange(read, 10, read.length);
            int csumAt = (ipv4 ? 20 : 40) + (udp ? 6 : 16);
            packet[csumAt] = fast.get(0)[csumAt];
            packet[csumAt + 1] = fast.get(0)[csumAt + 1];
            assertArrayEquals(packet, fast.get(0), what + ": only the checksum changes");
        }
    }

    @Test
    void copiesPlainPacketsWithoutNeedsCsumUnchanged() {
        Random random = new Random(42);
        byte[] read = SuperPackets.partialChecksumPacket(true, true, 100, random);
        read[0] = 2; // DATA_VALID only
        assertArrayEquals(Arrays.copyOfRange(read, 10, read.length), split(read).get(0));
    }

    @Test
    void writesAllOnesWhenAPartialChecksumCompletesToZero() {
        // A UDP checksum of 0 means "none" (RFC 768); like skb_checksum_help, a computed 0 is sent as 0xFFFF.
        byte[] read = new byte[10 + 28];
        read[0] = 1;
        SuperPackets.putLe16(read, 6, 20);
        SuperPackets.putLe16(read, 8, 6);
        NaiveSegmenter.put16(read, 10 + 20 + 4, 0xFFFF); // the only non-zero word: the sum is 0xFFFF
        byte[] out = split(read).get(0);
        assertEquals(0xFFFF, NaiveSegmenter.u16(out, 26));
    }

    @Test
    void headerOnlySuperPacketBecomesOneSegment() {
        Random random = new Random(7);
        var spec = new SuperPackets.Spec(true, 0, 0, 0, 1000, 0x19, false, 0);
        List<byte[]> out = split(SuperPackets.tcpSuperPacket(spec, random));
        assertEquals(1, out.size());
        assertEquals(40, out.get(0).length);
        assertEquals(0x19, out.get(0)[33] & 0xFF, "the only segment is the last: FIN and PSH stay");
    }

    @Test
    void wrapsSequenceNumberAndIdentification() {
        Random random = new Random(9);
        var spec = new SuperPackets.Spec(true, 0, 12, 3000, 1000, 0x18, false, 0);
        byte[] read = SuperPackets.tcpSuperPacket(spec, random);
        NaiveSegmenter.put16(read, 10 + 4, 0xFFFF);
        ByteBuffer.wrap(read).putInt(10 + 20 + 4, 0xFFFFFF00);
        NaiveSegmenter.put16(read, 10 + 10, 0);
        NaiveSegmenter.put16(read, 10 + 10, NaiveSegmenter.checksum(read, 10, 20, 0));
        List<byte[]> out = split(read);
        assertEquals(0, NaiveSegmenter.u16(out.get(1), 4));
        assertEquals(0xFFFFFF00 + 2000, ByteBuffer.wrap(out.get(2)).getInt(24));
        checkSegments(spec, read, out, "wrap");
    }

    private static byte[] validV4() {
        return SuperPackets.tcpSuperPacket(new SuperPackets.Spec(true, 8, 12, 4000, 1000, 0x18, false, 0),
                new Random(1));
    }

    private static byte[] validV6() {
        return SuperPackets.tcpSuperPacket(new SuperPackets.Spec(false, 0, 12, 4000, 1000, 0x18, false, 0),
                new Random(2));
    }

    private static byte[] with(byte[] read, Consumer<byte[]> change) {
        byte[] copy = read.clone();
        change.accept(copy);
        return copy;
    }

    @Test
    void dropsReadsTooShortForTheVnetHeader() {
        assertEquals(TunDropReason.VNET_HEADER_TRUNCATED, dropReason(new byte[0], NO_LIMIT));
        assertEquals(TunDropReason.VNET_HEADER_TRUNCATED, dropReason(new byte[10], NO_LIMIT));
    }

    @Test
    void dropsGsoTypesItDoesNotSplit() {
        for (int type : new int[] {2, 3, 6, 0x7F, 0x83}) { // 5 (UDP_L4) on a TCP packet: see the header checks
            assertEquals(TunDropReason.GSO_TYPE_UNSUPPORTED, dropReason(with(validV4(), r -> r[1] = (byte) type),
                    NO_LIMIT), "gso_type " + type);
        }
    }

    @Test
    void dropsChecksumOffsetsPastThePacket() {
        byte[] plain = SuperPackets.partialChecksumPacket(true, false, 10, new Random(3));
        int length = plain.length - 10;
        assertEquals(TunDropReason.CSUM_OFFSETS_INVALID,
                dropReason(with(plain, r -> SuperPackets.putLe16(r, 6, length - 1)), NO_LIMIT));
        assertEquals(TunDropReason.CSUM_OFFSETS_INVALID,
                dropReason(with(plain, r -> SuperPackets.putLe16(r, 8, length)), NO_LIMIT));
        assertEquals(TunDropReason.CSUM_OFFSETS_INVALID,
                dropReason(with(validV4(), r -> SuperPackets.putLe16(r, 6, 0xFFFF)), NO_LIMIT));
    }

    @Test
    void dropsSuperPacketsWhoseHeadersDoNotAddUp() {
        int ip = 10; // offset of the IP header in the read
        List<Consumer<byte[]>> v4Breakages = List.of(
                r -> r[1] = 4, // TCPV6 on an IPv4 packet
                r -> r[ip] = 0x65, // version 6 in an IPv4 header
                r -> r[ip] = 0x44, // IHL below 5
                r -> r[ip + 9] = 17, // UDP
                r -> NaiveSegmenter.put16(r, ip + 2, r.length - 11), // total length short by one
                r -> r[ip + 6] = 0x20, // MF
                r -> r[ip + 7] = 1, // fragment offset
                r -> r[ip + 28 + 12] = 0x40, // TCP data offset 4
                r -> SuperPackets.putLe16(r, 2, 28 + 31), // hdr_len shorter than the real headers
                r -> SuperPackets.putLe16(r, 2, r.length), // hdr_len past the packet
                r -> SuperPackets.putLe16(r, 4, 0), // gso_size 0
                r -> SuperPackets.putLe16(r, 6, 20), // csum_start is not the TCP header
                r -> SuperPackets.putLe16(r, 8, 6)); // csum_offset is not TCP's
        for (int i = 0; i < v4Breakages.size(); i++) {
            assertEquals(TunDropReason.GSO_HEADERS_INVALID, dropReason(with(validV4(), v4Breakages.get(i)),
                    NO_LIMIT), "IPv4 breakage " + i);
        }
        List<Consumer<byte[]>> v6Breakages = List.of(
                r -> r[1] = 1, // TCPV4 on an IPv6 packet
                r -> r[ip + 6] = 0, // a hop-by-hop header claimed where the TCP header is: the chain does not end at TCP
                r -> r[1] = 5, // UDP_L4 on a TCP packet
                r -> NaiveSegmenter.put16(r, ip + 4, r.length - 10 - 40 + 1), // payload length
                r -> SuperPackets.putLe16(r, 6, 20));
        for (int i = 0; i < v6Breakages.size(); i++) {
            assertEquals(TunDropReason.GSO_HEADERS_INVALID, dropReason(with(validV6(), v6Breakages.get(i)),
                    NO_LIMIT), "IPv6 breakage " + i);
        }
        byte[] truncated = with(Arrays.copyOf(validV4(), 10 + 28 + 10), r -> {
            r[0] = 0; // no NEEDS_CSUM, so the checksum offsets are not what is wrong
            NaiveSegmenter.put16(r, ip + 2, 38);
        });
        assertEquals(TunDropReason.GSO_HEADERS_INVALID, dropReason(truncated, NO_LIMIT), "truncated TCP header");
    }

    @Test
    void readsNothingPastTheEndOfAShortRead() {
        // Found by GsoSplitterFuzzTest: the fragment field of a read ending inside its IPv4 header, and the TCP data
        // offset of one ending 10 bytes into its TCP header, were read before the length checks. Each read here fills
        // its buffer exactly, so a read past its end throws.
        byte[] insideIpv4Header = with(Arrays.copyOf(validV4(), 10 + 6), r -> r[0] = 0);
        byte[] beforeDataOffset = with(Arrays.copyOf(validV4(), 10 + 28 + 10), r -> {
            r[0] = 0; // no NEEDS_CSUM, so the checksum offsets are not what is wrong
            NaiveSegmenter.put16(r, 10 + 2, 38);
        });
        for (byte[] read : List.of(insideIpv4Header, beforeDataOffset)) {
            ByteBuf src = PooledByteBufAllocator.DEFAULT.directBuffer(read.length, read.length).writeBytes(read);
            try {
                TunDropReason reason = new GsoSplitter().prepare(src, 0, read.length, NO_LIMIT);
                assertEquals(TunDropReason.GSO_HEADERS_INVALID, reason, read.length + "-byte read");
            } finally {
                src.release();
            }
        }
    }

    @Test
    void dropsSegmentsLongerThanTheChannelAccepts() {
        byte[] v4 = validV4(); // 28 + 32 bytes of headers, gso_size 1000
        assertEquals(1060, split(v4, 1060, new TunDropReason[1]).get(0).length);
        assertEquals(TunDropReason.OVERSIZED_READ, dropReason(v4, 1059));
        byte[] plain = SuperPackets.partialChecksumPacket(true, true, 100, new Random(4));
        assertEquals(TunDropReason.OVERSIZED_READ, dropReason(plain, plain.length - 11));
    }

    @Test
    void dropsIpv6RoutingHeadersWithSegmentsLeftAndChainsThatDoNotEndAtCsumStart() {
        var spec = new SuperPackets.Spec(false, 0, 0, 3000, 1000, 0x10, false, 0, false, 24);
        byte[] valid = SuperPackets.superPacket(spec, new Random(12));
        assertEquals(3, split(valid).size(), "hop-by-hop, destination options and routing headers are kept");
        int routing = 10 + 40 + 16; // the third extension header
        assertEquals(TunDropReason.GSO_HEADERS_INVALID,
                dropReason(with(valid, r -> r[routing + 3] = 1), NO_LIMIT), "segments left");
        assertEquals(TunDropReason.GSO_HEADERS_INVALID,
                dropReason(with(valid, r -> SuperPackets.putLe16(r, 6, 40)), NO_LIMIT), "csum_start before the chain's end");
        assertEquals(TunDropReason.GSO_HEADERS_INVALID,
                dropReason(with(valid, r -> r[10 + 40] = 44), NO_LIMIT), "a fragment header is not kept");
    }

    @Test
    void splitsAUdpSuperPacketIntoDatagramsWithTheirOwnLengthAndChecksum() {
        var spec = new SuperPackets.Spec(true, 0, 0, 2500, 1000, 0, false, 0, true, 0);
        byte[] read = SuperPackets.superPacket(spec, new Random(13));
        List<byte[]> out = split(read);
        assertEquals(3, out.size());
        assertEquals(List.of(1028, 1028, 528), out.stream().map(b -> b.length).toList());
        for (byte[] datagram : out) {
            assertEquals(datagram.length - 20, NaiveSegmenter.u16(datagram, 24), "UDP length");
            assertTrue(SuperPackets.l4ChecksumValid(datagram));
        }
    }

    @Test
    void ecnBitDoesNotChangeTheGsoType() {
        byte[] read = with(validV6(), r -> r[1] = (byte) 0x84);
        assertEquals(4, split(read).size());
    }
}
