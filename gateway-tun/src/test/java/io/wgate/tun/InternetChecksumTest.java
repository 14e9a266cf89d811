package io.wgate.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class InternetChecksumTest {

    static LongStream seeds() {
        long base = Long.getLong("wgate.test.seed", System.nanoTime());
        System.out.println("InternetChecksumTest seed base " + base + " (rerun with -Dwgate.test.seed=" + base + ")");
        return LongStream.range(0, 4).map(i -> base + i);
    }

    @Test
    void matchesTheRfc1071Example() {
        // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (folded).
        ByteBuf buf = Unpooled.wrappedBuffer(new byte[] {0x00, 0x01, (byte) 0xf2, 0x03, (byte) 0xf4, (byte) 0xf5,
            (byte) 0xf6, (byte) 0xf7});
        try {
            assertEquals(0xddf2, InternetChecksum.fold(InternetChecksum.add(0, buf, 0, 8)));
            assertEquals(0x220d, InternetChecksum.finish(InternetChecksum.add(0, buf, 0, 8)));
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void agreesWithTheNaiveTwinOnRandomRanges(long seed) {
        agreesWithTheNaiveTwin(seed, false);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void agreesWithTheNaiveTwinOnRandomRangesOfOffHeapMemory(long seed) {
        agreesWithTheNaiveTwin(seed, true); // the native-order loop, at every alignment
    }

    @org.junit.jupiter.api.Test
    void refusesARangeOutsideAnOffHeapBuffer() {
        ByteBuf buf = Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(256));
        try {
            org.junit.jupiter.api.Assertions.assertThrows(IndexOutOfBoundsException.class,
                    () -> InternetChecksum.add(0, buf, 200, 64));
            org.junit.jupiter.api.Assertions.assertThrows(IndexOutOfBoundsException.class,
                    () -> InternetChecksum.add(0, buf, -8, 100));
        } finally {
            buf.release();
        }
    }

    private static void agreesWithTheNaiveTwin(long seed, boolean offHeap) {
        Random random = new Random(seed);
        byte[] data = new byte[70_000];
        random.nextBytes(data);
        // not leak-tracked: paranoid access records would dominate
        ByteBuf buf = offHeap ? Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(data.length).put(data).flip())
                : Unpooled.wrappedBuffer(data);
        try {
            for (int n = 0; n < 500; n++) {
                int off = random.nextInt(data.length);
                int len = random.nextInt(Math.min(data.length - off, random.nextBoolean() ? 64 : 65536) + 1);
                int initial = random.nextInt(0x10000);
                int expected = NaiveSegmenter.checksum(data, off, len, initial);
                assertEquals(expected, InternetChecksum.finish(InternetChecksum.add(initial, buf, off, len)),
                        "seed " + seed + " off " + off + " len " + len);
            }
            byte[] ones = new byte[65536];
            java.util.Arrays.fill(ones, (byte) 0xFF);
            ByteBuf big = offHeap ? Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(ones.length).put(ones).flip())
                    : Unpooled.wrappedBuffer(ones);
            assertEquals(0xFFFF, InternetChecksum.fold(InternetChecksum.add(0xFFFF, big, 0, ones.length)));
            big.release();
        } finally {
            buf.release();
        }
    }
}
