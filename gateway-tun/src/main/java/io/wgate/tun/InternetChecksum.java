package io.wgate.tun;

import io.netty.buffer.ByteBuf;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071): the ones'-complement sum of 16-bit big-endian words, folded and complemented.
 *
 * <p>Sums are kept unfolded in a {@code long} so that ranges (pseudo-header, header, payload) can be added up
 * cheaply and folded once. Long ranges of off-heap buffers are summed 8 bytes at a time in the machine's own byte
 * order and the folded result byte-swapped (RFC 1071 §2(B): the sum is byte-order independent up to that swap), so
 * the loop needs no byte reversal; it runs on every packet the gateway splits or coalesces. The naive twin is
 * {@code NaiveSegmenter.checksum} in the tests.
 */
final class InternetChecksum {
    /** All of memory, for reads at a {@code ByteBuf}'s address after its own bounds check. */
    private static final MemorySegment MEMORY = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    private static final ValueLayout.OfLong NATIVE_LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    /** Below this many bytes the plain loop is as fast. */
    private static final int NATIVE_MIN_LENGTH = 64;

    private InternetChecksum() {
    }

    /**
     * Adds the bytes {@code [index, index + length)} of {@code buf} to {@code sum} as 16-bit big-endian words (an
     * odd last byte is padded with zero). Borrows {@code buf}. Even {@code length} keeps later ranges aligned.
     *
     * @return the unfolded sum; fine for up to 2^30 bytes in total
     * @throws IndexOutOfBoundsException if the range is not inside the buffer
     */
    static long add(long sum, ByteBuf buf, int index, int length) {
        if (length >= NATIVE_MIN_LENGTH && buf.hasMemoryAddress()) {
            if (index < 0 || length < 0 || index > buf.capacity() - length) {
                throw new IndexOutOfBoundsException("range " + index + "+" + length + " outside " + buf.capacity());
            }
            int bulk = length & ~7;
            sum += bigEndianSum(buf.memoryAddress() + index, bulk);
            return addPlain(sum, buf, index + bulk, length - bulk);
        }
        return addPlain(sum, buf, index, length);
    }

    /** The folded sum of {@code length} bytes (a multiple of 8) at {@code address}, as big-endian words. */
    private static long bigEndianSum(long address, int length) {
        long low = 0;
        long high = 0;
        for (long a = address, end = address + length; a < end; a += 8) {
            long v = MEMORY.get(NATIVE_LONG, a);
            low += v & 0xFFFFFFFFL;
            high += v >>> 32;
        }
        int folded = fold(low + high);
        return LITTLE_ENDIAN ? Integer.reverseBytes(folded) >>> 16 : folded;
    }

    private static long addPlain(long sum, ByteBuf buf, int index, int length) {
        int i = index;
        int end = index + length;
        for (; end - i >= 8; i += 8) {
            long v = buf.getLong(i);
            sum += (v >>> 32) + (v & 0xFFFFFFFFL);
        }
        if (end - i >= 4) {
            sum += buf.getUnsignedInt(i);
            i += 4;
        }
        if (end - i >= 2) {
            sum += buf.getUnsignedShort(i);
            i += 2;
        }
        if (i < end) {
            sum += (buf.getUnsignedByte(i) << 8);
        }
        return sum;
    }

    /** Folds an unfolded sum to 16 bits (end-around carry), not complemented. */
    static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }

    /** The checksum field value for an unfolded sum computed with the field set to zero. */
    static int finish(long sum) {
        return ~fold(sum) & 0xFFFF;
    }
}
