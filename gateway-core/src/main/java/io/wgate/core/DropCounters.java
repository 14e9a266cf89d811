package io.wgate.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One counter per {@link DropReason}. Written only by the engine's owner thread with plain
 * increments; read by the metrics side with opaque reads, so a scrape never blocks the data path.
 */
public final class DropCounters {

    private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final DropReason[] REASONS = DropReason.values();

    private final long[] counts = new long[REASONS.length];

    /** Counts one dropped packet. Owner thread only. */
    public void count(DropReason reason) {
        counts[reason.ordinal()]++;
    }

    /** Counts {@code n} dropped packets. Owner thread only. */
    public void count(DropReason reason, int n) {
        counts[reason.ordinal()] += n;
    }

    /** The current count; safe to call from any thread. */
    public long get(DropReason reason) {
        return (long) COUNTS.getOpaque(counts, reason.ordinal());
    }

    /** Sum over all reasons; safe to call from any thread. */
    public long total() {
        long sum = 0;
        for (DropReason reason : REASONS) {
            sum += get(reason);
        }
        return sum;
    }
}
