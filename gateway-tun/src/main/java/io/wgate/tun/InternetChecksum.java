package io.wgate.tun;

import io.netty.buffer.ByteBuf;

/**
 * The Internet checksum (RFC 1071): the ones'-complement sum of 16-bit big-endian words, folded and complemented.
 *
 * <p>Sums are kept unfolded in a {@code long} so that ranges (pseudo-header, header, payload) can be added up
 * cheaply and folded once. The naive twin is {@code NaiveSegmenter.checksum} in the tests.
 */
final class InternetChecksum {
    private InternetChecksum() {
    }

    /**
     * Adds the bytes {@code [index, index + length)} of {@code buf} to {@code sum} as 16-bit big-endian words (an
     * odd last byte is padded with zero). Borrows {@code buf}. Even {@code length} keeps later ranges aligned.
     *
     * @return the unfolded sum; fine for up to 2^30 bytes in total
     */
    static long add(long sum, ByteBuf buf, int index, int length) {
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
