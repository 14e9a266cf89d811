package io.wgate.core.session;

import java.util.HashSet;
import java.util.Set;

/**
 * The obviously-correct twin of {@link ReplayWindow} for differential tests: every counter ever accepted in a set,
 * plus the highest. Accepts a counter iff it is below the limit, not more than {@link ReplayWindow#WINDOW_SIZE}
 * behind the highest, and not seen before (RFC 6479; kernel {@code receive.c}). Unbounded memory; tests only.
 */
final class NaiveReplayWindow {

    private final Set<Long> seen = new HashSet<>();
    private long highest;

    boolean validate(long counter, long limit) {
        if (Long.compareUnsigned(counter, limit) >= 0) {
            return false;
        }
        if (Long.compareUnsigned(counter, highest) <= 0
                && Long.compareUnsigned(highest - counter, ReplayWindow.WINDOW_SIZE) > 0) {
            return false;
        }
        if (!seen.add(counter)) {
            return false;
        }
        if (Long.compareUnsigned(counter, highest) > 0) {
            highest = counter;
        }
        return true;
    }
}
