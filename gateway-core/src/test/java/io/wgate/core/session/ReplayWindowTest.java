package io.wgate.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.core.Protocol;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayWindowTest {

    /** The kernel's limit; the table in vectors/replay-counter-kernel.txt is written against it. */
    private static final long REJECT_AFTER_MESSAGES = Protocol.REJECT_AFTER_MESSAGES;
    private static final int W = ReplayWindow.WINDOW_SIZE;

    private final ReplayWindow window = new ReplayWindow();

    @Test
    void constantsMatchTheKernel() {
        assertEquals(8192, ReplayWindow.RING_BITS);
        assertEquals(8128, ReplayWindow.WINDOW_SIZE);
        assertEquals("18446744073709543486", Long.toUnsignedString(REJECT_AFTER_MESSAGES));
    }

    /** Tests 1-34 of the kernel's selftest/counter.c, in order on one window; see the vector file for the source. */
    @Test
    void passesKernelCounterSelftestTable() throws IOException {
        List<String> failures = new ArrayList<>();
        int rows = 0;
        for (String line : vectorLines()) {
            String[] f = line.split("\\s+", 4);
            int number = Integer.parseInt(f[0]);
            long counter = Long.parseUnsignedLong(f[1]);
            boolean expected = Boolean.parseBoolean(f[2]);
            if (window.validate(counter, REJECT_AFTER_MESSAGES) != expected) {
                failures.add("kernel counter test " + number + " (" + f[3] + "): expected " + expected);
            }
            rows++;
        }
        assertEquals(34, rows, "the kernel table has 34 numbered tests");
        assertEquals(List.of(), failures);
    }

    // The bulk loops after the table in selftest/counter.c, each on a fresh window (T_INIT).

    @Test
    void kernelBulk1AcceptsWholeWindowAscendingThenZeroOnce() {
        for (long i = 1; i <= W; i++) {
            assertTrue(window.validate(i, REJECT_AFTER_MESSAGES), "counter " + i);
        }
        assertTrue(window.validate(0, REJECT_AFTER_MESSAGES), "0 is exactly WINDOW_SIZE behind");
        assertFalse(window.validate(0, REJECT_AFTER_MESSAGES));
    }

    @Test
    void kernelBulk2AcceptsWindowShiftedByOneThenOneButNotZero() {
        for (long i = 2; i <= W + 1; i++) {
            assertTrue(window.validate(i, REJECT_AFTER_MESSAGES), "counter " + i);
        }
        assertTrue(window.validate(1, REJECT_AFTER_MESSAGES));
        assertFalse(window.validate(0, REJECT_AFTER_MESSAGES), "WINDOW_SIZE + 1 behind");
    }

    @Test
    void kernelBulk3AcceptsWholeWindowDescending() {
        for (long i = W; i >= 0; i--) {
            assertTrue(window.validate(i, REJECT_AFTER_MESSAGES), "counter " + i);
        }
    }

    @Test
    void kernelBulk4AcceptsDescendingFromWindowPlusOneButNotZero() {
        for (long i = W + 1; i >= 1; i--) {
            assertTrue(window.validate(i, REJECT_AFTER_MESSAGES), "counter " + i);
        }
        assertFalse(window.validate(0, REJECT_AFTER_MESSAGES));
    }

    @Test
    void kernelBulk5AdvancingByOneAfterDescendingPushesZeroOut() {
        for (long i = W; i >= 1; i--) {
            assertTrue(window.validate(i, REJECT_AFTER_MESSAGES), "counter " + i);
        }
        assertTrue(window.validate(W + 1, REJECT_AFTER_MESSAGES));
        assertFalse(window.validate(0, REJECT_AFTER_MESSAGES));
    }

    @Test
    void kernelBulk6ZeroBeforeAdvancingIsAccepted() {
        for (long i = W; i >= 1; i--) {
            assertTrue(window.validate(i, REJECT_AFTER_MESSAGES), "counter " + i);
        }
        assertTrue(window.validate(0, REJECT_AFTER_MESSAGES));
        assertTrue(window.validate(W + 1, REJECT_AFTER_MESSAGES));
    }

    @Test
    void rejectsCounterOutsideWindow() {
        assertTrue(window.validate(100_000, REJECT_AFTER_MESSAGES));
        assertFalse(window.validate(100_000 - W - 1, REJECT_AFTER_MESSAGES));
        assertTrue(window.validate(100_000 - W, REJECT_AFTER_MESSAGES));
    }

    @Test
    void rejectsCountersAtOrAboveLimitComparedUnsigned() {
        assertFalse(window.validate(-1L, REJECT_AFTER_MESSAGES), "2^64 - 1");
        assertFalse(window.validate(REJECT_AFTER_MESSAGES, REJECT_AFTER_MESSAGES));
        assertTrue(window.validate(5, 6));
        assertFalse(window.validate(6, 6));
        assertEquals(5, window.highest(), "a rejected counter does not move the window");
    }

    @Test
    void treatsCountersAboveTwoToTheSixtyThreeAsLarge() {
        assertTrue(window.validate(100, REJECT_AFTER_MESSAGES));
        assertTrue(window.validate(Long.MIN_VALUE + 5, REJECT_AFTER_MESSAGES), "2^63 + 5 moves the window forward");
        assertEquals(Long.MIN_VALUE + 5, window.highest());
        assertFalse(window.validate(100, REJECT_AFTER_MESSAGES), "now far behind");
        assertTrue(window.validate(Long.MIN_VALUE, REJECT_AFTER_MESSAGES), "5 behind");
        assertTrue(window.validate(Long.MAX_VALUE, REJECT_AFTER_MESSAGES), "2^63 - 1 is 6 behind");
        assertFalse(window.validate(Long.MAX_VALUE, REJECT_AFTER_MESSAGES));
    }

    @Test
    void jumpingBeyondTheRingForgetsOldBitsThatShareSlots() {
        for (long i = 0; i < ReplayWindow.RING_BITS; i++) {
            assertTrue(window.validate(i, REJECT_AFTER_MESSAGES));
        }
        long top = 10L * ReplayWindow.RING_BITS;
        assertTrue(window.validate(top, REJECT_AFTER_MESSAGES));
        // Every counter still inside the window maps to a ring bit that an old counter had set.
        for (long c = top - W; c < top; c++) {
            assertTrue(window.validate(c, REJECT_AFTER_MESSAGES), "counter " + c);
        }
    }

    @Test
    void advancingBlockByBlockKeepsTheWholeWindow() {
        for (long c = 0; c < 5L * ReplayWindow.RING_BITS; c += 63) {
            assertTrue(window.validate(c, REJECT_AFTER_MESSAGES), "counter " + c);
        }
        long highest = window.highest();
        for (long c = highest - W; c < highest; c++) {
            assertEquals(c % 63 != 0, window.validate(c, REJECT_AFTER_MESSAGES), "counter " + c);
        }
    }

    @Test
    void resetForgetsEverything() {
        assertTrue(window.validate(0, REJECT_AFTER_MESSAGES));
        assertTrue(window.validate(50_000, REJECT_AFTER_MESSAGES));
        window.reset();
        assertEquals(0, window.highest());
        assertTrue(window.validate(0, REJECT_AFTER_MESSAGES));
        assertTrue(window.validate(1, REJECT_AFTER_MESSAGES));
        assertTrue(window.validate(50_000, REJECT_AFTER_MESSAGES));
    }

    private static List<String> vectorLines() throws IOException {
        try (InputStream in = ReplayWindowTest.class.getResourceAsStream("/vectors/replay-counter-kernel.txt")) {
            if (in == null) {
                throw new IllegalStateException("vectors/replay-counter-kernel.txt is not on the test class path");
            }
            List<String> lines = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    lines.add(line.strip());
                }
            }
            return lines;
        }
    }
}
