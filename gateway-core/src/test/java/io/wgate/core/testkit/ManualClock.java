package io.wgate.core.testkit;

import io.wgate.core.WallClock;
import java.time.Duration;

/**
 * A hand-driven clock: monotonic {@link #nanos()} for the engine inputs and a wall clock that moves
 * with it, starting at a fixed date so TAI64N timestamps are reproducible.
 */
public final class ManualClock implements WallClock {

    /** 2023-11-14T22:13:20Z, unix 1 700 000 000. */
    public static final long DEFAULT_EPOCH_NANOS = 1_700_000_000L * 1_000_000_000L;

    private final long epochOffsetNanos;
    private long nanos;

    /** Monotonic time starts at an arbitrary non-zero value, as System.nanoTime does. */
    public ManualClock() {
        this(123_456_789_000L, DEFAULT_EPOCH_NANOS);
    }

    public ManualClock(long startNanos, long startEpochNanos) {
        this.nanos = startNanos;
        this.epochOffsetNanos = startEpochNanos - startNanos;
    }

    /** Current monotonic time. */
    public long nanos() {
        return nanos;
    }

    public void advance(Duration duration) {
        advanceNanos(duration.toNanos());
    }

    public void advanceNanos(long deltaNanos) {
        if (deltaNanos < 0) {
            throw new IllegalArgumentException("time does not go backwards: " + deltaNanos);
        }
        nanos += deltaNanos;
    }

    /** Moves to {@code targetNanos}, which must not be in the past. */
    public void advanceTo(long targetNanos) {
        advanceNanos(targetNanos - nanos);
    }

    @Override
    public long epochNanos() {
        return nanos + epochOffsetNanos;
    }
}
