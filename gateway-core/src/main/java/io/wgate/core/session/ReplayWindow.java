package io.wgate.core.session;

import java.util.Arrays;

/**
 * Sliding-window replay protection for one receiving keypair: the RFC 6479 block ring used by the Linux kernel
 * ({@code receive.c counter_validate}) and wireguard-go ({@code replay/replay.go}), RFC 6479.
 *
 * <p>The ring holds {@value #RING_BITS} bits as 128 blocks of 64. The block holding the highest counter seen is
 * always partly in the future, so the guaranteed window is one block less: {@value #WINDOW_SIZE} counters behind
 * the highest. Moving forward clears only the blocks the top passes over, so the cost is independent of the gap.
 *
 * <p>Counters and the limit are unsigned 64-bit values ({@code REJECT_AFTER_MESSAGES} is above 2<sup>63</sup>).
 * Not thread-safe: call from the single thread that owns the keypair's receive path. {@link #validate} allocates
 * nothing.
 */
public final class ReplayWindow {

    /** Bits in the ring (kernel {@code COUNTER_BITS_TOTAL}, wireguard-go {@code CounterBitsTotal}). */
    public static final int RING_BITS = 8192;
    /** Counters accepted behind the highest one seen (kernel {@code COUNTER_WINDOW_SIZE}). */
    public static final int WINDOW_SIZE = RING_BITS - Long.SIZE;

    private static final int BLOCK_SHIFT = 6;
    private static final int BLOCKS = RING_BITS / Long.SIZE;
    private static final int BLOCK_MASK = BLOCKS - 1;

    private final long[] blocks = new long[BLOCKS];
    /** Highest counter accepted so far (0 before the first packet, which is harmless: see {@link #validate}). */
    private long highest;

    /**
     * Checks {@code counter} and marks it as seen. Call only after the packet authenticated, so that forged counters
     * cannot move the window.
     *
     * @param counter the packet's counter, unsigned
     * @param limit counters at or above this (unsigned) are rejected, e.g. {@code REJECT_AFTER_MESSAGES}
     * @return {@code true} if the counter is new and may be accepted; {@code false} if it is at or above
     *     {@code limit}, more than {@link #WINDOW_SIZE} behind the highest counter seen, or was seen before
     */
    public boolean validate(long counter, long limit) {
        if (Long.compareUnsigned(counter, limit) >= 0) {
            return false;
        }
        long block = counter >>> BLOCK_SHIFT;
        if (Long.compareUnsigned(counter, highest) > 0) {
            long top = highest >>> BLOCK_SHIFT;
            long advance = Math.min(block - top, BLOCKS); // block >= top, both < 2^58: no overflow
            for (long i = 1; i <= advance; i++) {
                blocks[(int) ((top + i) & BLOCK_MASK)] = 0;
            }
            highest = counter;
        } else if (Long.compareUnsigned(highest - counter, WINDOW_SIZE) > 0) {
            return false;
        }
        int index = (int) (block & BLOCK_MASK);
        long bit = 1L << counter; // shift distance is taken mod 64
        long old = blocks[index];
        blocks[index] = old | bit;
        return (old & bit) == 0;
    }

    /** Forgets every counter seen: the state of a fresh keypair. */
    public void reset() {
        Arrays.fill(blocks, 0L);
        highest = 0;
    }

    /** Highest counter accepted so far (unsigned), 0 when none; for diagnostics and tests. */
    public long highest() {
        return highest;
    }
}
